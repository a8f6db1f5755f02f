#include "services/downloads/transfer/transfer.h"

#include <errno.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "services/downloads/transfer/transfer_test_util.h"

namespace kiosk::downloads::transfer {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using testing::Device;
using testing::Exists;
using ::testing::HasSubstr;
using testing::Inode;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteRandomFile;

constexpr char kDest[] = "The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv";

class TransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(downloads_.ok() && library_.ok());
    source_ = downloads_ / "The.Matrix.1999.1080p.BluRay.x264-SPARKS/matrix.mkv";
    WriteFile(source_, "the matrix video bytes");
  }
  TransferRequest Request(TransferMode mode, OnExisting on_existing = OnExisting::kFail) const {
    return {.source = source_,
            .library_root = library_.path(),
            .relative_destination = kDest,
            .mode = mode,
            .on_existing = on_existing};
  }
  std::string Final() const { return library_ / kDest; }
  std::string Partial() const {
    return library_ / ("The Matrix (1999)/" + PartialName("The Matrix (1999) Bluray-1080p.mkv"));
  }

  TempDir downloads_;
  TempDir library_;
  std::string source_;
};

TEST_F(TransferTest, ModeNames) {
  for (TransferMode mode : {TransferMode::kHardlink, TransferMode::kCopy, TransferMode::kMove,
                            TransferMode::kHardlinkOrCopy}) {
    EXPECT_THAT(ParseTransferMode(TransferModeName(mode)), IsOkAndHolds(mode));
  }
  EXPECT_THAT(ParseTransferMode("symlink"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("symlink")));
}

TEST_F(TransferTest, HardlinkSharesTheInode) {
  auto plan = PlanTransfer(Request(TransferMode::kHardlink));
  ASSERT_THAT(plan, IsOk());
  EXPECT_TRUE(plan->same_filesystem);
  EXPECT_EQ(plan->mode, TransferMode::kHardlink);
  EXPECT_EQ(plan->destination, Final());
  auto done = Transfer(Request(TransferMode::kHardlink), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kHardlink);
  EXPECT_FALSE(done->fell_back);
  EXPECT_EQ(done->destination, Final());
  EXPECT_EQ(done->bytes, 22);
  EXPECT_EQ(Inode(Final()), Inode(source_));
  EXPECT_TRUE(Exists(source_));
}

TEST_F(TransferTest, CopyMakesAnIndependentFileAndReportsProgress) {
  std::vector<std::pair<int64_t, int64_t>> progress;
  auto done = Transfer(Request(TransferMode::kCopy),
                       [&](int64_t d, int64_t t) { progress.emplace_back(d, t); });
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kCopy);
  EXPECT_NE(Inode(Final()), Inode(source_));
  EXPECT_EQ(ReadFile(Final()), "the matrix video bytes");
  EXPECT_FALSE(Exists(Partial()));
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(int64_t{22}, int64_t{22}));
}

TEST_F(TransferTest, MoveOnOneFilesystemRenames) {
  ino_t inode = Inode(source_);
  auto done = Transfer(Request(TransferMode::kMove), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kMove);
  EXPECT_FALSE(Exists(source_));
  EXPECT_EQ(Inode(Final()), inode);
}

TEST_F(TransferTest, HardlinkOrCopyLinksWhenItCan) {
  auto done = Transfer(Request(TransferMode::kHardlinkOrCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kHardlink);
  EXPECT_FALSE(done->fell_back);
  EXPECT_EQ(Inode(Final()), Inode(source_));
}

TEST_F(TransferTest, EmptyFileIsCopied) {
  WriteFile(source_, "");
  auto done = Transfer(Request(TransferMode::kCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->bytes, 0);
  EXPECT_TRUE(Exists(Final()));
}

TEST_F(TransferTest, LargeFileCopyIsExact) {
  WriteRandomFile(source_, (20 << 20) + 12345, 7);
  int calls = 0;
  auto done = Transfer(Request(TransferMode::kCopy), [&](int64_t, int64_t) { ++calls; });
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->bytes, (20 << 20) + 12345);
  EXPECT_GE(calls, 3);  // 8 MiB chunks
  EXPECT_TRUE(ReadFile(Final()) == ReadFile(source_));
}

// --- Filesystems -----------------------------------------------------------

TEST_F(TransferTest, InjectedCrossDeviceLinkFallsBackToCopyAndSaysSo) {
  FileSystemHooks hooks{.link = [](const char*, int, const char*) {
    errno = EXDEV;
    return -1;
  }};
  auto done = Transfer(Request(TransferMode::kHardlinkOrCopy), nullptr, hooks);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kCopy);
  EXPECT_TRUE(done->fell_back);
  EXPECT_THAT(done->fallback_reason, HasSubstr("Invalid cross-device link"));
  EXPECT_NE(Inode(Final()), Inode(source_));
  EXPECT_EQ(ReadFile(Final()), "the matrix video bytes");
}

