#include "services/downloads/transfer/file_copy.h"

#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"

namespace kiosk::downloads::transfer {
namespace {

constexpr size_t kBufferSize = 1 << 20;

// Errors meaning "this system call cannot do this copy", not "the copy failed".
bool Unsupported(int err) {
  return err == ENOSYS || err == EXDEV || err == EINVAL || err == EOPNOTSUPP || err == ENOTSUP ||
         err == EBADF || err == EPERM;
}

ssize_t ReadWrite(int in_fd, int out_fd, size_t max, char* buffer) {
  ssize_t got;
  do {
    got = ::read(in_fd, buffer, max < kBufferSize ? max : kBufferSize);
  } while (got < 0 && errno == EINTR);
  if (got <= 0) return got;
  for (ssize_t written = 0; written < got;) {
    ssize_t n = ::write(out_fd, buffer + written, got - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    written += n;
  }
  return got;
}

}  // namespace

ssize_t FastCopier::Chunk(int in_fd, int out_fd, size_t max) {
  while (true) {
    ssize_t n = -1;
    switch (method_) {
      case Method::kCopyFileRange:
        n = ::copy_file_range(in_fd, nullptr, out_fd, nullptr, max, 0);
        if (n < 0 && Unsupported(errno)) {
          method_ = Method::kSendfile;
          continue;
        }
        break;
      case Method::kSendfile:
        n = ::sendfile(out_fd, in_fd, nullptr, max);
        if (n < 0 && Unsupported(errno)) {
          method_ = Method::kReadWrite;
          continue;
        }
        break;
      case Method::kReadWrite:
        if (!buffer_) buffer_ = std::make_unique<char[]>(kBufferSize);
        n = ReadWrite(in_fd, out_fd, max, buffer_.get());
        break;
    }
    if (n < 0 && errno == EINTR) continue;
    return n;
  }
}

absl::StatusOr<bool> SameContent(int a_fd, int b_fd) {
  struct stat a, b;
  if (::fstat(a_fd, &a) != 0 || ::fstat(b_fd, &b) != 0) {
    return absl::InternalError(
        absl::StrCat("cannot stat files to compare: ", std::strerror(errno)));
  }
  if (a.st_dev == b.st_dev && a.st_ino == b.st_ino) return true;
  if (a.st_size != b.st_size) return false;
  auto a_buf = std::make_unique<char[]>(kBufferSize);
  auto b_buf = std::make_unique<char[]>(kBufferSize);
  for (off_t offset = 0; offset < a.st_size;) {
    ssize_t na = ::pread(a_fd, a_buf.get(), kBufferSize, offset);
    ssize_t nb = ::pread(b_fd, b_buf.get(), kBufferSize, offset);
    if (na < 0 || nb < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(
          absl::StrCat("cannot read files to compare: ", std::strerror(errno)));
    }
    if (na != nb || na == 0) return na == nb;
    if (std::memcmp(a_buf.get(), b_buf.get(), na) != 0) return false;
    offset += na;
  }
  return true;
}

}  // namespace kiosk::downloads::transfer
