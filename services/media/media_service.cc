#include "services/media/media_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/server/authenticated.h"
#include "common/server/request_context.h"
#include "services/media/media_proto.h"
#include "services/media/title_details_proto.h"

namespace kiosk::media {
namespace {

// The largest valid google.protobuf.Timestamp: 9999-12-31T23:59:59Z.
constexpr int64_t kMaxTimestampSeconds = 253402300799;

// A request time bound; unset = since the beginning. Times before 1970 are
// read as 1970: no request is older.
absl::StatusOr<absl::Time> SinceTime(const google::protobuf::Timestamp& since, const char* field) {
  if (since.seconds() > kMaxTimestampSeconds || since.nanos() < 0 || since.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, " is not a valid timestamp"));
  }
  if (since.seconds() < 0) return absl::UnixEpoch();
  return absl::FromUnixSeconds(since.seconds()) + absl::Nanoseconds(since.nanos());
}

}  // namespace

grpc::ServerUnaryReactor* MediaServiceImpl::Serve(
    Ctx* ctx, std::function<absl::Status(const auth::Caller&)> work) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_,
                                    server::kPasswordChangeRequired, std::move(work));
}

grpc::ServerUnaryReactor* MediaServiceImpl::CountUserRequests(
    grpc::CallbackServerContext* ctx, const v1::CountUserRequestsRequest* request,
    v1::CountUserRequestsResponse* response) {
  return Serve(
      ctx, [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
        if (request->user_id() <= 0) {
          return absl::InvalidArgumentError("user_id must be a user id (> 0)");
        }
        absl::StatusOr<absl::Time> movie_since = SinceTime(request->movie_since(), "movie_since");
        if (!movie_since.ok()) return movie_since.status();
        absl::StatusOr<absl::Time> tv_since = SinceTime(request->tv_since(), "tv_since");
        if (!tv_since.ok()) return tv_since.status();
        absl::StatusOr<RequestCounts> counts =
            logic_.request_counts.CountUserRequests(request->user_id(), *movie_since, *tv_since);
        if (!counts.ok()) return counts.status();
        response->set_movie_count(counts->movie);
        response->set_tv_count(counts->tv);
        return absl::OkStatus();
      });
}