TEST_F(TransferTest, InjectedCrossDeviceLinkFailsHardlinkLoudly) {
  FileSystemHooks hooks{.link = [](const char*, int, const char*) {
    errno = EXDEV;
    return -1;
  }};
  EXPECT_THAT(
      Transfer(Request(TransferMode::kHardlink), nullptr, hooks),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr(source_), HasSubstr(Final()), HasSubstr("different filesystems"))));
  EXPECT_FALSE(Exists(Final()));
}

// /dev/shm is a tmpfs: a real second filesystem when it differs from /tmp.
class TwoFilesystemsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (Device("/dev/shm") == 0 || Device("/dev/shm") == Device("/tmp")) {
      GTEST_SKIP()
          << "/dev/shm is not a separate filesystem here; the injected EXDEV tests cover this";
    }
    source_ = downloads_ / "movie.mkv";
    WriteRandomFile(source_, 3 << 20, 3);
  }
  TransferRequest Request(TransferMode mode) const {
    return {.source = source_,
            .library_root = library_.path(),
            .relative_destination = "Movie (2001)/Movie.mkv",
            .mode = mode};
  }
  TempDir downloads_{"/tmp"};
  TempDir library_{"/dev/shm"};
  std::string source_;
};

TEST_F(TwoFilesystemsTest, PlanReportsTheFallback) {
  auto plan = PlanTransfer(Request(TransferMode::kHardlinkOrCopy));
  ASSERT_THAT(plan, IsOk());
  EXPECT_FALSE(plan->same_filesystem);
  EXPECT_EQ(plan->mode, TransferMode::kCopy);
  EXPECT_TRUE(plan->falls_back);
  EXPECT_FALSE(Exists(library_ / "Movie (2001)"));  // planning writes nothing
  EXPECT_THAT(PlanTransfer(Request(TransferMode::kHardlink)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("different filesystems")));
}

TEST_F(TwoFilesystemsTest, HardlinkFailsNamingBothPaths) {
  EXPECT_THAT(Transfer(Request(TransferMode::kHardlink), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(source_), HasSubstr(library_ / "Movie (2001)/Movie.mkv"))));
}

TEST_F(TwoFilesystemsTest, HardlinkOrCopyCopies) {
  auto done = Transfer(Request(TransferMode::kHardlinkOrCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kCopy);
  EXPECT_TRUE(done->fell_back);
  EXPECT_THAT(done->fallback_reason, HasSubstr("different filesystems"));
  EXPECT_TRUE(ReadFile(done->destination) == ReadFile(source_));
}

TEST_F(TwoFilesystemsTest, MoveCopiesThenRemovesTheSource) {
  std::string content = ReadFile(source_);
  auto done = Transfer(Request(TransferMode::kMove), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->mode_used, TransferMode::kMove);
  EXPECT_FALSE(Exists(source_));
  EXPECT_TRUE(ReadFile(done->destination) == content);
}

// --- Existing files --------------------------------------------------------

TEST_F(TransferTest, IdenticalFileInPlaceIsAlreadyDone) {
  WriteFile(Final(), "the matrix video bytes");
  auto done = Transfer(Request(TransferMode::kCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_TRUE(done->already_done);
  EXPECT_EQ(done->destination, Final());
}

TEST_F(TransferTest, SecondHardlinkIsAlreadyDone) {
  ASSERT_THAT(Transfer(Request(TransferMode::kHardlink), nullptr), IsOk());
  auto again = Transfer(Request(TransferMode::kHardlink), nullptr);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->already_done);
  EXPECT_EQ(again->mode_used, TransferMode::kHardlink);
}

TEST_F(TransferTest, DifferentFileIsNeverOverwrittenWithFail) {
  WriteFile(Final(), "someone else's file");
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr(Final()), HasSubstr("not overwritten"))));
  EXPECT_THAT(Transfer(Request(TransferMode::kHardlink), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReadFile(Final()), "someone else's file");
  // Same size, different bytes: still different.
  WriteFile(Final(), "THE MATRIX VIDEO BYTES");
  EXPECT_THAT(Transfer(Request(TransferMode::kMove), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReadFile(Final()), "THE MATRIX VIDEO BYTES");
  EXPECT_TRUE(Exists(source_));
}

TEST_F(TransferTest, ReplaceIfSameStillRefusesADifferentFile) {
  WriteFile(Final(), "someone else's file");
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy, OnExisting::kReplaceIfSame), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ReadFile(Final()), "someone else's file");
}

