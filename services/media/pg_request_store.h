// RequestStore on PostgreSQL (media.media_requests, media.request_transitions),
// enqueueing the request job and the webhook events in the same transactions
// through the service's job queue.
//
//   PgRequestStore store(pool, jobs.queue());
#ifndef KIOSK_SERVICES_MEDIA_PG_REQUEST_STORE_H_
#define KIOSK_SERVICES_MEDIA_PG_REQUEST_STORE_H_

#include "common/db/connection_pool.h"
#include "common/jobs/job_queue.h"
#include "services/media/request_store.h"

namespace kiosk::media {

class PgRequestStore final : public RequestStore {
 public:
  PgRequestStore(db::ConnectionPool& pool, const jobs::JobQueue& queue)
      : pool_(pool), queue_(queue) {}

  absl::StatusOr<MediaRequest> Create(const MediaRequest& request, const Actor& actor,
                                      const std::optional<QuotaRule>& quota,
                                      absl::Time now) override;
  absl::StatusOr<MediaRequest> Get(int64_t id) override;
  absl::StatusOr<RequestPage> List(const RequestFilter& filter) override;
  absl::StatusOr<std::map<std::string, int64_t>> CountByStatus(int64_t user_id) override;
  absl::StatusOr<MediaRequest> Transition(int64_t id, const TransitionDecision& decide,
                                          const Actor& actor, absl::Time now) override;
  absl::Status Delete(int64_t id) override;
  absl::StatusOr<std::vector<media::Transition>> History(int64_t id) override;
  absl::StatusOr<std::vector<TitleKey>> TrackedTitles() override;
  absl::StatusOr<std::vector<MediaRequest>> TrackedRequests(const std::string& media_type,
                                                            int tmdb_id) override;
  absl::StatusOr<std::map<std::string, MediaRequest>> LatestFor(
      const std::vector<TitleKey>& keys) override;

 private:
  db::ConnectionPool& pool_;
  const jobs::JobQueue& queue_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_PG_REQUEST_STORE_H_