namespace {

// Writes a request into the response, or passes the error on.
absl::Status Answer(const absl::StatusOr<MediaRequest>& request, v1::MediaRequest* out) {
  if (!request.ok()) return request.status();
  ToProto(*request, out);
  return absl::OkStatus();
}

absl::Status Answer(const absl::StatusOr<RequestPage>& page, v1::ListRequestsResponse* out) {
  if (!page.ok()) return page.status();
  ToProto(*page, out);
  return absl::OkStatus();
}

absl::Status Answer(const absl::StatusOr<TitleMapping>& mapping, v1::TitleMapping* out) {
  if (!mapping.ok()) return mapping.status();
  ToProto(*mapping, out);
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* MediaServiceImpl::Search(Ctx* ctx, const v1::SearchRequest* request,
                                                   v1::SearchResponse* response) {
  return Serve(ctx, [this, ctx, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<SearchPage> page = logic_.search.Run(caller,
                                                        {.query = request->query(),
                                                         .type = request->type(),
                                                         .page = request->page(),
                                                         .language = request->language(),
                                                         .year = request->year()},
                                                        server::RequestId(*ctx));
    if (!page.ok()) return page.status();
    for (const SearchHit& hit : page->hits) ToProto(hit, response->add_results());
    response->set_page(page->page);
    response->set_pages(page->pages);
    response->set_total_results(page->total_results);
    response->set_source(page->source);
    response->set_notice(page->notice);
    response->set_library_checked(page->library_checked);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::CreateRequest(Ctx* ctx,
                                                          const v1::CreateRequestRequest* request,
                                                          v1::MediaRequest* response) {
  return Serve(ctx, [this, ctx, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Create(caller,
                                         {.media_type = request->media_type(),
                                          .tmdb_id = request->tmdb_id(),
                                          .language = request->language(),
                                          .seasons = FromProto(request->seasons())},
                                         server::RequestId(*ctx)),
                  response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::GetRequest(Ctx* ctx,
                                                       const v1::GetRequestRequest* request,
                                                       v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Get(caller, request->id()), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ListMyRequests(
    Ctx* ctx, const v1::ListMyRequestsRequest* request, v1::ListRequestsResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.ListMine(caller, {.status = request->status(),
                                                    .media_type = request->media_type(),
                                                    .language = request->language(),
                                                    .sort = request->sort(),
                                                    .page = request->page(),
                                                    .page_size = request->page_size()}),
                  response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ListRequests(Ctx* ctx,
                                                         const v1::ListRequestsRequest* request,
                                                         v1::ListRequestsResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.List(caller, {.user_id = request->user_id(),
                                                .status = request->status(),
                                                .media_type = request->media_type(),
                                                .language = request->language(),
                                                .sort = request->sort(),
                                                .page = request->page(),
                                                .page_size = request->page_size()}),
                  response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::CountRequests(Ctx* ctx,
                                                          const v1::CountRequestsRequest* request,
                                                          v1::CountRequestsResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<std::map<std::string, int64_t>> counts =
        logic_.workflow.Count(caller, request->user_id());
    if (!counts.ok()) return counts.status();
    int64_t total = 0;
    for (const auto& [status, count] : *counts) {
      (*response->mutable_counts())[status] = count;
      total += count;
    }
    response->set_total(total);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ApproveRequest(
    Ctx* ctx, const v1::ApproveRequestRequest* request, v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Approve(caller, request->id()), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::DeclineRequest(
    Ctx* ctx, const v1::DeclineRequestRequest* request, v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Decline(caller, request->id(), request->reason()), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::RetryRequest(Ctx* ctx,
                                                         const v1::RetryRequestRequest* request,
                                                         v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Retry(caller, request->id()), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::CancelRequest(Ctx* ctx,
                                                          const v1::CancelRequestRequest* request,
                                                          v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.workflow.Cancel(caller, request->id()), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::DeleteRequest(Ctx* ctx,
                                                          const v1::DeleteRequestRequest* request,
                                                          v1::DeleteRequestResponse*) {
  return Serve(ctx, [this, request](const auth::Caller& caller) {
    return logic_.workflow.Delete(caller, request->id());
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ListRequestHistory(
    Ctx* ctx, const v1::ListRequestHistoryRequest* request,
    v1::ListRequestHistoryResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<std::vector<Transition>> history =
        logic_.workflow.History(caller, request->id());
    if (!history.ok()) return history.status();
    for (const Transition& t : *history) ToProto(t, response->add_transitions());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ListTrackedTitles(
    Ctx* ctx, const v1::ListTrackedTitlesRequest*, v1::ListTrackedTitlesResponse* response) {
  return Serve(ctx, [this, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<std::vector<TitleKey>> titles = logic_.presence.Tracked(caller);
    if (!titles.ok()) return titles.status();
    for (const TitleKey& key : *titles) {
      v1::TrackedTitle* out = response->add_titles();
      out->set_media_type(key.media_type);
      out->set_tmdb_id(key.tmdb_id);
      out->set_imdb_id(key.imdb_id);
      out->set_tvdb_id(key.tvdb_id);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ReportLibraryPresence(
    Ctx* ctx, const v1::ReportLibraryPresenceRequest* request,
    v1::ReportLibraryPresenceResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) -> absl::Status {
    std::vector<PlexPresence> titles;
    for (const v1::TitlePresence& p : request->titles()) titles.push_back(FromProto(p));
    absl::StatusOr<int> changed = logic_.presence.Report(caller, titles, request->complete());
    if (!changed.ok()) return changed.status();
    response->set_requests_changed(*changed);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ReportRequestProgress(
    Ctx* ctx, const v1::ReportRequestProgressRequest* request, v1::MediaRequest* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    std::optional<RequestProgress> progress;
    if (request->has_progress()) progress = FromProto(request->progress());
    return Answer(logic_.workflow.ReportProgress(caller, request->request_id(), request->status(),
                                                 progress, request->reason()),
                  response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::ListTitleMappings(
    Ctx* ctx, const v1::ListTitleMappingsRequest* request,
    v1::ListTitleMappingsResponse* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<std::vector<TitleMapping>> mappings =
        logic_.mappings.List(caller, request->query(), request->media_type(), request->page(),
                             request->page_size());
    if (!mappings.ok()) return mappings.status();
    for (const TitleMapping& m : *mappings) ToProto(m, response->add_mappings());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::CreateTitleMapping(
    Ctx* ctx, const v1::CreateTitleMappingRequest* request, v1::TitleMapping* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    return Answer(logic_.mappings.Put(caller, {.media_type = request->media_type(),
                                               .tmdb_id = request->tmdb_id(),
                                               .title_fr = request->title_fr(),
                                               .title_en = request->title_en(),
                                               .original_title = request->original_title(),
                                               .year = request->year()}),
                  response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::UpdateTitleMapping(
    Ctx* ctx, const v1::UpdateTitleMappingRequest* request, v1::TitleMapping* response) {
  return Serve(ctx, [this, request, response](const auth::Caller& caller) {
    MappingPatch patch;
    if (request->has_title_fr()) patch.title_fr = request->title_fr();
    if (request->has_title_en()) patch.title_en = request->title_en();
    if (request->has_original_title()) patch.original_title = request->original_title();
    if (request->has_year()) patch.year = request->year();
    return Answer(logic_.mappings.Update(caller, request->id(), patch), response);
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::DeleteTitleMapping(
    Ctx* ctx, const v1::DeleteTitleMappingRequest* request, v1::DeleteTitleMappingResponse*) {
  return Serve(ctx, [this, request](const auth::Caller& caller) {
    return logic_.mappings.Delete(caller, request->id());
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::GetTitle(Ctx* ctx, const v1::GetTitleRequest* request,
                                                     v1::TitleDetails* response) {
  return Serve(ctx, [this, ctx, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<TitleInfo> title =
        logic_.titles.Title(caller, request->media_type(), request->tmdb_id(),
                            request->language(), server::RequestId(*ctx));
    if (!title.ok()) return title.status();
    ToProto(*title, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* MediaServiceImpl::GetSeason(Ctx* ctx,
                                                      const v1::GetSeasonRequest* request,
                                                      v1::SeasonDetails* response) {
  return Serve(ctx, [this, ctx, request, response](const auth::Caller& caller) -> absl::Status {
    absl::StatusOr<SeasonInfo> season =
        logic_.titles.Season(caller, request->tmdb_id(), request->season_number(),
                             request->language(), server::RequestId(*ctx));
    if (!season.ok()) return season.status();
    ToProto(*season, response);
    return absl::OkStatus();
  });
}

}  // namespace kiosk::media