TEST_F(TransferTest, ReplaceIfSameTurnsAnIdenticalCopyIntoAHardlink) {
  WriteFile(Final(), "the matrix video bytes");
  auto done = Transfer(Request(TransferMode::kHardlinkOrCopy, OnExisting::kReplaceIfSame), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_FALSE(done->already_done);
  EXPECT_EQ(done->mode_used, TransferMode::kHardlink);
  EXPECT_EQ(Inode(Final()), Inode(source_));
  EXPECT_FALSE(Exists(Partial()));
}

TEST_F(TransferTest, KeepBothPicksTheNextFreeName) {
  WriteFile(Final(), "someone else's file");
  auto done = Transfer(Request(TransferMode::kCopy, OnExisting::kKeepBoth), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->destination,
            library_ / "The Matrix (1999)/The Matrix (1999) Bluray-1080p (1).mkv");
  EXPECT_EQ(ReadFile(Final()), "someone else's file");
  EXPECT_EQ(ReadFile(done->destination), "the matrix video bytes");
  // Resumed: the identical "(1)" is found, not a "(2)" made.
  auto again = Transfer(Request(TransferMode::kCopy, OnExisting::kKeepBoth), nullptr);
  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->already_done);
  EXPECT_EQ(again->destination, done->destination);
}

TEST_F(TransferTest, DestinationFolderOrSymlinkIsNotAFile) {
  std::filesystem::create_directories(Final());
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy), nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

// --- Paths -----------------------------------------------------------------

