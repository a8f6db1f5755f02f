#include "services/downloads/download_chain.h"

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "services/downloads/chain_jobs.h"
#include "services/downloads/qbittorrent/info_hash.h"
#include "services/downloads/qbittorrent/torrent_state.h"

namespace kiosk::downloads {
namespace {

using qbittorrent::TorrentPhase;

int StatusRank(const std::string& status) {
  if (status == "processing") return 1;
  if (status == "downloading") return 2;
  if (status == "importing") return 3;
  if (status == "available") return 4;
  return 0;
}

std::string Category(const server::SettingValues& settings) {
  std::string category = settings.String("qbittorrent.category", "plex-kiosk");
  return category.empty() ? "plex-kiosk" : category;
}

}  // namespace

const std::vector<std::string>& ChainSettingKeys() {
  static const std::vector<std::string> kKeys = {
      "qbittorrent.url",        "qbittorrent.username",   "qbittorrent.password",
      "qbittorrent.category",   "downloads.path",         "downloads.stall_minutes",
      "downloads.seed_ratio",   "downloads.seed_minutes", "downloads.remove_torrents",
      "downloads.history_days", "library.movies_path",    "library.tv_path",
      "qbittorrent.path_map"};
  return kKeys;
}

std::string RequestStatusFor(const std::string& state) {
  if (state == kQueued) return "processing";
  if (state == kDownloading || state == kStalled || state == kPaused) return "downloading";
  if (state == kCompleted || state == kImporting) return "importing";
  if (state == kImported) return "available";
  if (state == kFailed || state == kRemoved) return "failed";
  return "";
}

absl::Status ValidateRelease(const std::string& release) {
  if (release.empty()) {
    return absl::InvalidArgumentError(
        "release is required: a magnet link (magnet:?xt=urn:btih:...) or an http(s) URL of a "
        ".torrent file");
  }
  if (qbittorrent::IsMagnet(release)) return qbittorrent::InfoHashFromMagnet(release).status();
  if (absl::StartsWithIgnoreCase(release, "http://") ||
      absl::StartsWithIgnoreCase(release, "https://")) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      "a release is a magnet link (magnet:?xt=urn:btih:...) or an http(s) URL of a .torrent file");
}

absl::StatusOr<int64_t> DownloadIdOf(const jobs::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload, nullptr, false);
  if (payload.is_object() && payload.contains("download_id") &&
      payload["download_id"].is_number_integer()) {
    return payload["download_id"].get<int64_t>();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("job ", job.id, " (", job.kind, ") has no download_id in its payload"));
}

DownloadChain::DownloadChain(PgDownloadStore& store, server::SettingsSource& settings,
                             TorrentClients& clients, MediaPeer& media, ChainOptions options)
    : store_(store),
      settings_(settings),
      clients_(clients),
      media_(media),
      options_(std::move(options)) {}

void DownloadChain::Register(jobs::JobRuntime& jobs) {
  jobs.Register(kAddTorrentJob, [this](const jobs::Job& job) { return AddTorrent(job); },
                {.concurrency = 2});
  jobs.Register(kMonitorJob, [this](const jobs::Job& job) { return MonitorPass(job); },
                {.concurrency = 1});
  jobs.Register(kCleanupJob, [this](const jobs::Job& job) { return Cleanup(job); },
                {.concurrency = 1});
  jobs.AddPeriodic({.name = kMonitorJob, .cron = options_.monitor_cron, .kind = kMonitorJob});
  jobs.AddPeriodic({.name = kCleanupJob, .cron = options_.cleanup_cron, .kind = kCleanupJob});
}

absl::StatusOr<Download> DownloadChain::Submit(int64_t request_id, const std::string& release,
                                              int64_t user_id) {
  if (request_id <= 0) return absl::InvalidArgumentError("request_id must be a positive id");
  if (user_id < 0) return absl::InvalidArgumentError("user_id must be a user id (0 = ask kiosk-media)");
  if (!release.empty()) RETURN_IF_ERROR(ValidateRelease(release));
  if (user_id == 0) {  // its owner reads the download: ask kiosk-media who that is
    absl::StatusOr<RequestInfo> request = media_.GetRequest(request_id);
    if (absl::IsNotFound(request.status())) {
      return absl::FailedPreconditionError(
          absl::StrCat("request ", request_id, " does not exist in kiosk-media"));
    }
    if (!request.ok()) return request.status();
    user_id = request->user_id;
  }
  ASSIGN_OR_RETURN(Download d, store_.Submit(request_id, release, user_id));
  log::Info("download_submitted").With("request_id", request_id).With("download_id", d.id)
      .With("state", d.state);
  if (d.state == kAwaitingRelease) {
    Report(d, kAwaitingRelease, 0, 0, 0, "approved; waiting for a release to download", "");
  }
  return d;
}

