// RequestedSeasonsStore on PostgreSQL (media.media_requests.requested_seasons).
//
//   PgRequestedSeasonsStore requested(pool);
#ifndef KIOSK_SERVICES_MEDIA_PG_REQUESTED_SEASONS_STORE_H_
#define KIOSK_SERVICES_MEDIA_PG_REQUESTED_SEASONS_STORE_H_

#include "common/db/connection_pool.h"
#include "services/media/title_details.h"

namespace kiosk::media {

class PgRequestedSeasonsStore final : public RequestedSeasonsStore {
 public:
  explicit PgRequestedSeasonsStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<std::vector<std::vector<SeasonSelection>>> ActiveSelections(
      int tmdb_id) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_PG_REQUESTED_SEASONS_STORE_H_
