#include "services/downloads/transfer/file_copy.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "common/testing/status_matchers.h"
#include "services/downloads/transfer/transfer_test_util.h"
#include "services/downloads/transfer/unique_fd.h"

namespace kiosk::downloads::transfer {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;
using testing::WriteRandomFile;

int64_t CopyAll(FastCopier& copier, int in, int out) {
  int64_t total = 0;
  while (true) {
    ssize_t n = copier.Chunk(in, out, 1 << 20);
    if (n <= 0) return n < 0 ? -1 : total;
    total += n;
  }
}

TEST(FastCopierTest, CopiesFileToFile) {
  TempDir dir;
  WriteRandomFile(dir / "a", (3 << 20) + 17, 11);
  UniqueFd in(::open((dir / "a").c_str(), O_RDONLY));
  UniqueFd out(::open((dir / "b").c_str(), O_WRONLY | O_CREAT, 0644));
  FastCopier copier;
  EXPECT_EQ(CopyAll(copier, in.get(), out.get()), (3 << 20) + 17);
  EXPECT_TRUE(ReadFile(dir / "a") == ReadFile(dir / "b"));
}

TEST(FastCopierTest, FallsBackToReadWriteForAPipe) {
  // copy_file_range and sendfile both refuse a pipe as input: the buffer path copies.
  TempDir dir;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  UniqueFd read_end(fds[0]);
  std::string content(200000, 'x');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>('a' + i % 26);
  std::thread writer([&] {
    (void)!::write(fds[1], content.data(), content.size());
    ::close(fds[1]);
  });
  UniqueFd out(::open((dir / "b").c_str(), O_WRONLY | O_CREAT, 0644));
  FastCopier copier;
  EXPECT_EQ(CopyAll(copier, read_end.get(), out.get()), static_cast<int64_t>(content.size()));
  writer.join();
  EXPECT_EQ(ReadFile(dir / "b"), content);
}

TEST(SameContentTest, ComparesBytesNotNames) {
  TempDir dir;
  WriteFile(dir / "a", "same bytes");
  WriteFile(dir / "b", "same bytes");
  WriteFile(dir / "c", "SAME BYTES");
  WriteFile(dir / "d", "shorter");
  UniqueFd a(::open((dir / "a").c_str(), O_RDONLY));
  UniqueFd b(::open((dir / "b").c_str(), O_RDONLY));
  UniqueFd c(::open((dir / "c").c_str(), O_RDONLY));
  UniqueFd d(::open((dir / "d").c_str(), O_RDONLY));
  EXPECT_THAT(SameContent(a.get(), b.get()), IsOkAndHolds(true));
  EXPECT_THAT(SameContent(a.get(), c.get()), IsOkAndHolds(false));
  EXPECT_THAT(SameContent(a.get(), d.get()), IsOkAndHolds(false));
  EXPECT_THAT(SameContent(a.get(), a.get()), IsOkAndHolds(true));
}

TEST(SameContentTest, LargeFilesDifferingInTheLastByte) {
  TempDir dir;
  WriteRandomFile(dir / "a", (2 << 20) + 5, 3);
  std::string content = ReadFile(dir / "a");
  content.back() ^= 1;
  WriteFile(dir / "b", content);
  UniqueFd a(::open((dir / "a").c_str(), O_RDONLY));
  UniqueFd b(::open((dir / "b").c_str(), O_RDONLY));
  EXPECT_THAT(SameContent(a.get(), b.get()), IsOkAndHolds(false));
}

}  // namespace
}  // namespace kiosk::downloads::transfer
