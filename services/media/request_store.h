// Where media requests, their history and the work they cause live. Every
// write is one transaction: the status change, its history row, the webhook
// event and the `request` job commit together or not at all.
//
//   ASSIGN_OR_RETURN(MediaRequest created, store.Create(request, actor, quota, now));
//   ASSIGN_OR_RETURN(MediaRequest approved, store.Transition(id, decide, actor, now));
#ifndef KIOSK_SERVICES_MEDIA_REQUEST_STORE_H_
#define KIOSK_SERVICES_MEDIA_REQUEST_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/media/model.h"

namespace kiosk::media {

// The job kind that hands an approved request to kiosk-downloads.
inline constexpr char kRequestJobKind[] = "request";

// A quota the new request must fit in: at most `limit` requests of its media
// type (neither declined nor cancelled) created in the `days` days before now.
struct QuotaRule {
  int limit = 0;
  int days = 0;
  std::string noun;  // "films" / "series", for the message
};

// What a transition does, decided by the logic from the request as it is
// under the row lock.
struct TransitionPlan {
  std::string to;  // the new status; the current one = no status change
  std::string reason;
  std::optional<RequestProgress> progress;  // replaces the progress when set
  std::optional<EpisodeTally> episodes;     // replaces the episode counts when set
};
using TransitionDecision = std::function<absl::StatusOr<TransitionPlan>(const MediaRequest&)>;

class RequestStore {
 public:
  virtual ~RequestStore() = default;

  // Inserts `request` (status pending or approved) created at `now`, with its
  // creation in the history, request.created (and request.approved plus the
  // request job when approved). ALREADY_EXISTS naming the active request for
  // the same title, type and language; RESOURCE_EXHAUSTED when `quota` is
  // used up, saying when it frees up.
  virtual absl::StatusOr<MediaRequest> Create(const MediaRequest& request, const Actor& actor,
                                              const std::optional<QuotaRule>& quota,
                                              absl::Time now) = 0;
  virtual absl::StatusOr<MediaRequest> Get(int64_t id) = 0;
  virtual absl::StatusOr<RequestPage> List(const RequestFilter& filter) = 0;
  // Requests per status (`user_id` 0 = everybody's); every status present.
  virtual absl::StatusOr<std::map<std::string, int64_t>> CountByStatus(int64_t user_id) = 0;
  // Locks the request, asks `decide`, and applies the plan: status, reason,
  // approval, progress, history row, event, and the request job when it
  // becomes approved. NOT_FOUND for an unknown id; decide's error as is.
  virtual absl::StatusOr<MediaRequest> Transition(int64_t id, const TransitionDecision& decide,
                                                  const Actor& actor, absl::Time now) = 0;
  // NOT_FOUND for an unknown id.
  virtual absl::Status Delete(int64_t id) = 0;
  virtual absl::StatusOr<std::vector<media::Transition>> History(int64_t id) = 0;
  // Titles with a request in a tracked status (approved and later).
  virtual absl::StatusOr<std::vector<TitleKey>> TrackedTitles() = 0;
  // The tracked requests of one title.
  virtual absl::StatusOr<std::vector<MediaRequest>> TrackedRequests(const std::string& media_type,
                                                                    int tmdb_id) = 0;
  // The newest non-final request (active, available or partially available)
  // of each title, keyed "movie:194".
  virtual absl::StatusOr<std::map<std::string, MediaRequest>> LatestFor(
      const std::vector<TitleKey>& keys) = 0;
};

// "movie:194".
std::string TitleKeyString(const std::string& media_type, int tmdb_id);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_REQUEST_STORE_H_
