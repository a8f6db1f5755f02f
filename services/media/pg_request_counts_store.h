// RequestCountsStore on PostgreSQL (table media.media_requests), through the
// connection pool.
//
//   PgRequestCountsStore store(pool);
#ifndef KIOSK_SERVICES_MEDIA_PG_REQUEST_COUNTS_STORE_H_
#define KIOSK_SERVICES_MEDIA_PG_REQUEST_COUNTS_STORE_H_

#include "common/db/connection_pool.h"
#include "services/media/request_counts_store.h"

namespace kiosk::media {

class PgRequestCountsStore final : public RequestCountsStore {
 public:
  explicit PgRequestCountsStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<RequestCounts> CountUserRequests(int64_t user_id, absl::Time movie_since,
                                                  absl::Time tv_since) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_PG_REQUEST_COUNTS_STORE_H_
