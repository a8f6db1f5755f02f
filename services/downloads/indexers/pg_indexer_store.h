// downloads.indexers: the Torznab indexers an admin set up, and how their
// last call went (status, error, back-off). The API key is read for the
// calls; the transport never answers it.
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_PG_INDEXER_STORE_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_PG_INDEXER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/connection_pool.h"
#include "services/downloads/indexers/indexer.h"

namespace kiosk::downloads::indexers {

class PgIndexerStore {
 public:
  explicit PgIndexerStore(db::ConnectionPool& pool) : pool_(pool) {}

  // By priority (1 first), then id.
  absl::StatusOr<std::vector<Indexer>> List(bool enabled_only);
  // NOT_FOUND for an unknown id.
  absl::StatusOr<Indexer> Get(int64_t id);
  // ALREADY_EXISTS when another indexer has the name (any case).
  absl::StatusOr<Indexer> Create(const Indexer& indexer);
  // The fields of `patch` that are set (api_key "" = keep); caps when given.
  absl::StatusOr<Indexer> Update(int64_t id, const IndexerPatch& patch,
                                 const std::optional<TorznabCaps>& caps);
  absl::Status Delete(int64_t id);

  // A call that worked: status ok, failures and back-off cleared; the caps
  // when they were probed.
  absl::Status RecordSuccess(int64_t id, const std::optional<TorznabCaps>& caps);
  // A call that failed: status error, one more failure in a row, and no
  // search until `backoff_until`. The failures in a row now.
  absl::StatusOr<int> RecordFailure(int64_t id, const std::string& error,
                                    std::optional<absl::Time> backoff_until);

 private:
  db::ConnectionPool& pool_;
};

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_PG_INDEXER_STORE_H_
