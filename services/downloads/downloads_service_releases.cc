// DownloadsServiceImpl: the release search RPCs (issue 13), admins only.
// Proto <-> model only; the logic is in indexers/indexer_admin.h and
// releases/release_search.h. API keys never leave: answers carry hasApiKey.
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/downloads/downloads_service.h"

namespace kiosk::downloads {
namespace {

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

void ToProto(const indexers::Indexer& i, v1::Indexer* out) {
  out->set_id(i.id);
  out->set_name(i.name);
  out->set_url(i.url);
  out->set_api_key("");  // write-only
  out->set_has_api_key(!i.api_key.empty());
  for (int c : i.categories) out->add_categories(c);
  out->set_enabled(i.enabled);
  out->set_priority(i.priority);
  out->set_rate_limit_per_minute(i.rate_limit_per_minute);
  out->set_last_status(i.last_status);
  out->set_last_error(i.last_error);
  if (i.last_checked_at) SetTime(*i.last_checked_at, out->mutable_last_checked_at());
  if (i.backoff_until && *i.backoff_until > absl::Now()) {
    SetTime(*i.backoff_until, out->mutable_backoff_until());
  }
  out->set_caps_summary(i.caps_summary);
}

void ToProto(const releases::EvaluatedRelease& r, v1::Release* out) {
  out->set_guid(r.guid);
  out->set_title(r.title);
  out->set_indexer_id(r.indexer_id);
  out->set_indexer(r.indexer);
  out->set_link(r.link);
  out->set_info_hash(r.info_hash);
  out->set_size_bytes(r.size_bytes);
  out->set_seeders(r.seeders);
  out->set_peers(r.peers);
  if (r.published_at) SetTime(*r.published_at, out->mutable_published_at());
  out->set_quality(r.quality);
  out->set_resolution(r.resolution);
  out->set_source(r.source);
  out->set_codec(r.codec);
  out->set_group(r.group);
  for (const std::string& l : r.languages) out->add_languages(l);
  out->set_season(r.season);
  for (int e : r.episodes) out->add_episodes(e);
  out->set_score(r.score);
  out->set_accepted(r.accepted);
  for (const std::string& why : r.rejections) out->add_rejections(why);
  out->set_blocklisted(r.blocklisted);
}

void ToProto(const releases::BlocklistEntry& e, v1::BlocklistEntry* out) {
  out->set_id(e.id);
  out->set_request_id(e.request_id);
  out->set_title(e.title);
  out->set_info_hash(e.info_hash);
  out->set_indexer(e.indexer);
  out->set_reason(e.reason);
  SetTime(e.created_at, out->mutable_created_at());
}

indexers::Indexer FromProto(const v1::Indexer& r) {
  indexers::Indexer i;
  i.name = r.name();
  i.url = r.url();
  i.api_key = r.api_key();
  i.categories.assign(r.categories().begin(), r.categories().end());
  i.enabled = r.has_enabled() ? r.enabled() : true;
  i.priority = r.has_priority() ? r.priority() : indexers::kDefaultPriority;
  i.rate_limit_per_minute = r.rate_limit_per_minute();
  return i;
}

indexers::IndexerPatch PatchFromProto(const v1::Indexer& r) {
  indexers::IndexerPatch p;
  if (r.has_name()) p.name = r.name();
  if (r.has_url()) p.url = r.url();
  if (!r.api_key().empty()) p.api_key = r.api_key();
  if (r.categories_size() > 0) p.categories = std::vector<int>(r.categories().begin(), r.categories().end());
  if (r.has_enabled()) p.enabled = r.enabled();
  if (r.has_priority()) p.priority = r.priority();
  if (r.has_rate_limit_per_minute()) p.rate_limit_per_minute = r.rate_limit_per_minute();
  return p;
}

absl::Status NotWired() {
  return absl::FailedPreconditionError("the release search is not set up in this kiosk-downloads");
}

}  // namespace

grpc::ServerUnaryReactor* DownloadsServiceImpl::ListIndexers(grpc::CallbackServerContext* ctx,
                                                             const v1::ListIndexersRequest*,
                                                             v1::ListIndexersResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (indexers_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(std::vector<indexers::Indexer> all, indexers_->List());
    for (const indexers::Indexer& i : all) ToProto(i, response->add_indexers());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::CreateIndexer(grpc::CallbackServerContext* ctx,
                                                              const v1::Indexer* request,
                                                              v1::Indexer* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (indexers_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(indexers::Indexer created, indexers_->Create(FromProto(*request)));
    ToProto(created, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::UpdateIndexer(grpc::CallbackServerContext* ctx,
                                                              const v1::Indexer* request,
                                                              v1::Indexer* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (indexers_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(indexers::Indexer updated,
                     indexers_->Update(request->id(), PatchFromProto(*request)));
    ToProto(updated, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::DeleteIndexer(grpc::CallbackServerContext* ctx,
                                                              const v1::DeleteIndexerRequest* request,
                                                              v1::DeleteIndexerResponse*) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (indexers_ == nullptr) return NotWired();
    return indexers_->Delete(request->id());
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::TestIndexer(grpc::CallbackServerContext* ctx,
                                                            const v1::TestIndexerRequest* request,
                                                            v1::TestIndexerResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (indexers_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(indexers::IndexerTestResult result, indexers_->Test(request->id()));
    response->set_ok(result.ok);
    response->set_message(result.message);
    response->set_caps_summary(result.caps_summary);
    response->set_duration_ms(result.duration_ms);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::SearchReleases(
    grpc::CallbackServerContext* ctx, const v1::SearchReleasesRequest* request,
    v1::SearchReleasesResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (release_search_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(releases::SearchOutcome outcome, release_search_->Search(request->request_id()));
    for (const releases::EvaluatedRelease& r : outcome.releases) ToProto(r, response->add_releases());
    for (const releases::IndexerOutcome& o : outcome.indexers) {
      v1::IndexerSearch* out = response->add_indexers();
      out->set_indexer_id(o.indexer_id);
      out->set_name(o.name);
      out->set_found(o.found);
      out->set_error(o.error);
      out->set_duration_ms(o.duration_ms);
    }
    response->set_auto_grab(outcome.auto_grab);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::ListBlocklist(grpc::CallbackServerContext* ctx,
                                                              const v1::ListBlocklistRequest* request,
                                                              v1::ListBlocklistResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (release_search_ == nullptr) return NotWired();
    ASSIGN_OR_RETURN(std::vector<releases::BlocklistEntry> entries,
                     release_search_->ListBlocklist(request->request_id()));
    for (const releases::BlocklistEntry& e : entries) ToProto(e, response->add_entries());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::DeleteBlocklistEntry(
    grpc::CallbackServerContext* ctx, const v1::DeleteBlocklistEntryRequest* request,
    v1::DeleteBlocklistEntryResponse*) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (release_search_ == nullptr) return NotWired();
    return release_search_->DeleteBlocklistEntry(request->id());
  });
}

}  // namespace kiosk::downloads
