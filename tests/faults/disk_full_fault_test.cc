// The library folder is a small tmpfs, nearly filled by a ballast file, and
// the film is larger than what is left: the import's copy fails cleanly (no
// partial file left in the library), the request and the download say the
// disk is full; when the retries run out both fail with that reason; once
// the ballast is deleted, RetryDownload imports the film and the request
// becomes available. Needs root (mount); skipped otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/faults/fault_chain.h"
#include "tests/faults/job_rows.h"

namespace kiosk::testing {
namespace {

constexpr int64_t kFilmBytes = 12 << 20;
constexpr int64_t kTmpfsBytes = 32 << 20;
constexpr int64_t kBallastBytes = 24 << 20;  // leaves 8 MiB: less than the film

// A tmpfs mounted for the test's life.
class SmallTmpfs {
 public:
  explicit SmallTmpfs(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    mounted_ = mount("tmpfs", dir_.c_str(), "tmpfs", 0,
                     absl::StrCat("size=", kTmpfsBytes, ",mode=0777").c_str()) == 0;
    error_ = mounted_ ? 0 : errno;
  }
  ~SmallTmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool mounted() const { return mounted_; }
  int error() const { return error_; }

 private:
  std::string dir_;
  bool mounted_ = false;
  int error_ = 0;
};

std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path().string());
  }
  return files;
}

bool SaysNoSpace(const std::string& text) {
  return absl::StrContains(absl::AsciiStrToLower(text), "no space");
}

