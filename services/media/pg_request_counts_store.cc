#include "services/media/pg_request_counts_store.h"

#include <pqxx/pqxx>
#include <string>

#include "common/db/pg_errors.h"

namespace kiosk::media {
namespace {

// One pass over the user's recent requests (index media_requests_user_idx).
// Times are bound as UTC text with microseconds, PostgreSQL's precision, so
// "at or after" is exact.
constexpr char kCountUserRequestsSql[] = R"sql(
SELECT count(*) FILTER (WHERE media_type = 'movie' AND created_at >= $2::timestamptz)::int,
       count(*) FILTER (WHERE media_type = 'tv' AND created_at >= $3::timestamptz)::int
FROM media.media_requests
WHERE user_id = $1
  AND status NOT IN ('declined', 'cancelled')
  AND created_at >= LEAST($2::timestamptz, $3::timestamptz))sql";

std::string TimestampText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<RequestCounts> PgRequestCountsStore::CountUserRequests(int64_t user_id,
                                                                      absl::Time movie_since,
                                                                      absl::Time tv_since) {
  absl::StatusOr<db::ConnectionPool::Lease> lease = pool_.Acquire();
  if (!lease.ok()) return lease.status();
  return db::RunWithStatus("counting the user's media requests", [&] {
    pqxx::read_transaction tx(**lease);
    pqxx::row row = tx.exec_params1(kCountUserRequestsSql, user_id, TimestampText(movie_since),
                                    TimestampText(tv_since));
    return RequestCounts{row[0].as<int>(), row[1].as<int>()};
  });
}

}  // namespace kiosk::media