absl::StatusOr<Download> DownloadChain::AttachRelease(int64_t request_id,
                                                      const std::string& release) {
  if (request_id <= 0) return absl::InvalidArgumentError("request_id must be a positive id");
  RETURN_IF_ERROR(ValidateRelease(release));
  absl::StatusOr<Download> d = store_.AttachRelease(request_id, release);
  if (absl::IsNotFound(d.status())) {
    // Approved a moment ago: kiosk-media's `request` job has not handed it
    // over yet. Take it now; the job's SubmitRequest then answers this
    // download (it is idempotent per request).
    ASSIGN_OR_RETURN(RequestInfo request, media_.GetRequest(request_id));
    if (request.status != "approved" && request.status != "processing") return d.status();
    return Submit(request_id, release, request.user_id);
  }
  if (!d.ok()) return d.status();
  log::Info("release_attached").With("request_id", request_id).With("download_id", d->id);
  return d;
}

absl::StatusOr<Download> DownloadChain::Retry(int64_t id, const std::string& release) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive download id");
  if (!release.empty()) RETURN_IF_ERROR(ValidateRelease(release));
  ASSIGN_OR_RETURN(Download d, store_.Retry(id, release));
  log::Info("download_retried").With("download_id", id).With("attempts", d.attempts);
  return d;
}

void DownloadChain::Report(const Download& d, const std::string& state, double progress,
                           int64_t speed, int64_t eta, const std::string& message,
                           const std::string& reason,
                           std::vector<std::pair<int, std::vector<int>>> episodes_imported) {
  ProgressReport report{.request_id = d.request_id,
                        .status = "",
                        .percent = progress * 100,
                        .download_speed = speed,
                        .eta_seconds = eta,
                        .stage = state,
                        .message = message,
                        .reason = reason,
                        .episodes_imported = std::move(episodes_imported)};
  const std::string status = RequestStatusFor(state);
  const bool forward = status == "failed" ? d.reported_status != "failed"
                                          : StatusRank(status) > StatusRank(d.reported_status);
  if (forward) report.status = status;
  absl::Status sent = media_.ReportProgress(report);
  if (!sent.ok()) {
    log::Warn("progress_not_reported").With("request_id", d.request_id).With("status", status)
        .With("error", sent.message());
    return;
  }
  if (forward) (void)store_.SetReportedStatus(d.id, status);
}

absl::Status DownloadChain::AddTorrent(const jobs::Job& job) {
  ASSIGN_OR_RETURN(int64_t id, DownloadIdOf(job));
  ASSIGN_OR_RETURN(Download d, store_.Get(id));
  if (d.state != kQueued) return absl::OkStatus();  // done before
  if (!d.torrent_hash.empty()) {
    // Retried with its torrent still in qBittorrent (e.g. an import that
    // failed): follow it again now rather than at the next monitor cron.
    return store_.EnqueueMonitor(kMonitorKeyA, absl::ZeroDuration());
  }
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ChainSettingKeys()));
  auto waiting = [&](const absl::Status& status) -> absl::Status {
    if (job.attempts >= job.max_attempts) {
      // No attempt left: failed with the reason (not "queued" forever);
      // RetryDownload sends it again once qBittorrent works.
      RETURN_IF_ERROR(store_.Fail(id, std::string(status.message())));
      ASSIGN_OR_RETURN(Download failed, store_.Get(id));
      Report(failed, kFailed, 0, 0, 0, failed.error, failed.error);
      return absl::OkStatus();
    }
    const std::string message = absl::StrCat("waiting: ", status.message());
    (void)store_.SetImportProgress(id, message, "");
    // The request says it too, not only the download: its owner sees why
    // nothing moves (qBittorrent down, refusing the login, ...).
    Report(d, kQueued, 0, 0, 0, message, "");
    return status;
  };
  const std::string save_path = settings.String("downloads.path");
  if (save_path.empty()) {
    return waiting(absl::FailedPreconditionError(
        "set downloads.path (the folder qBittorrent saves into, as plex-kiosk sees it)"));
  }
  absl::StatusOr<PathMap> paths = QbittorrentPathMap(settings);
  if (!paths.ok()) return waiting(paths.status());
  absl::StatusOr<qbittorrent::QbittorrentClient*> client = clients_.For(settings);
  if (!client.ok()) return waiting(client.status());
  qbittorrent::AddTorrent add{.source = d.source,
                              .save_path = paths->ToRemote(save_path),  // qBittorrent's view
                              .category = Category(settings),
                              .tags = {"plex-kiosk", absl::StrCat("request-", d.request_id)}};
  if (settings.Bool("downloads.remove_torrents", true)) {
    const double ratio = settings.Number("downloads.seed_ratio", 1);
    const int64_t minutes = settings.Int("downloads.seed_minutes", 0);
    if (ratio > 0) add.ratio_limit = ratio;
    if (minutes > 0) add.seeding_time_limit_minutes = minutes;
  }
  absl::StatusOr<std::string> hash = (*client)->Add(add);
  if (absl::IsInvalidArgument(hash.status())) {  // the release itself is bad: no retry helps
    RETURN_IF_ERROR(store_.Fail(id, std::string(hash.status().message())));
    ASSIGN_OR_RETURN(Download failed, store_.Get(id));
    Report(failed, kFailed, 0, 0, 0, failed.error, failed.error);
    return absl::OkStatus();
  }
  if (!hash.ok()) return waiting(hash.status());
  std::string name = qbittorrent::IsMagnet(d.source) ? qbittorrent::MagnetDisplayName(d.source) : "";
  RETURN_IF_ERROR(store_.SetTorrentAdded(id, *hash, name));
  log::Info("torrent_added").With("download_id", id).With("hash", *hash);
  ASSIGN_OR_RETURN(Download added, store_.Get(id));
  Report(added, kQueued, 0, 0, 0, "sent to qBittorrent", "");
  return absl::OkStatus();
}

