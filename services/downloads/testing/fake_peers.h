// In-memory kiosk-media and kiosk-plex for the download chain's tests: they
// answer what the test put in and record what the chain told them.
#ifndef KIOSK_SERVICES_DOWNLOADS_TESTING_FAKE_PEERS_H_
#define KIOSK_SERVICES_DOWNLOADS_TESTING_FAKE_PEERS_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/downloads/peers.h"

namespace kiosk::downloads::testing {

class FakeMedia final : public MediaPeer {
 public:
  void Put(RequestInfo info) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_[info.id] = std::move(info);
  }
  void FailWith(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
  }
  absl::StatusOr<RequestInfo> GetRequest(int64_t request_id) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    auto it = requests_.find(request_id);
    if (it == requests_.end()) {
      return absl::NotFoundError(absl::StrCat("request ", request_id, " not found"));
    }
    return it->second;
  }
  absl::Status ReportProgress(const ProgressReport& report) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    reports_.push_back(report);
    if (!report.status.empty()) requests_[report.request_id].status = report.status;
    return absl::OkStatus();
  }
  std::vector<ProgressReport> reports() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reports_;
  }
  // The statuses reported for a request, in order ("" progress-only left out).
  std::vector<std::string> statuses(int64_t request_id) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const ProgressReport& r : reports_) {
      if (r.request_id == request_id && !r.status.empty()) out.push_back(r.status);
    }
    return out;
  }

 private:
  mutable std::mutex mu_;
  std::map<int64_t, RequestInfo> requests_;
  std::vector<ProgressReport> reports_;
  absl::Status failure_;
};

class FakePlex final : public PlexPeer {
 public:
  struct Refresh {
    std::string path;
    RequestInfo expect;
  };
  void FailWith(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
  }
  absl::Status RefreshPath(const std::string& path, const RequestInfo& expect) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    refreshes_.push_back({path, expect});
    return absl::OkStatus();
  }
  std::vector<Refresh> refreshes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return refreshes_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<Refresh> refreshes_;
  absl::Status failure_;
};

}  // namespace kiosk::downloads::testing

#endif  // KIOSK_SERVICES_DOWNLOADS_TESTING_FAKE_PEERS_H_
