// kill -9 of each service in turn while it has jobs running, then started
// again: every job completes, once (the lease of the killed worker runs out
// and another attempt takes over; the handlers pick up where the effects
// stopped). No torrent added twice, no file transferred twice, no partial
// file left in the library, no sync that counts items twice, no request
// handed over twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/http_test_server.h"
#include "tests/faults/fault_chain.h"
#include "tests/faults/job_rows.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {
namespace {

int Count(const std::string& conninfo, const std::string& sql) {
  pqxx::connection db(conninfo);
  pqxx::work tx(db);
  return tx.exec1(sql)[0].as<int>();
}

// Waits until the newest job of `kind` is running; false on timeout.
bool WaitRunning(const std::string& db, const std::string& schema, const std::string& kind,
                 absl::Duration timeout) {
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
    std::optional<JobRow> job = NewestJob(db, schema, kind);
    if (job && job->status == "running") return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// Waits until the newest job of `kind` ended (succeeded, dead, cancelled).
std::optional<JobRow> WaitFinished(const std::string& db, const std::string& schema,
                                   const std::string& kind, absl::Duration timeout) {
  std::optional<JobRow> job;
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
    job = NewestJob(db, schema, kind);
    if (job && (job->status == "succeeded" || job->status == "dead" || job->status == "cancelled")) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  return job;
}

void KillAndRestart(FaultSuite& suite, const std::string& binary, const std::string& when) {
  absl::Time t0 = absl::Now();
  suite.Kill(binary);
  absl::Status restarted = suite.Restart(binary);
  ASSERT_TRUE(restarted.ok()) << restarted << "\n" << suite.Logs();
  std::printf("kill -9 %s %s; listening again after %.2f s\n", binary.c_str(), when.c_str(),
              absl::ToDoubleSeconds(absl::Now() - t0));
}

TEST(ServiceKillFaultTest, PlexKilledDuringABigLibrarySyncSyncsEveryItemOnce) {
  constexpr int kFilms = 20000;
  absl::StatusOr<Subprocess> plex = Subprocess::Start(
      {BinaryPath("kiosk-plex-double"), "--port", "0", "--token", DoublesOptions{}.plex_token,
       "--movies", absl::StrCat(kFilms), "--shows", "0"},
      {});
  ASSERT_TRUE(plex.ok()) << plex.status();
  std::optional<std::string> line = plex->WaitForOutput("listening on ", absl::Seconds(30));
  ASSERT_TRUE(line.has_value()) << plex->Output();
  std::string url = line->substr(line->find("http://"));
  url = url.substr(0, url.find_first_of(" ("));
  absl::StatusOr<std::unique_ptr<FaultChain>> started = FaultChain::Start({.plex_url = url});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultChain& chain = **started;
  const std::string db = chain.suite().database_conninfo();

  HttpTestResponse sync = chain.admin().Call("POST", "/api/v1/plex/library:sync", {{"full", true}});
  ASSERT_EQ(sync.status, 200) << sync.body;
  ASSERT_TRUE(WaitRunning(db, "plex", "plex.sync.full", absl::Seconds(30))) << chain.suite().Logs();
  absl::SleepFor(absl::Seconds(1));
  const int before_kill = Count(db, "SELECT count(*) FROM plex.plex_library_items");
  KillAndRestart(chain.suite(), "kiosk-plex", "during a full sync");
  std::printf("library items stored when killed: %d of %d films\n", before_kill, kFilms);
  std::optional<JobRow> job = WaitFinished(db, "plex", "plex.sync.full", absl::Seconds(120));
  ASSERT_TRUE(job.has_value());
  const int movies =
      Count(db, "SELECT count(*) FROM plex.plex_library_items WHERE item_type = 'movie'");
  const int keys = Count(db, "SELECT count(DISTINCT rating_key) FROM plex.plex_library_items");
  const int items = Count(db, "SELECT count(*) FROM plex.plex_library_items");
  const int syncs = Count(db, "SELECT count(*) FROM plex.jobs WHERE kind = 'plex.sync.full' AND "
                              "payload->>'force' = 'true'");
  std::printf("sync job %s after %d attempts; films %d, items %d, distinct rating keys %d, forced "
              "sync jobs %d\n",
              job->status.c_str(), job->attempts, movies, items, keys, syncs);
  EXPECT_EQ(job->status, "succeeded") << job->last_error;
  EXPECT_EQ(movies, kFilms);
  EXPECT_EQ(items, keys) << "an item was stored twice";
  EXPECT_EQ(syncs, 1);
  EXPECT_TRUE(chain.suite().Dead().empty()) << chain.suite().Logs();
}

TEST(ServiceKillFaultTest, DownloadsKilledDuringMonitorAndImportTransfersOnce) {
  absl::StatusOr<std::unique_ptr<FaultChain>> started =
      FaultChain::Start({.doubles = {.torrent_size = 150000000, .torrent_speed = 15000000}});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultChain& chain = **started;
  const std::string db = chain.suite().database_conninfo();
  absl::StatusOr<std::string> id = chain.RequestFilm(194, "fr");
  ASSERT_TRUE(id.ok()) << id.status();
  nlohmann::json waiting = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
    return r["progress"].value("stage", "") == "awaiting_release";
  });
  ASSERT_EQ(waiting["progress"].value("stage", ""), "awaiting_release") << waiting.dump();
  ASSERT_TRUE(chain.AttachRelease(*id, TestMagnet(2, "Amelie.2001.FRENCH.1080p.BluRay.x264-KILL")).ok());