absl::Status DownloadChain::MonitorPass(const jobs::Job& job) {
  ASSIGN_OR_RETURN(std::vector<Download> active, store_.Active());
  if (active.empty()) return absl::OkStatus();  // nothing to follow: one query, no call
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ChainSettingKeys()));
  // qBittorrent failing: every request we follow says so (the job retries).
  auto unreachable = [&](const absl::Status& status) {
    for (const Download& d : active) {
      Report(d, d.state, d.progress, 0, 0, absl::StrCat("waiting: ", status.message()), "");
    }
    return status;
  };
  absl::StatusOr<qbittorrent::QbittorrentClient*> client = clients_.For(settings);
  if (!client.ok()) return unreachable(client.status());
  std::vector<std::string> hashes;
  for (const Download& d : active) hashes.push_back(d.torrent_hash);
  // ONE call for every download we follow.
  absl::StatusOr<std::vector<qbittorrent::Torrent>> listed = (*client)->Info(hashes, "");
  if (!listed.ok()) return unreachable(listed.status());
  const std::vector<qbittorrent::Torrent>& torrents = *listed;
  std::map<std::string, const qbittorrent::Torrent*> by_hash;
  for (const qbittorrent::Torrent& t : torrents) by_hash[t.hash] = &t;

  const absl::Duration stall_after = absl::Minutes(settings.Int("downloads.stall_minutes", 30));
  const absl::Time now = options_.now();
  std::vector<std::pair<int64_t, DownloadProgress>> observed;
  observed.reserve(active.size());
  for (const Download& d : active) {
    DownloadProgress p;
    auto found = by_hash.find(d.torrent_hash);
    if (found == by_hash.end()) {
      p = {.state = kFailed, .name = d.name, .client_state = "", .progress = d.progress,
           .size_bytes = d.size_bytes, .downloaded_bytes = d.downloaded_bytes};
      p.error = "the torrent was removed from qBittorrent";
    } else {
      const qbittorrent::Torrent& t = *found->second;
      const qbittorrent::TorrentStateInfo info = qbittorrent::MapTorrentState(t.state);
      if (!info.known) log::Warn("unknown_torrent_state").With("state", t.state).With("hash", t.hash);
      p.name = t.name;
      p.client_state = t.state;
      p.progress = std::clamp(t.progress, 0.0, 1.0);
      p.size_bytes = std::max<int64_t>(0, t.size);
      p.downloaded_bytes = std::max<int64_t>(0, t.completed);
      p.download_speed = std::max<int64_t>(0, t.dlspeed);
      p.eta_seconds = t.eta >= 8640000 || t.eta < 0 ? 0 : t.eta;
      p.ratio = std::max(0.0, t.ratio);
      p.seeding_seconds = std::max<int64_t>(0, t.seeding_time);
      p.save_path = t.save_path;
      p.content_path = t.content_path;
      p.progressed = p.downloaded_bytes > d.downloaded_bytes;
      p.stage_message = info.message;
      switch (info.phase) {
        case TorrentPhase::kCompleted:
          p.state = kCompleted;
          p.progress = 1;
          p.eta_seconds = 0;
          p.stage_message = "downloaded; waiting for the import";
          break;
        case TorrentPhase::kError:
          p.state = kFailed;
          p.error = absl::StrCat(info.message, " (state ", t.state, ")");
          break;
        case TorrentPhase::kPaused:
          p.state = kPaused;
          break;
        case TorrentPhase::kQueued:
        case TorrentPhase::kDownloading:
        case TorrentPhase::kStalled: {
          p.state = info.phase == TorrentPhase::kQueued ? kQueued : kDownloading;
          const absl::Time since = d.last_progress_at.value_or(now);
          if (!p.progressed && now - since >= stall_after) {
            p.state = kStalled;
            p.stage_message = absl::StrCat(
                "stalled: no data for ", absl::ToInt64Minutes(now - since), " minutes",
                info.message.empty() ? "" : " (", info.message, info.message.empty() ? "" : ")");
          }
          break;
        }
      }
    }
    observed.push_back({d.id, std::move(p)});
  }
  // One transaction for the pass; then kiosk-media hears of each.
  RETURN_IF_ERROR(store_.ApplyProgress(observed));
  bool still_active = false;
  // The next pass comes sooner when a download is about to finish (or moves
  // without an estimate yet), so a small film is imported a second after it
  // completes rather than a whole interval later; never more than 1 pass/s.
  absl::Duration next_pass = options_.monitor_interval;
  for (size_t i = 0; i < active.size(); ++i) {
    const Download& d = active[i];
    const DownloadProgress& p = observed[i].second;
    Report(d, p.state, p.progress, p.download_speed, p.eta_seconds,
           p.state == kFailed ? p.error : p.stage_message, p.state == kFailed ? p.error : "");
    if (p.state == kFailed) {
      log::Warn("download_failed").With("download_id", d.id).With("reason", p.error);
    } else if (p.state != kCompleted) {
      still_active = true;
      if (p.download_speed > 0) next_pass = std::min(next_pass, absl::Seconds(p.eta_seconds));
    }
  }
  if (still_active) {
    const std::string next = job.dedupe_key.value_or("") == kMonitorKeyA ? kMonitorKeyB : kMonitorKeyA;
    next_pass = std::max(next_pass, std::min(options_.monitor_interval, absl::Seconds(1)));
    RETURN_IF_ERROR(store_.EnqueueMonitor(next, next_pass));
  }
  return absl::OkStatus();
}

