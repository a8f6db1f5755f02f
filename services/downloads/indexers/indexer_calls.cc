#include "services/downloads/indexers/indexer_calls.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/log/log.h"

namespace kiosk::downloads::indexers {

absl::Duration BackoffAfter(int failures) {
  if (failures <= 0) return absl::ZeroDuration();
  return std::min(absl::Minutes(1) * (int64_t{1} << std::min(failures - 1, 6)), absl::Hours(1));
}

absl::StatusOr<TorznabCaps> IndexerCalls::Probe(const Indexer& indexer) {
  absl::StatusOr<TorznabCaps> caps = client_.Caps(indexer);
  if (indexer.id > 0) {
    Record(indexer, caps.status(),
           caps.ok() ? std::optional<TorznabCaps>(*caps) : std::nullopt);
  }
  return caps;
}

absl::Status IndexerCalls::Admit(const Indexer& indexer) {
  const absl::Time now = now_();
  if (indexer.backoff_until && *indexer.backoff_until > now) {
    return absl::UnavailableError(absl::StrCat(
        "skipped: backing off for ", absl::ToInt64Seconds(*indexer.backoff_until - now),
        " s after ", indexer.failures, " failure", indexer.failures == 1 ? "" : "s",
        " in a row (last: ", indexer.last_error, ")"));
  }
  if (indexer.rate_limit_per_minute <= 0) return absl::OkStatus();
  std::lock_guard<std::mutex> lock(mu_);
  std::deque<absl::Time>& calls = calls_[indexer.id];
  while (!calls.empty() && now - calls.front() >= absl::Minutes(1)) calls.pop_front();
  if (static_cast<int>(calls.size()) >= indexer.rate_limit_per_minute) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "skipped: rate limit of ", indexer.rate_limit_per_minute, " calls a minute reached; next in ",
        absl::ToInt64Seconds(calls.front() + absl::Minutes(1) - now), " s"));
  }
  calls.push_back(now);
  return absl::OkStatus();
}

void IndexerCalls::Record(const Indexer& indexer, const absl::Status& status,
                          const std::optional<TorznabCaps>& caps) {
  if (status.ok()) {
    absl::Status saved = store_.RecordSuccess(indexer.id, caps);
    if (!saved.ok()) log::Warn("indexer_status_not_saved").With("indexer_id", indexer.id)
        .With("error", saved.message());
    return;
  }
  const int failures = indexer.failures + 1;
  const absl::Time until = now_() + BackoffAfter(failures);
  absl::StatusOr<int> saved = store_.RecordFailure(indexer.id, std::string(status.message()), until);
  log::Warn("indexer_failed").With("indexer_id", indexer.id).With("indexer", indexer.name)
      .With("failures", failures).With("error", status.message());  // messages never hold the key
  if (!saved.ok()) log::Warn("indexer_status_not_saved").With("indexer_id", indexer.id)
      .With("error", saved.status().message());
}

absl::StatusOr<TorznabFeed> IndexerCalls::Search(const Indexer& indexer, const TorznabQuery& query) {
  if (absl::Status admitted = Admit(indexer); !admitted.ok()) return admitted;
  absl::StatusOr<TorznabFeed> feed = client_.Search(indexer, query);
  Record(indexer, feed.status(), std::nullopt);
  if (feed.ok() && feed->skipped > 0) {
    log::Info("indexer_items_skipped").With("indexer", indexer.name).With("skipped", feed->skipped)
        .With("first", feed->problems.empty() ? "" : feed->problems.front());
  }
  return feed;
}

}  // namespace kiosk::downloads::indexers