  // While the monitor follows the download.
  nlohmann::json downloading = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
    double p = r["progress"].value("percent", 0.0);
    return r.value("status", "") == "downloading" && p > 0 && p < 100;
  });
  ASSERT_EQ(downloading.value("status", ""), "downloading") << downloading.dump();
  KillAndRestart(chain.suite(), "kiosk-downloads",
                 absl::StrCat("while downloading (", ProgressText(downloading), ")"));

  // During the import (its copy of 150 MB).
  nlohmann::json importing = chain.WaitRequest(*id, absl::Seconds(90), [](const nlohmann::json& r) {
    return r["progress"].value("stage", "") == "importing" || r.value("status", "") == "available";
  });
  const bool caught_import = importing["progress"].value("stage", "") == "importing";
  KillAndRestart(chain.suite(), "kiosk-downloads",
                 caught_import ? "during the import" : "after the import (it was too quick)");

  nlohmann::json done = chain.WaitRequest(*id, absl::Seconds(120), [](const nlohmann::json& r) {
    return r.value("status", "") == "available" || r.value("status", "") == "failed";
  });
  std::printf("request %s\n", ProgressText(done).c_str());
  ASSERT_EQ(done.value("status", ""), "available") << done.dump() << "\n" << chain.suite().Logs();
  const int adds = chain.qbittorrent().ForwardedTo("POST /api/v2/torrents/add");
  const int transfers = Count(db, "SELECT count(*) FROM downloads.transfer_history");
  const int succeeded = Count(db, "SELECT count(*) FROM downloads.transfer_history WHERE status = 'succeeded'");
  const int imports = Count(db, "SELECT count(*) FROM downloads.jobs WHERE kind = 'import'");
  const int import_attempts = Count(db, "SELECT coalesce(max(attempts), 0) FROM downloads.jobs WHERE kind = 'import'");
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(chain.movies_path())) {
    if (e.is_regular_file()) files.push_back(e.path().filename().string());
  }
  std::printf("torrent adds sent to qBittorrent %d; transfers recorded %d (succeeded %d); import "
              "jobs %d (max %d attempts); files in the library %zu\n",
              adds, transfers, succeeded, imports, import_attempts, files.size());
  EXPECT_EQ(adds, 1);
  EXPECT_EQ(succeeded, 1);
  EXPECT_EQ(imports, 1);
  ASSERT_EQ(files.size(), 1u) << ::testing::PrintToString(files);
  EXPECT_THAT(files[0], ::testing::Not(::testing::HasSubstr("partial")));
  EXPECT_TRUE(chain.suite().Dead().empty()) << chain.suite().Logs();
}

