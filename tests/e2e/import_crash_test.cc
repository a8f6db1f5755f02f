// The import survives a real crash: the whole suite and the doubles run as in
// request_chain_test, a big film is imported with the copy mode, and
// kiosk-downloads is killed with SIGKILL while the copy is under way (its
// ".<name>.kiosk-partial" file is in the library folder). Started again, the
// import job is taken again once its lease runs out and finishes exactly
// once: one complete file in the library (the source's size, no partial
// left), one transfer row, one Plex refresh of the folder, and the request
// available.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFilmBytes = 400'000'000;  // big enough for the copy to take a while

int CountOf(const std::string& text, const std::string& needle) {
  int count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Regular files under `dir`, recursively ("" when the folder is missing).
std::vector<fs::path> FilesUnder(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  return files;
}

class ImportCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles =
        ExternalDoubles::Start({.torrent_size = kFilmBytes, .torrent_speed = 200'000'000});
    ASSERT_TRUE(doubles.ok()) << doubles.status();
    doubles_ = *std::move(doubles);
    absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = *std::move(suite);
    rest_ = std::make_unique<SuiteClient>(suite_->gateway_port());
  }

  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const nlohmann::json& body = nullptr) {
    return rest_->Call(method, target, admin_, body);
  }

  // One row of SQL as the cluster's superuser.
  pqxx::row Query(const std::string& sql) {
    pqxx::connection conn(suite_->database().url().ToConnString());
    pqxx::read_transaction tx(conn);
    return tx.exec1(sql);
  }

  std::string admin_;
  std::unique_ptr<ExternalDoubles> doubles_;
  std::unique_ptr<RunningSuite> suite_;
  std::unique_ptr<SuiteClient> rest_;
};

TEST_F(ImportCrashTest, KilledMidCopyTheImportResumesAndFinishesExactlyOnce) {
  absl::StatusOr<std::string> admin = rest_->FirstAdminLogin("crash admin pw");
  ASSERT_TRUE(admin.ok()) << admin.status();
  admin_ = *admin;
  ASSERT_TRUE(rest_->UseDoubles(admin_, *doubles_).ok());
  const std::string root = doubles_->media_dir();
  // A copy (not a hardlink on the same disk) so the import takes a while.
  HttpTestResponse rename = Call("PATCH", "/api/v1/rename-settings/movie",
                                 {{"libraryRoot", absl::StrCat(root, "/movies")}, {"transferMode", "copy"}});
  ASSERT_EQ(rename.status, 200) << rename.body;

  // The admin's own request is approved at once; wait until kiosk-downloads
  // holds it (settings reach the services through a short cache).
  HttpTestResponse request;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    request = Call("POST", "/api/v1/requests", {{"mediaType", "movie"}, {"tmdbId", 194}, {"language", "fr"}});
    if (request.status == 200) break;
    absl::SleepFor(absl::Seconds(1));
  }
  ASSERT_EQ(request.status, 200) << request.body;
  const std::string id = Json(request)["id"];
  nlohmann::json state;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    state = Json(Call("GET", absl::StrCat("/api/v1/requests/", id)));
    if (state["progress"].value("stage", "") == "awaiting_release") break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(state["progress"].value("stage", ""), "awaiting_release") << state.dump();
  HttpTestResponse attached = Call(
      "POST", "/api/v1/downloads:attachRelease",
      {{"requestId", std::stoll(id)},
       {"release",
        "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567&dn="
        "Amelie.2001.FRENCH.1080p.BluRay.x264-LOST"}});
  ASSERT_EQ(attached.status, 200) << attached.body;

  // Kill kiosk-downloads the moment the copy's partial file shows.
  const fs::path movies = fs::path(root) / "movies";
  fs::path partial;
  for (absl::Time deadline = absl::Now() + absl::Seconds(120); absl::Now() < deadline && partial.empty();) {
    for (const fs::path& file : FilesUnder(movies)) {
      std::error_code ec;
      if (absl::EndsWith(file.filename().string(), ".kiosk-partial") && fs::file_size(file, ec) > 0) {
        partial = file;
      }
    }
    if (partial.empty()) absl::SleepFor(absl::Milliseconds(2));
  }
  ASSERT_FALSE(partial.empty()) << "the copy was never seen under way\n" << suite_->Logs();
  ASSERT_TRUE(suite_->Kill("kiosk-downloads").ok());
  // Killed mid-copy: the transfer is recorded as running, and the library
  // holds no complete file yet.
  pqxx::row running = Query("SELECT count(*), min(status) FROM downloads.transfer_history");
  EXPECT_EQ(running[0].as<int>(), 1);
  EXPECT_EQ(running[1].as<std::string>(), "running");
  for (const fs::path& file : FilesUnder(movies)) {
    EXPECT_TRUE(absl::EndsWith(file.filename().string(), ".kiosk-partial")) << file;
  }

  ASSERT_TRUE(suite_->Restart("kiosk-downloads").ok());
  // The import job's lease runs out (30 s) and the new process takes it again.
  for (absl::Time deadline = absl::Now() + absl::Seconds(150); absl::Now() < deadline;) {
    state = Json(Call("GET", absl::StrCat("/api/v1/requests/", id)));
    if (state["status"] == "available" || state["status"] == "failed") break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_EQ(state["status"], "available") << state.dump() << "\n" << suite_->Logs();

  // Exactly one complete file, as big as the source, no partial left.
  std::vector<fs::path> placed = FilesUnder(movies);
  ASSERT_EQ(placed.size(), 1u) << ::testing::PrintToString(placed);
  EXPECT_EQ(placed[0].filename().string(),
            "Le Fabuleux Destin d'Amélie Poulain (2001) Bluray-1080p.mkv");
  int64_t source_size = -1;
  for (const fs::path& file : FilesUnder(fs::path(root) / "downloads")) {
    if (file.extension() == ".mkv") source_size = static_cast<int64_t>(fs::file_size(file));
  }
  EXPECT_EQ(source_size, kFilmBytes);
  EXPECT_EQ(static_cast<int64_t>(fs::file_size(placed[0])), source_size);

  // One transfer row, succeeded; one import job, run twice (killed, resumed).
  pqxx::row transfers = Query(
      "SELECT count(*), min(status), min(mode), max(size_bytes) FROM downloads.transfer_history");
  EXPECT_EQ(transfers[0].as<int>(), 1);
  EXPECT_EQ(transfers[1].as<std::string>(), "succeeded");
  EXPECT_EQ(transfers[2].as<std::string>(), "copy");
  EXPECT_EQ(transfers[3].as<int64_t>(), kFilmBytes);
  pqxx::row jobs = Query(
      "SELECT count(*), min(status), max(attempts) FROM downloads.jobs WHERE kind = 'import'");
  EXPECT_EQ(jobs[0].as<int>(), 1);
  EXPECT_EQ(jobs[1].as<std::string>(), "succeeded");
  EXPECT_EQ(jobs[2].as<int>(), 2);
  pqxx::row download = Query("SELECT state, plex_refreshed_at IS NOT NULL FROM downloads.downloads");
  EXPECT_EQ(download[0].as<std::string>(), "imported");
  EXPECT_TRUE(download[1].as<bool>());

  // Finished once: one import, one Plex refresh of that folder.
  const std::string logs = suite_->Logs();
  EXPECT_EQ(CountOf(logs, "event=download_imported"), 1) << logs;
  EXPECT_EQ(CountOf(logs, "event=plex_refresh_path section=1 path=\"/data/movies/Le Fabuleux "
                          "Destin d'Amélie Poulain (2001)\""),
            1)
      << logs;
}

}  // namespace
}  // namespace kiosk::testing
