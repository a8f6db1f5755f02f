// In-memory stand-ins for kiosk-plex, kiosk-downloads and kiosk-users
// (peers.h), for tests and media_bench. Thread-safe.
//
//   FakeUserDirectory users;
//   users.Put({.id = 7, .auto_approve = true});
//   FakePlexLibrary plex;
//   plex.Add({.key = {"movie", 194}, .present = true});
#ifndef KIOSK_SERVICES_MEDIA_TESTING_FAKE_PEERS_H_
#define KIOSK_SERVICES_MEDIA_TESTING_FAKE_PEERS_H_

#include <map>
#include <mutex>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/media/peers.h"

namespace kiosk::media::testing {

class FakePlexLibrary final : public PlexLibrary {
 public:
  void Add(PlexPresence presence) {
    std::lock_guard<std::mutex> lock(mu_);
    held_[absl::StrCat(presence.key.media_type, ":", presence.key.tmdb_id)] = std::move(presence);
  }
  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
  }
  absl::StatusOr<std::vector<PlexPresence>> Lookup(const std::vector<TitleKey>& keys,
                                                   const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    std::vector<PlexPresence> out;
    for (const TitleKey& key : keys) {
      auto it = held_.find(absl::StrCat(key.media_type, ":", key.tmdb_id));
      out.push_back(it == held_.end() ? PlexPresence{.key = key} : it->second);
    }
    return out;
  }

 private:
  std::mutex mu_;
  std::map<std::string, PlexPresence> held_;
  absl::Status failure_;
};

class FakeDownloadsDesk final : public DownloadsDesk {
 public:
  void Fail(absl::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    failure_ = std::move(status);
  }
  std::vector<int64_t> submitted() {
    std::lock_guard<std::mutex> lock(mu_);
    return submitted_;
  }
  int64_t owner_of(int64_t request_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owners_.find(request_id);
    return it == owners_.end() ? 0 : it->second;
  }
  absl::Status Submit(int64_t request_id, int64_t user_id, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (!failure_.ok()) return failure_;
    submitted_.push_back(request_id);
    owners_[request_id] = user_id;
    return absl::OkStatus();
  }

 private:
  std::mutex mu_;
  std::vector<int64_t> submitted_;
  std::map<int64_t, int64_t> owners_;  // request -> user given
  absl::Status failure_;
};

class FakeUserDirectory final : public UserDirectory {
 public:
  void Put(UserInfo user) {
    std::lock_guard<std::mutex> lock(mu_);
    users_[user.id] = std::move(user);
  }
  absl::StatusOr<UserInfo> Get(int64_t user_id, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = users_.find(user_id);
    if (it == users_.end()) return absl::NotFoundError(absl::StrCat("no user ", user_id));
    return it->second;
  }

 private:
  std::mutex mu_;
  std::map<int64_t, UserInfo> users_;
};

}  // namespace kiosk::media::testing

#endif  // KIOSK_SERVICES_MEDIA_TESTING_FAKE_PEERS_H_
