// Byte copying for the transfer: the fastest way the kernel offers
// (copy_file_range, then sendfile, then read/write with a 1 MiB buffer), and a
// content comparison to recognise a file that is already in place.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_FILE_COPY_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_FILE_COPY_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::downloads::transfer {

// Copies at most `max` bytes from in_fd to out_fd at their current offsets.
// Returns the bytes copied (0 at the end of in_fd) or -1 with errno set. It
// remembers which system call works so later chunks go straight to it.
class FastCopier {
 public:
  ssize_t Chunk(int in_fd, int out_fd, size_t max);

 private:
  enum class Method { kCopyFileRange, kSendfile, kReadWrite };
  Method method_ = Method::kCopyFileRange;
  std::unique_ptr<char[]> buffer_;
};

// True when both open files have the same size and the same bytes.
// Reads from offset 0 with pread, so the file offsets are untouched.
absl::StatusOr<bool> SameContent(int a_fd, int b_fd);

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_FILE_COPY_H_
