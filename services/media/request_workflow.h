// The request workflow: creation (TMDB validation, duplicates, Plex,
// quotas, auto-approve), the admins' decisions, the owner's cancel, the
// lists, and the moves kiosk-downloads reports. Who may do what is checked
// here; every status change goes through the state machine
// (request_status.h) under the request's row lock (RequestStore::Transition).
//
//   RequestWorkflow workflow(store, tmdb, plex, users, settings);
//   ASSIGN_OR_RETURN(MediaRequest r, workflow.Create(caller, input, request_id));
//   ASSIGN_OR_RETURN(r, workflow.Approve(admin, r.id));
//
// Another user's request is NOT_FOUND, exactly like a missing one.
#ifndef KIOSK_SERVICES_MEDIA_REQUEST_WORKFLOW_H_
#define KIOSK_SERVICES_MEDIA_REQUEST_WORKFLOW_H_

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/auth/caller.h"
#include "common/server/remote_settings.h"
#include "services/media/peers.h"
#include "services/media/request_store.h"
#include "services/media/tmdb_client.h"

namespace kiosk::media {

struct NewRequest {
  std::string media_type;
  int tmdb_id = 0;
  std::string language;  // "" = the user's preferred language
  std::vector<SeasonSelection> seasons;
};

class RequestWorkflow {
 public:
  RequestWorkflow(
      RequestStore& store, TmdbApi& tmdb, PlexLibrary& plex, UserDirectory& users,
      server::SettingsSource& settings,
      std::function<absl::Time()> clock = [] { return absl::Now(); })
      : store_(store),
        tmdb_(tmdb),
        plex_(plex),
        users_(users),
        settings_(settings),
        clock_(std::move(clock)) {}

  absl::StatusOr<MediaRequest> Create(const auth::Caller& caller, const NewRequest& input,
                                      const std::string& request_id);
  absl::StatusOr<MediaRequest> Get(const auth::Caller& caller, int64_t id);
  absl::StatusOr<std::vector<Transition>> History(const auth::Caller& caller, int64_t id);
  // The caller's own requests (filter.user_id is replaced).
  absl::StatusOr<RequestPage> ListMine(const auth::Caller& caller, RequestFilter filter);
  // Admin.
  absl::StatusOr<RequestPage> List(const auth::Caller& caller, RequestFilter filter);
  // A user: his own; an admin: `user_id`'s (0 = everybody's).
  absl::StatusOr<std::map<std::string, int64_t>> Count(const auth::Caller& caller,
                                                       int64_t user_id);

  // Admin decisions.
  absl::StatusOr<MediaRequest> Approve(const auth::Caller& caller, int64_t id);
  absl::StatusOr<MediaRequest> Decline(const auth::Caller& caller, int64_t id,
                                       const std::string& reason);
  absl::StatusOr<MediaRequest> Retry(const auth::Caller& caller, int64_t id);
  absl::Status Delete(const auth::Caller& caller, int64_t id);
  // The owner (or an admin), while pending.
  absl::StatusOr<MediaRequest> Cancel(const auth::Caller& caller, int64_t id);

  // Services (kiosk-downloads): a new status among processing, downloading,
  // importing, available, partially_available and failed ("" = unchanged),
  // and/or the progress.
  absl::StatusOr<MediaRequest> ReportProgress(const auth::Caller& caller, int64_t id,
                                              const std::string& status,
                                              const std::optional<RequestProgress>& progress,
                                              const std::string& reason,
                                              const std::vector<SeasonSelection>& episodes_imported = {});

 private:
  // The request if the caller may see it; NOT_FOUND otherwise.
  absl::StatusOr<MediaRequest> Visible(const auth::Caller& caller, int64_t id);
  absl::StatusOr<MediaRequest> Decide(const auth::Caller& caller, int64_t id,
                                      const char* required_status, const char* to,
                                      const std::string& reason, const char* verb);
  absl::Status CheckFilter(RequestFilter& filter);

  RequestStore& store_;
  TmdbApi& tmdb_;
  PlexLibrary& plex_;
  UserDirectory& users_;
  server::SettingsSource& settings_;
  std::function<absl::Time()> clock_;
};

// Actor of a call: the user, or the calling service.
Actor ActorOf(const auth::Caller& caller);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_REQUEST_WORKFLOW_H_
