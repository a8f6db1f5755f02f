#include "services/plex/plex_service.h"

namespace kiosk::plex {
namespace {

using server::kPasswordChangeRequired;

TitleKey FromProto(const v1::MediaKey& key) {
  return {.media_type = key.media_type(),
          .tmdb_id = key.tmdb_id(),
          .imdb_id = key.imdb_id(),
          .tvdb_id = key.tvdb_id()};
}

void ToProto(const TitleKey& key, v1::MediaKey* out) {
  out->set_media_type(key.media_type);
  out->set_tmdb_id(key.tmdb_id);
  out->set_imdb_id(key.imdb_id);
  out->set_tvdb_id(key.tvdb_id);
}

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  out->set_seconds(micros / 1000000);
  out->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
}

// A film or show as a match; `key` is the key asked for (or the item's own
// ids when null).
void ToProto(const LibraryItem& item, const std::map<int, std::vector<int>>& episodes,
             const std::string& local_file, v1::LibraryMatch* out) {
  out->set_found(true);
  out->set_rating_key(item.rating_key);
  out->set_section_id(item.section_id);
  out->set_title(item.title);
  out->set_year(item.year);
  for (const auto& [season, numbers] : episodes) {
    v1::LibrarySeason* s = out->add_seasons();
    s->set_season_number(season);
    for (int e : numbers) s->add_episode_numbers(e);
  }
  out->set_file_path(local_file);
}

absl::Status AdminOrService(const auth::Caller& caller) {
  if (caller.is_service()) return absl::OkStatus();
  return auth::RequireAdmin(caller);
}

}  // namespace

grpc::ServerUnaryReactor* PlexServiceImpl::LookupMedia(grpc::CallbackServerContext* ctx,
                                                       const v1::LookupMediaRequest* request,
                                                       v1::LookupMediaResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        // Any signed-in caller (users, admins, services).
        std::vector<TitleKey> keys;
        for (const v1::MediaKey& key : request->keys()) keys.push_back(FromProto(key));
        absl::StatusOr<std::vector<LookupResult>> results = library_.Lookup(keys);
        if (!results.ok()) return results.status();
        // Where files live on the server is for admins and services only.
        const bool show_files = caller.is_admin() || caller.is_service();
        for (const LookupResult& result : *results) {
          v1::LibraryMatch* match = response->add_matches();
          ToProto(result.key, match->mutable_key());
          if (result.match) {
            ToProto(result.match->item, result.match->episodes,
                    show_files ? result.local_file : "", match);
          }
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::RefreshPath(grpc::CallbackServerContext* ctx,
                                                       const v1::RefreshPathRequest* request,
                                                       v1::RefreshPathResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status allowed = AdminOrService(caller); !allowed.ok()) return allowed;
        std::optional<TitleKey> expect;
        if (request->has_expect()) expect = FromProto(request->expect());
        absl::StatusOr<RefreshResult> result = library_.RefreshPath(request->path(), expect);
        if (!result.ok()) return result.status();
        response->set_section_id(result->section_id);
        response->set_plex_path(result->plex_path);
        response->set_confirmed(result->confirmed);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::SearchLibrary(grpc::CallbackServerContext* ctx,
                                                         const v1::SearchLibraryRequest* request,
                                                         v1::SearchLibraryResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, request, response](const auth::Caller&) -> absl::Status {
        // Any signed-in caller (users, admins, services).
        absl::StatusOr<std::vector<LibraryItem>> items =
            library_.Search(request->query(), request->media_type(), request->page_size());
        if (!items.ok()) return items.status();
        for (const LibraryItem& item : *items) {
          v1::LibraryMatch* match = response->add_matches();
          ToProto(TitleKey{.media_type = item.type == "show" ? "tv" : "movie",
                           .tmdb_id = item.ids.tmdb_id,
                           .imdb_id = item.ids.imdb_id,
                           .tvdb_id = item.ids.tvdb_id},
                  match->mutable_key());
          ToProto(item, {}, "", match);
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::ListSections(grpc::CallbackServerContext* ctx,
                                                        const v1::ListSectionsRequest*,
                                                        v1::ListSectionsResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status allowed = AdminOrService(caller); !allowed.ok()) return allowed;
        absl::StatusOr<std::vector<SectionView>> sections = library_.ListSections();
        if (!sections.ok()) return sections.status();
        for (const SectionView& view : *sections) {
          v1::LibrarySection* out = response->add_sections();
          out->set_section_id(view.row.section.id);
          out->set_title(view.row.section.title);
          out->set_type(view.row.section.type);
          for (const std::string& l : view.row.section.locations) out->add_plex_locations(l);
          for (const std::string& l : view.local_locations) out->add_local_locations(l);
          out->set_item_count(view.row.item_count);
          if (view.row.last_synced_at) {
            SetTime(*view.row.last_synced_at, out->mutable_last_synced_at());
          }
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::SyncLibrary(grpc::CallbackServerContext* ctx,
                                                       const v1::SyncLibraryRequest* request,
                                                       common::v1::Job* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status admin = auth::RequireAdmin(caller); !admin.ok()) return admin;
        absl::StatusOr<jobs::Job> job = library_.StartSync(request->full());
        if (!job.ok()) return job.status();
        server::JobToProto(*job, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::GetSyncStatus(grpc::CallbackServerContext* ctx,
                                                         const v1::GetSyncStatusRequest*,
                                                         v1::SyncStatus* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status admin = auth::RequireAdmin(caller); !admin.ok()) return admin;
        absl::StatusOr<SyncStatusView> status = library_.Status();
        if (!status.ok()) return status.status();
        for (const SyncState& state : status->runs) {
          v1::SyncRun* run = response->add_runs();
          run->set_kind(state.kind);
          SetTime(state.finished_at, run->mutable_finished_at());
          run->set_items_seen(state.items_seen);
          run->set_duration_ms(state.duration_ms);
        }
        for (const auto& [type, count] : status->item_counts) {
          (*response->mutable_item_counts())[type] = count;
        }
        for (const jobs::Job& job : status->active_jobs) {
          server::JobToProto(job, response->add_active_jobs());
        }
        if (status->last_failure) {
          server::JobToProto(*status->last_failure, response->mutable_last_failed_job());
        }
        response->set_configured(status->configured);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* PlexServiceImpl::TestConnection(grpc::CallbackServerContext* ctx,
                                                          const v1::TestConnectionRequest* request,
                                                          v1::TestConnectionResponse* response) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, kPasswordChangeRequired,
      [this, request, response](const auth::Caller& caller) -> absl::Status {
        if (absl::Status admin = auth::RequireAdmin(caller); !admin.ok()) return admin;
        absl::StatusOr<ConnectionCheck> check =
            library_.TestConnection(request->url(), request->token());
        if (!check.ok()) return check.status();
        response->set_version(check->identity.version);
        response->set_machine_identifier(check->identity.machine_identifier);
        response->set_section_count(check->section_count);
        return absl::OkStatus();
      });
}

}  // namespace kiosk::plex