class PathEscapeTest : public TransferTest, public ::testing::WithParamInterface<std::string> {};
TEST_P(PathEscapeTest, IsInvalidArgumentAndWritesNothingOutside) {
  TransferRequest request = Request(TransferMode::kCopy);
  request.relative_destination = GetParam();
  EXPECT_THAT(PlanTransfer(request), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Transfer(request, nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(Exists(downloads_ / "escaped.mkv"));
}
INSTANTIATE_TEST_SUITE_P(Escapes, PathEscapeTest,
                         ::testing::Values("../escaped.mkv", "a/../../escaped.mkv",
                                           "/tmp/escaped.mkv", "", "a//b.mkv", "./a.mkv", "a/.",
                                           "a/", std::string("a\0b", 3)));

TEST_F(TransferTest, SymlinkedFolderLeadingOutsideIsRefused) {
  std::filesystem::create_directory_symlink(downloads_.path(), library_ / "The Matrix (1999)");
  EXPECT_THAT(PlanTransfer(Request(TransferMode::kCopy)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside the library root")));
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside the library root")));
  EXPECT_FALSE(Exists(downloads_ / "The Matrix (1999) Bluray-1080p.mkv"));
}

TEST_F(TransferTest, SymlinkedFolderInsideTheRootIsFollowed) {
  std::filesystem::create_directories(library_ / "real");
  std::filesystem::create_directory_symlink(library_ / "real", library_ / "The Matrix (1999)");
  auto done = Transfer(Request(TransferMode::kCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(ReadFile(library_ / "real/The Matrix (1999) Bluray-1080p.mkv"),
            "the matrix video bytes");
}

TEST_F(TransferTest, RelativeSymlinkClimbingOutIsRefused) {
  std::filesystem::create_directories(library_ / "The Matrix (1999)");
  std::filesystem::create_symlink("../../../../../../../../tmp", library_ / "The Matrix (1999)/up");
  TransferRequest request = Request(TransferMode::kCopy);
  request.relative_destination = "The Matrix (1999)/up/escaped.mkv";
  EXPECT_THAT(Transfer(request, nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(Exists("/tmp/escaped.mkv"));
}

TEST_F(TransferTest, FinalNameThatIsASymlinkIsNeverWrittenThrough) {
  std::string outside = downloads_ / "victim.txt";
  WriteFile(outside, "victim");
  std::filesystem::create_directories(library_ / "The Matrix (1999)");
  std::filesystem::create_symlink(outside, Final());
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy, OnExisting::kKeepBoth), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("symbolic link")));
  EXPECT_EQ(ReadFile(outside), "victim");
}

TEST_F(TransferTest, MissingSourceOrRoot) {
  TransferRequest request = Request(TransferMode::kCopy);
  request.source = downloads_ / "nope.mkv";
  EXPECT_THAT(Transfer(request, nullptr),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("nope.mkv")));
  request = Request(TransferMode::kCopy);
  request.source = "relative.mkv";
  EXPECT_THAT(Transfer(request, nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
  request = Request(TransferMode::kCopy);
  request.library_root = library_ / "missing";
  EXPECT_THAT(Transfer(request, nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("missing")));
  request = Request(TransferMode::kCopy);
  request.source = downloads_.path();
  EXPECT_THAT(Transfer(request, nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("regular file")));
}

TEST_F(TransferTest, SourceThatIsASymlinkIsNotImported) {
  std::string secret = downloads_ / "secret.txt";
  WriteFile(secret, "secret");
  std::string link = downloads_ / "Movie/movie.mkv";
  std::filesystem::create_directories(downloads_ / "Movie");
  std::filesystem::create_symlink(secret, link);
  TransferRequest request = Request(TransferMode::kCopy);
  request.source = link;
  EXPECT_THAT(Transfer(request, nullptr),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("symbolic link")));
  EXPECT_THAT(PlanTransfer(request), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_FALSE(Exists(Final()));
}

// --- Disk full -------------------------------------------------------------

TEST_F(TransferTest, InjectedNoSpaceRemovesThePartial) {
  WriteRandomFile(source_, 20 << 20, 5);
  int64_t written = 0;
  FileSystemHooks hooks{.copy_chunk = [&](int in, int out, size_t max) -> ssize_t {
    if (written >= (10 << 20)) {
      errno = ENOSPC;
      return -1;
    }
    char buffer[65536];
    ssize_t n = ::read(in, buffer, std::min(max, sizeof(buffer)));
    if (n > 0) n = ::write(out, buffer, n);
    if (n > 0) written += n;
    return n;
  }};
  EXPECT_THAT(Transfer(Request(TransferMode::kCopy), nullptr, hooks),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("no space left")));
  EXPECT_FALSE(Exists(Partial()));
  EXPECT_FALSE(Exists(Final()));
  EXPECT_GT(written, 0);
}

TEST_F(TransferTest, RealFullTmpfsRemovesThePartial) {
  TempDir mount_point;
  if (::mount("tmpfs", mount_point.path().c_str(), "tmpfs", 0, "size=1m") != 0) {
    GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                 << "); InjectedNoSpace covers it";
  }
  struct Unmount {
    std::string path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point.path()};
  WriteRandomFile(source_, 3 << 20, 9);
  TransferRequest request = Request(TransferMode::kHardlinkOrCopy);
  request.library_root = mount_point.path();
  auto result = Transfer(request, nullptr);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("no space left")));
  EXPECT_FALSE(Exists(mount_point /
                      ("The Matrix (1999)/" + PartialName("The Matrix (1999) Bluray-1080p.mkv"))));
  EXPECT_FALSE(Exists(mount_point / kDest));
  // The folders were made before the space ran out; a smaller file fits.
  WriteFile(source_, "small enough");
  EXPECT_THAT(Transfer(request, nullptr), IsOk());
}

// --- Resume ----------------------------------------------------------------

TEST_F(TransferTest, StalePartialIsReplaced) {
  WriteFile(Partial(), "half a fi");
  auto done = Transfer(Request(TransferMode::kCopy), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_FALSE(done->already_done);
  EXPECT_EQ(ReadFile(Final()), "the matrix video bytes");
  EXPECT_FALSE(Exists(Partial()));
}

TEST_F(TransferTest, InterruptedMoveFinishesByRemovingTheSource) {
  // A cross-filesystem move died after the rename into place, before the unlink.
  WriteFile(Final(), "the matrix video bytes");
  auto done = Transfer(Request(TransferMode::kMove), nullptr);
  ASSERT_THAT(done, IsOk());
  EXPECT_TRUE(done->already_done);
  EXPECT_FALSE(Exists(source_));
}

TEST(PartialNameTest, HiddenBesideTheFileAndShortEnough) {
  EXPECT_EQ(PartialName("Movie.mkv"), ".Movie.mkv.kiosk-partial");
  std::string long_name(250, 'x');
  EXPECT_LE(PartialName(long_name).size(), 255u);
  EXPECT_EQ(PartialName(long_name), PartialName(long_name));  // stable for resume
  EXPECT_NE(PartialName(long_name), PartialName(long_name + "y"));
}

}  // namespace
}  // namespace kiosk::downloads::transfer
