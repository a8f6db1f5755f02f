// The admin's indexer screens (ListIndexers ... TestIndexer): validation, the
// t=caps probe on save, and the store. Enabled indexers are saved only when
// the probe works, so a typo in the URL or key is seen at once; a disabled
// one may be saved as is (set up now, fixed later).
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_ADMIN_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_ADMIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/downloads/indexers/indexer_calls.h"
#include "services/downloads/indexers/pg_indexer_store.h"

namespace kiosk::downloads::indexers {

struct IndexerTestResult {
  bool ok = false;
  std::string message;
  std::string caps_summary;
  int64_t duration_ms = 0;
};

class IndexerAdmin {
 public:
  IndexerAdmin(PgIndexerStore& store, IndexerCalls& calls) : store_(store), calls_(calls) {}

  absl::StatusOr<std::vector<Indexer>> List();
  // INVALID_ARGUMENT for a bad field; FAILED_PRECONDITION when enabled and
  // the probe fails (the message says what the indexer answered).
  absl::StatusOr<Indexer> Create(Indexer indexer);
  // Probes again when the URL, key or enabled state changes (and it is enabled).
  absl::StatusOr<Indexer> Update(int64_t id, const IndexerPatch& patch);
  absl::Status Delete(int64_t id);
  // t=caps now; the outcome is recorded on the indexer. NOT_FOUND only for an
  // unknown id: a failing probe is an answer (ok = false), not an error.
  absl::StatusOr<IndexerTestResult> Test(int64_t id);

 private:
  PgIndexerStore& store_;
  IndexerCalls& calls_;
};

// INVALID_ARGUMENT naming the field and what is wanted.
absl::Status ValidateIndexer(const Indexer& indexer);

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_ADMIN_H_