TEST(DiskFullFaultTest, ImportFailsCleanlyWhenTheLibraryIsFullAndCompletesOnceSpaceIsFreed) {
  const std::string library =
      (std::filesystem::temp_directory_path() / absl::StrCat("kiosk-faults-tmpfs-", getpid()))
          .string();
  SmallTmpfs tmpfs(library);
  if (!tmpfs.mounted()) {
    GTEST_SKIP() << "cannot mount a tmpfs on " << library << " (errno " << tmpfs.error()
                 << "; needs root): disk-full scenario not run";
  }
  const std::string ballast = library + "/ballast.bin";
  {
    std::ofstream out(ballast, std::ios::binary);
    std::string block(1 << 20, 'b');
    for (int64_t i = 0; i < kBallastBytes / (1 << 20); ++i) out.write(block.data(), block.size());
  }
  std::printf("library: tmpfs of %lld MiB holding %lld MiB of ballast; film %lld MiB\n",
              static_cast<long long>(kTmpfsBytes >> 20), static_cast<long long>(kBallastBytes >> 20),
              static_cast<long long>(kFilmBytes >> 20));

  absl::StatusOr<std::unique_ptr<FaultChain>> started = FaultChain::Start(
      {.doubles = {.torrent_size = kFilmBytes, .torrent_speed = 8 << 20}, .movies_path = library});
  ASSERT_TRUE(started.ok()) << started.status();
  FaultChain& chain = **started;
  const std::string db = chain.suite().database_conninfo();

  absl::StatusOr<std::string> id = chain.RequestFilm(27205, "en");  // Inception
  ASSERT_TRUE(id.ok()) << id.status();
  nlohmann::json waiting = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
    return r["progress"].value("stage", "") == "awaiting_release";
  });
  ASSERT_EQ(waiting["progress"].value("stage", ""), "awaiting_release") << waiting.dump();
  ASSERT_TRUE(chain.AttachRelease(*id, TestMagnet(7, "Inception.2010.1080p.BluRay.x264-FULL")).ok());

  // The import's copy runs out of space: the job attempt fails.
  std::vector<absl::Time> attempts;
  std::optional<JobRow> import =
      WaitAttempts(chain.suite().database_conninfo(), "downloads", "import", 2, absl::Seconds(90),
                   &attempts);
  ASSERT_TRUE(import.has_value()) << "no import job\n" << chain.suite().Logs();
  nlohmann::json request = chain.Request(*id);
  HttpTestResponse downloads = chain.admin().Call("GET", "/api/v1/downloads");
  std::printf("import job: %s after %d attempts, last_error \"%s\"\n", import->status.c_str(),
              import->attempts, import->last_error.c_str());
  std::printf("request: %s\n", ProgressText(request).c_str());
  std::printf("downloads: %s\n", downloads.body.c_str());
  EXPECT_TRUE(SaysNoSpace(import->last_error)) << import->last_error;
  EXPECT_TRUE(SaysNoSpace(ProgressText(request)))
      << "the request does not say why: " << request.dump();
  EXPECT_TRUE(SaysNoSpace(downloads.body)) << "the download does not say why";
  // Nothing but the ballast in the library: no partial file, no half film.
  std::vector<std::string> files = FilesUnder(library);
  std::printf("files in the library after the failed copies: %zu\n", files.size());
  EXPECT_THAT(files, ::testing::ElementsAre(ballast));

  // The retries run out while the disk is still full (made the next attempt
  // the last, instead of waiting ~10 minutes of back-off): the download and
  // the request fail, saying why, instead of "importing" forever.
  {
    pqxx::connection conn(db);
    pqxx::work tx(conn);
    tx.exec_params("UPDATE downloads.jobs SET max_attempts = attempts + 1 WHERE id = $1", import->id);
    tx.commit();
  }
  request = chain.WaitRequest(*id, absl::Seconds(60), [](const nlohmann::json& r) {
    return r.value("status", "") == "failed";
  });
  downloads = chain.admin().Call("GET", "/api/v1/downloads");
  std::printf("retries exhausted: request %s (reason \"%s\")\n", ProgressText(request).c_str(),
              request.value("statusReason", "").c_str());
  EXPECT_EQ(request.value("status", ""), "failed") << request.dump();
  EXPECT_TRUE(SaysNoSpace(request.value("statusReason", ""))) << request.dump();
  EXPECT_TRUE(SaysNoSpace(downloads.body)) << downloads.body;
  EXPECT_THAT(FilesUnder(library), ::testing::ElementsAre(ballast));

  // Space freed, then the admin retries the request (approved again) and the
  // download: the import completes.
  std::filesystem::remove(ballast);
  const absl::Time freed = absl::Now();
  if (request.value("status", "") == "failed") {
    HttpTestResponse again = chain.admin().Call(
        "POST", absl::StrCat("/api/v1/requests/", *id, ":retry"), nlohmann::json::object());
    std::printf("RetryRequest -> %d\n", again.status);
    EXPECT_EQ(again.status, 200) << again.body;
    nlohmann::json handed = chain.WaitRequest(*id, absl::Seconds(30), [](const nlohmann::json& r) {
      return r.value("status", "") == "processing";
    });
    EXPECT_EQ(handed.value("status", ""), "processing") << handed.dump();
    std::optional<int64_t> download_id;
    for (const auto& d : Json(downloads).value("downloads", nlohmann::json::array())) {
      if (d.value("requestId", "") == *id) download_id = std::stoll(d.value("id", "0"));
    }
    ASSERT_TRUE(download_id.has_value()) << downloads.body;
    HttpTestResponse retried = chain.admin().Call(
        "POST", absl::StrCat("/api/v1/downloads/", *download_id, ":retry"), nlohmann::json::object());
    std::printf("RetryDownload -> %d\n", retried.status);
    EXPECT_EQ(retried.status, 200) << retried.body;
  }
  nlohmann::json done = chain.WaitRequest(*id, absl::Seconds(90), [](const nlohmann::json& r) {
    return r.value("status", "") == "available";
  });
  std::printf("after freeing space: request %s in %.1f s\n", ProgressText(done).c_str(),
              absl::ToDoubleSeconds(absl::Now() - freed));
  ASSERT_EQ(done.value("status", ""), "available") << done.dump() << "\n" << chain.suite().Logs();
  files = FilesUnder(library);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_THAT(files[0], ::testing::EndsWith(".mkv"));
  EXPECT_THAT(files[0], ::testing::Not(::testing::HasSubstr("partial")));
  EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(files[0])), kFilmBytes);
  EXPECT_TRUE(chain.suite().Dead().empty()) << chain.suite().Logs();
}

}  // namespace
}  // namespace kiosk::testing
