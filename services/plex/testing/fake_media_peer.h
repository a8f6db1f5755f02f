// An in-memory kiosk-media for kiosk-plex's tests: answers the tracked titles
// it was given and records every presence report.
#ifndef KIOSK_SERVICES_PLEX_TESTING_FAKE_MEDIA_PEER_H_
#define KIOSK_SERVICES_PLEX_TESTING_FAKE_MEDIA_PEER_H_

#include <mutex>
#include <vector>

#include "services/plex/media_peer.h"

namespace kiosk::plex::testing {

class FakeMediaPeer final : public MediaPeer {
 public:
  struct Report {
    std::vector<TitlePresence> titles;
    bool complete = false;
  };

  void Track(TitleKey key) {
    std::lock_guard<std::mutex> lock(mu_);
    tracked_.push_back(std::move(key));
  }
  // Every call fails with `status` until cleared with OkStatus().
  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
    fail_left_ = 0;
  }
  // Only the next `count` calls fail with `status`.
  void FailNext(int count, absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
    fail_left_ = count;
  }
  std::vector<Report> reports() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reports_;
  }

  absl::StatusOr<std::vector<TitleKey>> ListTrackedTitles() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::Status failed = Failing(); !failed.ok()) return failed;
    return tracked_;
  }
  absl::StatusOr<int> ReportLibraryPresence(const std::vector<TitlePresence>& titles,
                                            bool complete) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (absl::Status failed = Failing(); !failed.ok()) return failed;
    reports_.push_back({titles, complete});
    return static_cast<int>(titles.size());
  }

 private:
  absl::Status Failing() {
    absl::Status failed = failure_;
    if (fail_left_ > 0 && --fail_left_ == 0) failure_ = absl::OkStatus();
    return failed;
  }

  mutable std::mutex mu_;
  int fail_left_ = 0;  // > 0: failures left before failure_ clears
  std::vector<TitleKey> tracked_;
  std::vector<Report> reports_;
  absl::Status failure_;
};

}  // namespace kiosk::plex::testing

#endif  // KIOSK_SERVICES_PLEX_TESTING_FAKE_MEDIA_PEER_H_