TEST(ServiceKillFaultTest, MediaKilledDuringRequestJobsHandsEachRequestOverOnce) {
  absl::StatusOr<std::unique_ptr<FaultChain>> started = FaultChain::Start({});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultChain& chain = **started;
  const std::string db = chain.suite().database_conninfo();
  // Approved at once: each has a request job that hands it to kiosk-downloads.
  std::vector<std::string> ids;
  for (int i = 1; i <= 12; ++i) {
    absl::StatusOr<std::string> id = chain.RequestFilm(900000 + i, i % 2 ? "fr" : "en");
    ASSERT_TRUE(id.ok()) << id.status();
    ids.push_back(*id);
  }
  const int finished_before =
      Count(db, "SELECT count(*) FROM media.jobs WHERE kind = 'request' AND status = 'succeeded'");
  KillAndRestart(chain.suite(), "kiosk-media",
                 absl::StrCat("with ", 12 - finished_before, " of 12 request jobs not finished"));
  for (absl::Time end = absl::Now() + absl::Seconds(90); absl::Now() < end;) {
    if (Count(db, "SELECT count(*) FROM media.jobs WHERE kind = 'request' AND status IN "
                  "('queued', 'running', 'failed')") == 0) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  const int jobs = Count(db, "SELECT count(*) FROM media.jobs WHERE kind = 'request'");
  const int succeeded =
      Count(db, "SELECT count(*) FROM media.jobs WHERE kind = 'request' AND status = 'succeeded'");
  const int retried = Count(db, "SELECT count(*) FROM media.jobs WHERE kind = 'request' AND attempts > 1");
  const int downloads = Count(db, "SELECT count(*) FROM downloads.downloads");
  const int processing =
      Count(db, "SELECT count(*) FROM media.media_requests WHERE status = 'processing'");
  std::printf("request jobs %d, succeeded %d, retried after the kill %d; downloads %d; requests "
              "processing %d of %zu\n",
              jobs, succeeded, retried, downloads, processing, ids.size());
  EXPECT_EQ(jobs, 12);
  EXPECT_EQ(succeeded, 12);
  EXPECT_EQ(downloads, 12) << "a request was handed over twice or never";
  EXPECT_EQ(processing, 12);
  EXPECT_TRUE(chain.suite().Dead().empty()) << chain.suite().Logs();
}

TEST(ServiceKillFaultTest, UsersKilledDuringWebhookDeliveriesDeliversEveryEvent) {
  // A receiver that takes 1.5 s per delivery, so most are still to come (and
  // some in flight) at the kill.
  HttpTestServer receiver(4);
  std::mutex mu;
  std::map<std::string, int> deliveries;  // X-Kiosk-Delivery -> times received
  receiver.Handle("POST", "/hook", [&](const TestHttpRequest& r) {
    {
      std::lock_guard<std::mutex> lock(mu);
      ++deliveries[r.Header("x-kiosk-delivery")];
    }
    TestHttpResponse answer = TestHttpResponse::Text("ok");
    answer.delay = absl::Milliseconds(1500);
    return answer;
  });
  ASSERT_TRUE(receiver.Start().ok());
  absl::StatusOr<std::unique_ptr<FaultSuite>> started =
      FaultSuite::Start({.env = {{"JOB_POLL_INTERVAL", "1"}, {"JOB_LEASE", "10"}}});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultSuite& suite = **started;
  const std::string db = suite.database_conninfo();
  absl::StatusOr<RestSession> admin = RestSession::FirstAdminLogin(suite.gateway_port());
  ASSERT_TRUE(admin.ok()) << admin.status();
  HttpTestResponse hook = admin->Call("POST", "/api/v1/webhooks",
                                      {{"name", "fault receiver"},
                                       {"url", receiver.Url("/hook")},
                                       {"secret", "fault-webhook-secret-0123456789"},
                                       {"events", {"user.created"}}});
  ASSERT_EQ(hook.status, 200) << hook.body;
  constexpr int kUsers = 10;
  for (int i = 0; i < kUsers; ++i) {
    HttpTestResponse created = admin->Call("POST", "/api/v1/users",
                                           {{"username", absl::StrCat("hooked", i)},
                                            {"email", absl::StrCat("hooked", i, "@example.com")},
                                            {"password", "hooked user password"},
                                            {"role", "ROLE_USER"}});
    ASSERT_EQ(created.status, 200) << created.body;
  }
  ASSERT_TRUE(receiver.WaitForRequests(1, absl::Seconds(30))) << suite.Logs();
  const size_t before_kill = receiver.request_count();
  KillAndRestart(suite, "kiosk-users",
                 absl::StrCat("after ", before_kill, " of ", kUsers, " deliveries arrived"));
  for (absl::Time end = absl::Now() + absl::Seconds(90); absl::Now() < end;) {
    if (Count(db, "SELECT count(*) FROM users.jobs WHERE status IN ('queued', 'running', "
                  "'failed')") == 0) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  const int delivery_jobs = Count(db, "SELECT count(*) FROM users.jobs WHERE kind = 'webhook.deliver'");
  const int delivered_jobs = Count(db, "SELECT count(*) FROM users.jobs WHERE kind = "
                                       "'webhook.deliver' AND status = 'succeeded'");
  int distinct = 0, repeated = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    distinct = static_cast<int>(deliveries.size());
    for (const auto& [delivery, times] : deliveries) repeated += times - 1;
  }
  std::printf("webhook delivery jobs %d, succeeded %d; distinct deliveries received %d, received "
              "again (in flight at the kill, same X-Kiosk-Delivery id) %d\n",
              delivery_jobs, delivered_jobs, distinct, repeated);
  EXPECT_EQ(delivery_jobs, kUsers);
  EXPECT_EQ(delivered_jobs, kUsers);
  EXPECT_EQ(distinct, kUsers);
  // At most the deliveries in flight (one per job worker) are sent again.
  EXPECT_LE(repeated, 2);
  EXPECT_TRUE(suite.Dead().empty()) << suite.Logs();
}

}  // namespace
}  // namespace kiosk::testing
