// TMDB, qBittorrent and Plex failing in every way a test proxy can make them
// (500, hang, garbage JSON, 401, connection refused) while a film request
// goes down the chain: the affected calls and jobs say clearly what is wrong,
// jobs retry with growing back-off, nothing stays stuck once the fault
// clears (the request ends available, its file in the library), the torrent
// was added once, and every process is still alive.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/faults/fault_chain.h"
#include "tests/faults/job_rows.h"

namespace kiosk::testing {
namespace {

bool Mentions(const std::string& text, const std::string& word) {
  return absl::StrContains(absl::AsciiStrToLower(text), absl::AsciiStrToLower(word));
}

std::string Message(const HttpTestResponse& r) {
  nlohmann::json body = Json(r);
  return body.is_object() ? body.value("message", r.body) : r.body;
}

// Each attempt after the first came later than the one before, by more
// each time (exponential back-off, 5 s base with +-20 % jitter).
void ExpectBackoff(const std::string& what, const std::vector<absl::Time>& attempts) {
  std::string gaps;
  for (size_t i = 1; i < attempts.size(); ++i) {
    double gap = absl::ToDoubleSeconds(attempts[i] - attempts[i - 1]);
    absl::StrAppend(&gaps, i == 1 ? "" : ", ", absl::SixDigits(gap), " s");
    EXPECT_GE(gap, 3.5) << what << ": attempt " << i + 1 << " came too soon";
    if (i >= 2) {
      EXPECT_GT(gap, absl::ToDoubleSeconds(attempts[i - 1] - attempts[i - 2]))
          << what << ": the back-off did not grow";
    }
  }
  std::printf("%s: %zu attempts, gaps %s\n", what.c_str(), attempts.size(), gaps.c_str());
}

TEST(ExternalSystemsFaultTest, ClearStatesRetriesWithBackoffAndNothingStuckOnceFaultsClear) {
  absl::StatusOr<std::unique_ptr<FaultChain>> started =
      FaultChain::Start({.doubles = {.torrent_size = 60000000, .torrent_speed = 2000000}});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultChain& chain = **started;
  const std::string db = chain.suite().database_conninfo();

  // --- TMDB: a new request needs TMDB's details; each fault is refused
  // with a message that names TMDB, and the search falls back to what we know.
  for (FaultMode mode : {FaultMode::kServerError, FaultMode::kUnauthorized, FaultMode::kGarbage,
                         FaultMode::kRefused, FaultMode::kHang}) {
    absl::Status set = chain.tmdb().Set(mode);
    ASSERT_TRUE(set.ok()) << set;
    absl::Time t0 = absl::Now();
    HttpTestResponse r = chain.admin().Call(
        "POST", "/api/v1/requests", {{"mediaType", "movie"}, {"tmdbId", 603}, {"language", "en"}});
    double took = absl::ToDoubleSeconds(absl::Now() - t0);
    HttpTestResponse search = chain.admin().Call("GET", "/api/v1/search?query=inception");
    std::printf("TMDB %s: new request -> %d \"%s\" (%.1f s); search -> %d source=%s\n",
                FaultModeName(mode), r.status, Message(r).c_str(), took, search.status,
                Json(search).is_object() ? Json(search).value("source", "?").c_str() : "?");
    EXPECT_GE(r.status, 400) << FaultModeName(mode);
    EXPECT_NE(r.status, 500) << FaultModeName(mode) << ": an internal error is not a clear state";
    EXPECT_TRUE(Mentions(Message(r), "TMDB")) << FaultModeName(mode) << ": " << r.body;
    EXPECT_NE(search.status, 0) << FaultModeName(mode);
  }
  ASSERT_TRUE(chain.tmdb().Set(FaultMode::kPass).ok());
  absl::StatusOr<std::string> id = chain.RequestFilm(603, "en");
  ASSERT_TRUE(id.ok()) << id.status();
  nlohmann::json waiting = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
    return r["progress"].value("stage", "") == "awaiting_release";
  });
  ASSERT_EQ(waiting["progress"].value("stage", ""), "awaiting_release") << waiting.dump();

