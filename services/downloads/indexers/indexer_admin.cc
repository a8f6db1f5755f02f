#include "services/downloads/indexers/indexer_admin.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/http/url.h"
#include "common/log/log.h"
#include "common/status_macros.h"

namespace kiosk::downloads::indexers {

absl::Status ValidateIndexer(const Indexer& i) {
  if (absl::StripAsciiWhitespace(i.name).empty() || i.name.size() > 100) {
    return absl::InvalidArgumentError("name is required (1 to 100 characters), e.g. \"Jackett\"");
  }
  if (!http::ParseUrl(i.url).ok()) {
    return absl::InvalidArgumentError(
        "url must be the indexer's Torznab URL (http or https), e.g. "
        "http://jackett:9117/api/v2.0/indexers/all/results/torznab or http://prowlarr:9696/1/");
  }
  if (i.priority < 1 || i.priority > 50) {
    return absl::InvalidArgumentError("priority must be between 1 (asked first) and 50");
  }
  if (i.rate_limit_per_minute < 0 || i.rate_limit_per_minute > 1000) {
    return absl::InvalidArgumentError("rateLimitPerMinute must be between 0 (none) and 1000");
  }
  for (int c : i.categories) {
    if (c <= 0 || c > 999999) {
      return absl::InvalidArgumentError(absl::StrCat(
          "category ", c, " is not a Torznab category id (e.g. 2000 movies, 5000 TV)"));
    }
  }
  return absl::OkStatus();
}

namespace {

absl::Status ProbeFailed(const absl::Status& probe) {
  return absl::FailedPreconditionError(absl::StrCat(
      "the indexer did not answer the Torznab caps probe: ", probe.message(),
      ". Fix the URL or API key, or save it disabled"));
}

}  // namespace

absl::StatusOr<std::vector<Indexer>> IndexerAdmin::List() { return store_.List(false); }

absl::StatusOr<Indexer> IndexerAdmin::Create(Indexer indexer) {
  indexer.name = std::string(absl::StripAsciiWhitespace(indexer.name));
  indexer.url = std::string(absl::StripAsciiWhitespace(indexer.url));
  RETURN_IF_ERROR(ValidateIndexer(indexer));
  if (indexer.enabled) {
    absl::StatusOr<TorznabCaps> caps = calls_.Probe(indexer);  // id 0: nothing recorded
    if (!caps.ok()) return ProbeFailed(caps.status());
    indexer.caps = *caps;
    indexer.caps_summary = caps->Summary();
  }
  ASSIGN_OR_RETURN(Indexer created, store_.Create(indexer));
  log::Info("indexer_created").With("indexer_id", created.id).With("name", created.name)
      .With("url", http::RedactUrl(created.url));
  return created;
}

absl::StatusOr<Indexer> IndexerAdmin::Update(int64_t id, const IndexerPatch& patch) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive indexer id");
  ASSIGN_OR_RETURN(Indexer current, store_.Get(id));
  Indexer next = current;
  IndexerPatch clean = patch;
  if (clean.name) next.name = *clean.name = std::string(absl::StripAsciiWhitespace(*clean.name));
  if (clean.url) next.url = *clean.url = std::string(absl::StripAsciiWhitespace(*clean.url));
  if (clean.api_key && !clean.api_key->empty()) next.api_key = *clean.api_key;
  if (clean.categories) next.categories = *clean.categories;
  if (clean.enabled) next.enabled = *clean.enabled;
  if (clean.priority) next.priority = *clean.priority;
  if (clean.rate_limit_per_minute) next.rate_limit_per_minute = *clean.rate_limit_per_minute;
  RETURN_IF_ERROR(ValidateIndexer(next));
  std::optional<TorznabCaps> caps;
  const bool reach_changed = next.url != current.url || next.api_key != current.api_key ||
                             (next.enabled && !current.enabled);
  if (next.enabled && reach_changed) {
    next.id = 0;  // probe without recording: the row changes only if it works
    absl::StatusOr<TorznabCaps> probed = calls_.Probe(next);
    if (!probed.ok()) return ProbeFailed(probed.status());
    caps = *probed;
  }
  ASSIGN_OR_RETURN(Indexer updated, store_.Update(id, clean, caps));
  log::Info("indexer_updated").With("indexer_id", id).With("probed", caps.has_value());
  return updated;
}

absl::Status IndexerAdmin::Delete(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive indexer id");
  RETURN_IF_ERROR(store_.Delete(id));
  log::Info("indexer_deleted").With("indexer_id", id);
  return absl::OkStatus();
}

absl::StatusOr<IndexerTestResult> IndexerAdmin::Test(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id must be a positive indexer id");
  ASSIGN_OR_RETURN(Indexer indexer, store_.Get(id));
  const absl::Time start = absl::Now();
  absl::StatusOr<TorznabCaps> caps = calls_.Probe(indexer);
  IndexerTestResult result;
  result.duration_ms = absl::ToInt64Milliseconds(absl::Now() - start);
  result.ok = caps.ok();
  if (caps.ok()) {
    result.caps_summary = caps->Summary();
    result.message = absl::StrCat("the indexer answered: ", result.caps_summary);
  } else {
    result.caps_summary = indexer.caps_summary;
    result.message = std::string(caps.status().message());
  }
  return result;
}

}  // namespace kiosk::downloads::indexers
