#include "services/plex/sync_jobs.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "services/plex/plex_library.h"
#include "services/plex/plex_settings.h"

namespace kiosk::plex {
namespace {

// Schedule ticks are not exact: a run this much early still counts as due.
constexpr absl::Duration kSlack = absl::Seconds(30);

bool Forced(const jobs::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload, nullptr, false);
  return payload.is_object() && payload.value("force", false);
}

}  // namespace

SyncJobs::SyncJobs(LibrarySync& sync, PgLibraryStore& store, server::SettingsSource& settings,
                   http::HttpClient& http, jobs::JobQueue& queue, PlexClientOptions client)
    : sync_(sync),
      store_(store),
      settings_(settings),
      http_(http),
      queue_(queue),
      client_(std::move(client)) {}

void SyncJobs::Register(jobs::JobRuntime& runtime) {
  runtime.Register(kFullSyncKind, [this](const jobs::Job& job) { return Run(job, true); });
  runtime.Register(kIncrementalSyncKind,
                   [this](const jobs::Job& job) { return Run(job, false); });
  runtime.Register(kAvailabilityKind,
                   [this](const jobs::Job& job) { return ReportAvailability(job); });
  runtime.AddPeriodic({.name = kIncrementalSyncKind,
                       .cron = "@every 1m",
                       .kind = kIncrementalSyncKind,
                       .payload = "{}",
                       .time_zone = "UTC",
                       .max_attempts = 3});
  runtime.AddPeriodic({.name = kFullSyncKind,
                       .cron = "@every 1h",
                       .kind = kFullSyncKind,
                       .payload = "{}",
                       .time_zone = "UTC",
                       .max_attempts = 3});
}

absl::StatusOr<bool> SyncJobs::Due(bool full, absl::Duration every) {
  absl::Time last = absl::InfinitePast();
  // Any finished sync resets the incremental clock; only a full one the full clock.
  for (const char* kind : {"full", "incremental"}) {
    if (full && std::string(kind) == "incremental") continue;
    ASSIGN_OR_RETURN(std::optional<SyncState> state, store_.GetSyncState(kind));
    if (state) last = std::max(last, state->finished_at);
  }
  return absl::Now() - last >= every - kSlack;
}

absl::Status SyncJobs::Run(const jobs::Job& job, bool full) {
  auto note = [&](int64_t done, int64_t total, const std::string& text) {
    absl::Status reported = queue_.ReportProgress(job.id, done, total, text);
    if (!reported.ok()) log::Debug("plex_sync_progress_lost").With(reported);
  };
  ASSIGN_OR_RETURN(PlexSettings settings, ReadPlexSettings(settings_));
  if (!settings.configured()) {
    note(0, 0, "Plex is not configured (plex.url): nothing to sync");
    return absl::OkStatus();
  }
  if (!Forced(job)) {
    ASSIGN_OR_RETURN(bool due,
                     Due(full, full ? settings.full_every : settings.incremental_every));
    if (!due) {
      note(0, 0, "not due yet (plex.sync_minutes / plex.full_sync_hours)");
      return absl::OkStatus();
    }
  }
  std::lock_guard<std::mutex> lock(running_);
  PlexClient plex(http_, settings.connection, client_);
  absl::StatusOr<SyncReport> report =
      full ? sync_.FullSync(plex, note) : sync_.IncrementalSync(plex, note);
  if (!report.ok()) {
    log::Warn("plex_sync_failed").With("kind", full ? "full" : "incremental").With(report.status());
    return absl::Status(report.status().code(),
                        absl::StrCat(full ? "full" : "incremental", " Plex sync failed: ",
                                     report.status().message()));
  }
  std::string summary =
      absl::StrCat(report->items_seen, " listed, ", report->items_written, " written, ",
                   report->items_deleted, " removed, ", report->requests_changed,
                   " requests changed");
  if (!report->availability.ok()) {
    // The library is synced; only the report waits (and retries) for kiosk-media.
    ASSIGN_OR_RETURN(std::optional<int64_t> retry,
                     queue_.Enqueue(kAvailabilityKind,
                                    full ? R"({"complete": true})" : R"({"complete": false})",
                                    {.run_after = std::nullopt,
                                     .max_attempts = 10,
                                     .dedupe_key = full ? "plex.availability.complete"
                                                        : "plex.availability.present"}));
    (void)retry;
    absl::StrAppend(&summary, "; kiosk-media not told yet: job ", kAvailabilityKind,
                    " retries (its last error says why)");
  }
  note(report->items_seen, report->items_seen, summary);
  return absl::OkStatus();
}

absl::Status SyncJobs::ReportAvailability(const jobs::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload, nullptr, false);
  const bool complete = payload.is_object() && payload.value("complete", false);
  std::lock_guard<std::mutex> lock(running_);
  absl::StatusOr<int> reported = sync_.ReportAvailability(complete, nullptr);
  if (!reported.ok()) return reported.status();
  (void)queue_.ReportProgress(job.id, *reported, *reported, "titles reported to kiosk-media");
  return absl::OkStatus();
}

}  // namespace kiosk::plex
