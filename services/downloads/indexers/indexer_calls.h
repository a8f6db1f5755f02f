// Calls to indexers with their house rules: a failing indexer is left alone
// until its back-off ends (1, 2, 4 ... minutes after each failure in a row,
// at most an hour), an indexer with a rate limit gets at most that many
// calls a minute (in this process), and every call's outcome is recorded
// (last status, error, check time) so the admin sees which indexer fails
// and why.
//
//   IndexerCalls calls(store, client);
//   absl::StatusOr<TorznabFeed> feed = calls.Search(indexer, query);
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_CALLS_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_CALLS_H_

#include <deque>
#include <functional>
#include <map>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/downloads/indexers/pg_indexer_store.h"
#include "services/downloads/indexers/torznab_client.h"

namespace kiosk::downloads::indexers {

// The back-off after `failures` failures in a row.
absl::Duration BackoffAfter(int failures);

class IndexerCalls {
 public:
  IndexerCalls(PgIndexerStore& store, TorznabClient& client,
               std::function<absl::Time()> now = &absl::Now)
      : store_(store), client_(client), now_(std::move(now)) {}

  // t=caps, recorded (an admin's test or save: no back-off, no rate limit).
  absl::StatusOr<TorznabCaps> Probe(const Indexer& indexer);
  // A search: UNAVAILABLE while backing off, RESOURCE_EXHAUSTED over the
  // rate limit (both without calling), else the call, recorded.
  absl::StatusOr<TorznabFeed> Search(const Indexer& indexer, const TorznabQuery& query);

 private:
  absl::Status Admit(const Indexer& indexer);
  void Record(const Indexer& indexer, const absl::Status& status,
              const std::optional<TorznabCaps>& caps);

  PgIndexerStore& store_;
  TorznabClient& client_;
  std::function<absl::Time()> now_;
  std::mutex mu_;
  std::map<int64_t, std::deque<absl::Time>> calls_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_INDEXER_CALLS_H_