absl::Status DownloadChain::Cleanup(const jobs::Job&) {
  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ChainSettingKeys()));
  if (settings.Bool("downloads.remove_torrents", true)) {
    ASSIGN_OR_RETURN(std::vector<Download> seeding, store_.ImportedStillInClient());
    if (!seeding.empty()) {
      ASSIGN_OR_RETURN(qbittorrent::QbittorrentClient * client, clients_.For(settings));
      std::vector<std::string> hashes;
      for (const Download& d : seeding) hashes.push_back(d.torrent_hash);
      ASSIGN_OR_RETURN(std::vector<qbittorrent::Torrent> torrents, client->Info(hashes, ""));
      std::map<std::string, const qbittorrent::Torrent*> by_hash;
      for (const qbittorrent::Torrent& t : torrents) by_hash[t.hash] = &t;
      const double seed_ratio = settings.Number("downloads.seed_ratio", 1);
      const int64_t seed_minutes = settings.Int("downloads.seed_minutes", 0);
      for (const Download& d : seeding) {
        auto found = by_hash.find(d.torrent_hash);
        if (found == by_hash.end()) {  // removed by someone else: nothing left to do
          RETURN_IF_ERROR(store_.MarkClientRemoved(d.id));
          continue;
        }
        const qbittorrent::Torrent& t = *found->second;
        const bool no_rule = seed_ratio <= 0 && seed_minutes <= 0;
        const bool seeded = no_rule || (seed_ratio > 0 && t.ratio >= seed_ratio) ||
                            (seed_minutes > 0 && t.seeding_time >= seed_minutes * 60);
        if (!seeded) continue;
        // Hardlinked files share their data with the library: keep them.
        ASSIGN_OR_RETURN(bool hardlinked, store_.UsedHardlinks(d.id));
        RETURN_IF_ERROR(client->Delete({d.torrent_hash}, /*delete_files=*/!hardlinked));
        RETURN_IF_ERROR(store_.MarkClientRemoved(d.id));
        log::Info("torrent_removed").With("download_id", d.id).With("hash", d.torrent_hash)
            .With("files_deleted", !hardlinked);
      }
    }
  }
  ASSIGN_OR_RETURN(int64_t pruned,
                   store_.PruneTransfers(static_cast<int>(settings.Int("downloads.history_days", 90))));
  if (pruned > 0) log::Info("transfer_history_pruned").With("rows", pruned);
  return absl::OkStatus();
}

}  // namespace kiosk::downloads