  // --- qBittorrent refuses the add: 500, then 401 (session revoked), then
  // garbage, then it works; the add job retries with growing back-off.
  ASSERT_TRUE(chain.qbittorrent().Set(FaultMode::kServerError).ok());
  ASSERT_TRUE(chain.AttachRelease(*id, TestMagnet(1, "The.Matrix.1999.1080p.BluRay.x264-FAULT")).ok());
  std::vector<absl::Time> add_attempts;
  const FaultMode add_faults[] = {FaultMode::kServerError, FaultMode::kUnauthorized,
                                  FaultMode::kGarbage};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(chain.qbittorrent().Set(add_faults[i]).ok());
    std::optional<JobRow> job =
        WaitAttempts(db, "downloads", "add_torrent", i + 1, absl::Seconds(40), &add_attempts);
    ASSERT_TRUE(job.has_value());
    nlohmann::json state = chain.Request(*id);
    std::printf("qBittorrent %s at add: job %s attempt %d, last_error \"%s\"; request %s\n",
                FaultModeName(add_faults[i]), job->status.c_str(), job->attempts,
                job->last_error.c_str(), ProgressText(state).c_str());
    EXPECT_EQ(job->status, "failed") << "a failed attempt waits for its retry";
    EXPECT_TRUE(Mentions(job->last_error, "qBittorrent")) << job->last_error;
    EXPECT_TRUE(Mentions(ProgressText(state), "qBittorrent"))
        << "the request does not say what is wrong: " << state.dump();
  }
  ASSERT_TRUE(chain.qbittorrent().Set(FaultMode::kPass).ok());
  std::optional<JobRow> added =
      WaitAttempts(db, "downloads", "add_torrent", 4, absl::Seconds(40), &add_attempts);
  ASSERT_TRUE(added.has_value());
  EXPECT_EQ(added->status, "succeeded") << added->last_error;
  ExpectBackoff("add_torrent", add_attempts);

  // --- qBittorrent hangs, then refuses connections, while the download is
  // followed: the monitor's passes fail (time-out, refused) and are retried.
  nlohmann::json downloading = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
    return r.value("status", "") == "downloading";
  });
  EXPECT_EQ(downloading.value("status", ""), "downloading") << downloading.dump();
  for (FaultMode mode : {FaultMode::kHang, FaultMode::kRefused}) {
    // A failed attempt made under this fault: another job, or another attempt.
    std::optional<JobRow> before = NewestJob(db, "downloads", "download_monitor");
    ASSERT_TRUE(chain.qbittorrent().Set(mode).ok());
    std::optional<JobRow> monitor;
    for (absl::Time end = absl::Now() + absl::Seconds(40); absl::Now() < end;) {
      monitor = NewestJob(db, "downloads", "download_monitor");
      if (monitor && monitor->status == "failed" && !monitor->last_error.empty() &&
          (!before || monitor->id != before->id || monitor->attempts > before->attempts)) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    ASSERT_TRUE(monitor.has_value());
    nlohmann::json state = chain.Request(*id);
    std::printf("qBittorrent %s while downloading: monitor job %s attempt %d, last_error \"%s\"; "
                "request %s\n",
                FaultModeName(mode), monitor->status.c_str(), monitor->attempts,
                monitor->last_error.c_str(), ProgressText(state).c_str());
    EXPECT_EQ(monitor->status, "failed");
    EXPECT_TRUE(Mentions(monitor->last_error, "qBittorrent")) << monitor->last_error;
    EXPECT_TRUE(Mentions(ProgressText(state), "qBittorrent"))
        << "the request does not say what is wrong: " << state.dump();
  }

  // --- Plex answers 500 to the import's refresh, then everything works.
  ASSERT_TRUE(chain.plex().Set(FaultMode::kServerError).ok());
  ASSERT_TRUE(chain.qbittorrent().Set(FaultMode::kPass).ok());
  const absl::Time cleared = absl::Now();
  nlohmann::json imported = chain.WaitRequest(*id, absl::Seconds(90), [&](const nlohmann::json& r) {
    return chain.plex().faulted() > 0 || r.value("status", "") == "available";
  });
  std::printf("Plex 500 during the import: %d calls refused; request %s\n", chain.plex().faulted(),
              ProgressText(imported).c_str());
  absl::SleepFor(absl::Seconds(2));
  ASSERT_TRUE(chain.plex().Set(FaultMode::kPass).ok());
  nlohmann::json done = chain.WaitRequest(*id, absl::Seconds(120), [](const nlohmann::json& r) {
    return r.value("status", "") == "available" || r.value("status", "") == "failed";
  });
  std::printf("request %s %.1f s after the last fault cleared\n", ProgressText(done).c_str(),
              absl::ToDoubleSeconds(absl::Now() - cleared));
  ASSERT_EQ(done.value("status", ""), "available") << done.dump() << "\n" << chain.suite().Logs();

  // --- Plex failing a library sync: 500, then garbage, then it works.
  ASSERT_TRUE(chain.plex().Set(FaultMode::kServerError).ok());
  HttpTestResponse sync = chain.admin().Call("POST", "/api/v1/plex/library:sync", {{"full", true}});
  ASSERT_EQ(sync.status, 200) << sync.body;
  std::vector<absl::Time> sync_attempts;
  for (FaultMode mode : {FaultMode::kServerError, FaultMode::kGarbage}) {
    ASSERT_TRUE(chain.plex().Set(mode).ok());
    std::optional<JobRow> job = WaitAttempts(db, "plex", "plex.sync.full", static_cast<int>(sync_attempts.size()) + 1,
                                             absl::Seconds(30), &sync_attempts);
    ASSERT_TRUE(job.has_value());
    std::printf("Plex %s during a full sync: job %s attempt %d, last_error \"%s\"\n",
                FaultModeName(mode), job->status.c_str(), job->attempts, job->last_error.c_str());
    EXPECT_TRUE(Mentions(job->last_error, "Plex")) << job->last_error;
  }
  ASSERT_TRUE(chain.plex().Set(FaultMode::kPass).ok());
  std::optional<JobRow> synced =
      WaitAttempts(db, "plex", "plex.sync.full", 3, absl::Seconds(30), &sync_attempts);
  ASSERT_TRUE(synced.has_value());
  EXPECT_EQ(synced->status, "succeeded") << synced->last_error;
  ExpectBackoff("plex full_sync", sync_attempts);

  // The torrent was added once (only the successful add reached the double),
  // the file is in the library with no partial file beside it, nobody crashed.
  std::printf("qBittorrent adds forwarded: %d; calls faulted: TMDB %d, qBittorrent %d, Plex %d\n",
              chain.qbittorrent().ForwardedTo("POST /api/v2/torrents/add"), chain.tmdb().faulted(),
              chain.qbittorrent().faulted(), chain.plex().faulted());
  EXPECT_EQ(chain.qbittorrent().ForwardedTo("POST /api/v2/torrents/add"), 1);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(chain.movies_path())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(::testing::HasSubstr("partial")));
  }
  EXPECT_EQ(files, 1);
  EXPECT_TRUE(chain.suite().Dead().empty()) << chain.suite().Logs();
}

}  // namespace
}  // namespace kiosk::testing
