// A file descriptor closed when it goes out of scope.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_UNIQUE_FD_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace kiosk::downloads::transfer {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_UNIQUE_FD_H_
