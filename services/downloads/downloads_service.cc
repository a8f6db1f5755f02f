#include "services/downloads/downloads_service.h"

#include "absl/strings/str_cat.h"
#include "common/server/authenticated.h"
#include "common/server/page_token.h"
#include "common/status_macros.h"

namespace kiosk::downloads {
namespace {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

void SetTime(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

void ToProto(const Download& d, v1::Download* out) {
  out->set_id(d.id);
  out->set_request_id(d.request_id);
  out->set_state(d.state);
  out->set_torrent_hash(d.torrent_hash);
  out->set_name(d.name);
  out->set_source(d.source);
  out->set_progress(d.progress);
  out->set_size_bytes(d.size_bytes);
  out->set_downloaded_bytes(d.downloaded_bytes);
  out->set_download_speed(d.download_speed);
  out->set_eta_seconds(d.eta_seconds);
  out->set_client_state(d.client_state);
  out->set_error(d.error);
  SetTime(d.created_at, out->mutable_created_at());
  SetTime(d.updated_at, out->mutable_updated_at());
  if (d.completed_at) SetTime(*d.completed_at, out->mutable_completed_at());
  out->set_stage_message(d.stage_message);
  out->set_ratio(d.ratio);
  out->set_library_path(d.library_path);
  if (d.stalled_since) SetTime(*d.stalled_since, out->mutable_stalled_since());
  if (d.imported_at) SetTime(*d.imported_at, out->mutable_imported_at());
  out->set_attempts(d.attempts);
  out->set_release_title(d.release_title);
  out->set_indexer(d.indexer);
  out->set_auto_grabbed(d.auto_grabbed);
}

absl::Status ToProto(const absl::StatusOr<Download>& d, v1::Download* out) {
  if (!d.ok()) return d.status();
  ToProto(*d, out);
  return absl::OkStatus();
}

void ToProto(const RenameSettings& r, v1::RenameSettings* out) {
  out->set_media_type(r.media_type);
  out->set_folder_format(r.folder_format);
  out->set_season_folder_format(r.season_folder_format);
  out->set_file_format(r.file_format);
  out->set_illegal_char_mode(r.illegal_char_mode);
  out->set_colon_mode(r.colon_mode);
  out->set_transfer_mode(r.transfer_mode);
  out->set_library_root(r.library_root);
  out->set_enabled(r.enabled);
  out->set_on_existing(r.on_existing);
  SetTime(r.updated_at, out->mutable_updated_at());
}

absl::Status ToProto(const absl::StatusOr<RenameSettings>& r, v1::RenameSettings* out) {
  if (!r.ok()) return r.status();
  ToProto(*r, out);
  return absl::OkStatus();
}

void ToProto(const TransferRecord& t, v1::Transfer* out) {
  out->set_id(t.id);
  out->set_download_id(t.download_id);
  out->set_source_path(t.source_path);
  out->set_destination_path(t.destination_path);
  out->set_kind(t.kind);
  out->set_mode_requested(t.mode_requested);
  out->set_mode(t.mode);
  out->set_fell_back(t.fell_back);
  out->set_size_bytes(t.size_bytes);
  out->set_status(t.status);
  out->set_error(t.error);
  out->set_duration_ms(t.duration_ms);
  SetTime(t.started_at, out->mutable_started_at());
  if (t.finished_at) SetTime(*t.finished_at, out->mutable_finished_at());
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be between 1 and ", kMaxPageSize, " (0 = ", kDefaultPageSize, ")"));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

// Admins and services read every download; a user those of his requests.
bool SeesEveryDownload(const auth::Caller& caller) {
  return caller.is_admin() || caller.is_service();
}

template <typename T>
std::optional<std::string> Opt(bool has, const T& value) {
  return has ? std::optional<std::string>(value) : std::nullopt;
}

}  // namespace

grpc::ServerUnaryReactor* DownloadsServiceImpl::Serve(grpc::CallbackServerContext* ctx, Who who,
                                                      std::function<absl::Status()> work) {
  return server::ServeAuthenticated(
      ctx, executor_, authenticator_, server::kPasswordChangeRequired,
      [who, work = std::move(work)](const auth::Caller& caller) -> absl::Status {
        switch (who) {
          case Who::kService:
            RETURN_IF_ERROR(auth::RequireService(caller));
            break;
          case Who::kAdmin:
            RETURN_IF_ERROR(auth::RequireAdmin(caller));
            break;
          case Who::kAdminOrService:
            if (!caller.is_service()) RETURN_IF_ERROR(auth::RequireAdmin(caller));
            break;
        }
        return work();
      });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::ServeAnyone(
    grpc::CallbackServerContext* ctx, std::function<absl::Status(const auth::Caller&)> work) {
  return server::ServeAuthenticated(ctx, executor_, authenticator_, server::kPasswordChangeRequired,
                                    std::move(work));
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::SubmitRequest(
    grpc::CallbackServerContext* ctx, const v1::SubmitRequestRequest* request,
    v1::Download* response) {
  return Serve(ctx, Who::kService, [=, this] {
    return ToProto(chain_.Submit(request->request_id(), request->release(), request->user_id()),
                   response);
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::AttachRelease(
    grpc::CallbackServerContext* ctx, const v1::AttachReleaseRequest* request,
    v1::Download* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(Download d, chain_.AttachRelease(request->request_id(), request->release()));
    if (release_search_ != nullptr &&
        (!request->release_title().empty() || request->indexer_id() > 0)) {
      RETURN_IF_ERROR(release_search_->RecordManualGrab(d.id, request->release_title(),
                                                        request->indexer_id()));
      return ToProto(store_.Get(d.id), response);
    }
    ToProto(d, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::GetDownload(grpc::CallbackServerContext* ctx,
                                                            const v1::GetDownloadRequest* request,
                                                            v1::Download* response) {
  return ServeAnyone(ctx, [=, this](const auth::Caller& caller) -> absl::Status {
    if (request->id() <= 0) return absl::InvalidArgumentError("id must be a positive download id");
    ASSIGN_OR_RETURN(Download d, store_.Get(request->id()));
    // Another user's download does not exist for him.
    if (!SeesEveryDownload(caller) && d.user_id != caller.user_id) {
      return absl::NotFoundError(absl::StrCat("download ", request->id(), " does not exist"));
    }
    ToProto(d, response);
    if (!SeesEveryDownload(caller)) response->set_source(SourceShownToRequester(d.source));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::ListDownloads(
    grpc::CallbackServerContext* ctx, const v1::ListDownloadsRequest* request,
    v1::ListDownloadsResponse* response) {
  return ServeAnyone(ctx, [=, this](const auth::Caller& caller) -> absl::Status {
    if (!request->state().empty() && !IsDownloadState(request->state())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "state '", request->state(),
          "' is not one of awaiting_release, queued, downloading, stalled, paused, completed, "
          "importing, imported, failed, removed"));
    }
    ASSIGN_OR_RETURN(int size, PageSize(request->page_size()));
    ASSIGN_OR_RETURN(int64_t before,
                     server::DecodePageToken('d', request->page_token(), 1, INT64_MAX));
    ASSIGN_OR_RETURN(std::vector<Download> page,
                     store_.List(request->state(), request->request_id(), size + 1, before,
                                 SeesEveryDownload(caller) ? 0 : caller.user_id));
    for (size_t i = 0; i < page.size() && i < static_cast<size_t>(size); ++i) {
      v1::Download* out = response->add_downloads();
      ToProto(page[i], out);
      if (!SeesEveryDownload(caller)) out->set_source(SourceShownToRequester(page[i].source));
    }
    if (page.size() > static_cast<size_t>(size)) {
      response->set_next_page_token(server::EncodePageToken('d', page[size - 1].id));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::RetryDownload(
    grpc::CallbackServerContext* ctx, const v1::RetryDownloadRequest* request,
    v1::Download* response) {
  return Serve(ctx, Who::kAdmin, [=, this] {
    return ToProto(chain_.Retry(request->id(), request->release()), response);
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::ListRenameSettings(
    grpc::CallbackServerContext* ctx, const v1::ListRenameSettingsRequest*,
    v1::ListRenameSettingsResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<RenameSettings> all, rename_.List());
    for (const RenameSettings& r : all) ToProto(r, response->add_settings());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::GetRenameSettings(
    grpc::CallbackServerContext* ctx, const v1::GetRenameSettingsRequest* request,
    v1::RenameSettings* response) {
  return Serve(ctx, Who::kAdmin,
               [=, this] { return ToProto(rename_.Get(request->media_type()), response); });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::UpdateRenameSettings(
    grpc::CallbackServerContext* ctx, const v1::UpdateRenameSettingsRequest* request,
    v1::RenameSettings* response) {
  return Serve(ctx, Who::kAdmin, [=, this] {
    const auto& r = *request;
    RenameSettingsPatch patch{
        .folder_format = Opt(r.has_folder_format(), r.folder_format()),
        .season_folder_format = Opt(r.has_season_folder_format(), r.season_folder_format()),
        .file_format = Opt(r.has_file_format(), r.file_format()),
        .illegal_char_mode = Opt(r.has_illegal_char_mode(), r.illegal_char_mode()),
        .colon_mode = Opt(r.has_colon_mode(), r.colon_mode()),
        .transfer_mode = Opt(r.has_transfer_mode(), r.transfer_mode()),
        .library_root = Opt(r.has_library_root(), r.library_root()),
        .on_existing = Opt(r.has_on_existing(), r.on_existing()),
        .enabled = r.has_enabled() ? std::optional<bool>(r.enabled()) : std::nullopt};
    return ToProto(rename_.Update(r.media_type(), patch), response);
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::PreviewRename(
    grpc::CallbackServerContext* ctx, const v1::PreviewRenameRequest* request,
    v1::PreviewRenameResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    const auto& r = *request;
    ASSIGN_OR_RETURN(PreviewResult result,
                     rename_.Preview({.media_type = r.media_type(),
                                      .folder_format = r.folder_format(),
                                      .season_folder_format = r.season_folder_format(),
                                      .file_format = r.file_format(),
                                      .colon_mode = r.colon_mode(),
                                      .illegal_char_mode = r.illegal_char_mode(),
                                      .release_name = r.release_name(),
                                      .extension = r.extension()}));
    response->set_relative_path(result.relative_path);
    response->set_library_root(result.library_root);
    response->set_parsed_title(result.parsed_title);
    response->set_parsed_year(result.parsed_year);
    response->set_parsed_quality(result.parsed_quality);
    response->set_parsed_group(result.parsed_group);
    for (const std::string& language : result.parsed_languages) {
      response->add_parsed_languages(language);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DownloadsServiceImpl::ListTransfers(
    grpc::CallbackServerContext* ctx, const v1::ListTransfersRequest* request,
    v1::ListTransfersResponse* response) {
  return Serve(ctx, Who::kAdmin, [=, this]() -> absl::Status {
    if (request->download_id() < 0) {
      return absl::InvalidArgumentError("download_id must be a positive id (0 = all)");
    }
    ASSIGN_OR_RETURN(int size, PageSize(request->page_size()));
    ASSIGN_OR_RETURN(int64_t before,
                     server::DecodePageToken('t', request->page_token(), 1, INT64_MAX));
    ASSIGN_OR_RETURN(std::vector<TransferRecord> page,
                     store_.ListTransfers(request->download_id(), size + 1, before));
    for (size_t i = 0; i < page.size() && i < static_cast<size_t>(size); ++i) {
      ToProto(page[i], response->add_transfers());
    }
    if (page.size() > static_cast<size_t>(size)) {
      response->set_next_page_token(server::EncodePageToken('t', page[size - 1].id));
    }
    return absl::OkStatus();
  });
}

}  // namespace kiosk::downloads
