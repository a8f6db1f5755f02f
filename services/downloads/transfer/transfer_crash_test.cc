// kill -9 in the middle of a copy: the library must hold either nothing or
// the complete file under the final name, and a second Transfer finishes.
// A forked child runs the copy and reports its progress through a pipe; the
// parent kills it with SIGKILL at a chosen point.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "common/testing/status_matchers.h"
#include "services/downloads/transfer/transfer.h"
#include "services/downloads/transfer/transfer_test_util.h"

namespace kiosk::downloads::transfer {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using testing::Exists;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteRandomFile;

constexpr int64_t kSize = (40 << 20) + 4321;  // 5+ chunks of 8 MiB
constexpr char kDest[] = "Show (2020)/Season 01/Show (2020) - S01E01 - Pilot WEBDL-1080p.mkv";

class TransferCrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    source_dir_ = new TempDir();
    WriteRandomFile(Source(), kSize, 42);
  }
  static void TearDownTestSuite() { delete source_dir_; }
  static std::string Source() { return *source_dir_ / "Show.S01E01.1080p.WEB-DL.x264-GRP.mkv"; }

  TransferRequest Request() const {
    return {.source = Source(),
            .library_root = library_->path(),
            .relative_destination = kDest,
            .mode = mode_};
  }
  std::string Final() const { return *library_ / kDest; }
  std::string Partial() const {
    return *library_ /
           ("Show (2020)/Season 01/" + PartialName("Show (2020) - S01E01 - Pilot WEBDL-1080p.mkv"));
  }

  // Starts the copy in a child that writes one byte per progress report
  // (and, when `pause_after` > 0, stops for good after that many reports);
  // kills it with SIGKILL after `kill_after` reports.
  void CopyAndKill(int kill_after, int pause_after) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      int reports = 0;
      (void)Transfer(Request(), [&](int64_t, int64_t) {
        char byte = 'p';
        (void)!::write(fds[1], &byte, 1);
        if (pause_after > 0 && ++reports >= pause_after) {
          while (true) ::pause();
        }
      });
      ::_exit(0);
    }
    ::close(fds[1]);
    int seen = 0;
    char byte;
    while (seen < kill_after && ::read(fds[0], &byte, 1) == 1) ++seen;
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status) || WIFEXITED(status));
    killed_mid_copy_ = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL && seen == kill_after;
  }

  // The invariant: no file under the final name, or the complete one.
  void ExpectNothingOrComplete() {
    if (Exists(Final())) {
      EXPECT_TRUE(ReadFile(Final()) == ReadFile(Source()))
          << "a partial file sits under the final name";
    }
  }

  void ExpectResumeCompletes() {
    auto done = Transfer(Request(), nullptr);
    ASSERT_THAT(done, IsOk());
    EXPECT_EQ(done->destination, Final());
    EXPECT_EQ(done->bytes, kSize);
    EXPECT_TRUE(ReadFile(Final()) == ReadFile(Source()));
    EXPECT_FALSE(Exists(Partial()));
  }

  static TempDir* source_dir_;
  std::unique_ptr<TempDir> library_ = std::make_unique<TempDir>();
  TransferMode mode_ = TransferMode::kCopy;
  bool killed_mid_copy_ = false;
};

TempDir* TransferCrashTest::source_dir_ = nullptr;

TEST_F(TransferCrashTest, KilledWhilePausedMidCopyLeavesOnlyThePartial) {
  CopyAndKill(/*kill_after=*/3, /*pause_after=*/3);
  ASSERT_TRUE(killed_mid_copy_);
  EXPECT_FALSE(Exists(Final()));
  EXPECT_TRUE(Exists(Partial()));
  ExpectResumeCompletes();
}

TEST_F(TransferCrashTest, KilledAtManyPointsOfARunningCopy) {
  // The child keeps copying while the kill is on its way, so the real kill
  // point lands anywhere after report k, up to after the rename.
  for (int k : {1, 2, 3, 4, 5, 6}) {
    SCOPED_TRACE(::testing::Message() << "killed after report " << k);
    CopyAndKill(k, /*pause_after=*/0);
    ExpectNothingOrComplete();
    ExpectResumeCompletes();
    std::filesystem::remove_all(*library_ / "Show (2020)");
  }
}

// A move to another filesystem is a copy, then the source is removed: killed
// mid-copy, the source must still be there and the library clean.
TEST_F(TransferCrashTest, MoveAcrossFilesystemsKilledMidCopyKeepsTheSource) {
  if (testing::Device("/dev/shm") == 0 ||
      testing::Device("/dev/shm") == testing::Device(Source())) {
    GTEST_SKIP() << "/dev/shm is not a second filesystem here";
  }
  library_ = std::make_unique<TempDir>("/dev/shm");
  mode_ = TransferMode::kMove;
  std::string moved = *source_dir_ / "moved.mkv";
  std::filesystem::copy_file(Source(), moved);
  TransferRequest request = Request();
  request.source = moved;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    (void)Transfer(request, [&](int64_t, int64_t) {
      char byte = 'p';
      (void)!::write(fds[1], &byte, 1);
      while (true) ::pause();
    });
    ::_exit(0);
  }
  char byte;
  ASSERT_EQ(::read(fds[0], &byte, 1), 1);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_TRUE(Exists(moved));
  EXPECT_FALSE(Exists(Final()));
  auto done = Transfer(request, nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kMove);
  EXPECT_FALSE(Exists(moved));
  EXPECT_TRUE(ReadFile(Final()) == ReadFile(Source()));
  EXPECT_FALSE(Exists(Partial()));
}

TEST_F(TransferCrashTest, ResumeAfterCompletionIsAlreadyDone) {
  CopyAndKill(/*kill_after=*/1000, /*pause_after=*/0);  // runs to the end
  ASSERT_TRUE(Exists(Final()));
  auto again = Transfer(Request(), nullptr);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->already_done);
}

TEST_F(TransferCrashTest, LiveTransferHoldingThePartialIsNotDisturbed) {
  CopyAndKill(/*kill_after=*/2, /*pause_after=*/2);
  ASSERT_TRUE(Exists(Partial()));
  // Another process is (still) writing: simulated by holding the lock here.
  int fd = ::open(Partial().c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto result = Transfer(Request(), nullptr);
    ::_exit(result.status().code() == absl::StatusCode::kAborted ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "second transfer should be ABORTED";
  ::close(fd);
  ExpectResumeCompletes();
}

}  // namespace
}  // namespace kiosk::downloads::transfer
