#include "services/downloads/importer.h"

#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/log.h"
#include "common/status_macros.h"
#include "services/downloads/chain_jobs.h"
#include "services/downloads/naming/media_files.h"
#include "services/downloads/naming/naming_format.h"
#include "services/downloads/naming/release_name.h"
#include "services/downloads/transfer/transfer.h"

namespace kiosk::downloads {
namespace {

naming::ColonMode ParseColonMode(const std::string& mode) {
  if (mode == "delete") return naming::ColonMode::kDelete;
  if (mode == "dash") return naming::ColonMode::kDash;
  if (mode == "space_dash") return naming::ColonMode::kSpaceDash;
  if (mode == "space_dash_space") return naming::ColonMode::kSpaceDashSpace;
  return naming::ColonMode::kSmart;
}

transfer::OnExisting ParseOnExisting(const std::string& value) {
  if (value == "keep_both") return transfer::OnExisting::kKeepBoth;
  if (value == "replace_if_same") return transfer::OnExisting::kReplaceIfSame;
  return transfer::OnExisting::kFail;
}

// Errors of the files themselves or of the settings: retrying changes nothing.
bool IsFinal(const absl::Status& status) {
  return absl::IsInvalidArgument(status) || absl::IsFailedPrecondition(status) ||
         absl::IsAlreadyExists(status);
}

}  // namespace

void Importer::Register(jobs::JobRuntime& jobs) {
  jobs.Register(kImportJob, [this](const jobs::Job& job) { return Run(job); }, {.concurrency = 1});
}

absl::Status Importer::GiveUp(const Download& download, const std::string& reason) {
  log::Warn("import_failed").With("download_id", download.id).With("reason", reason);
  RETURN_IF_ERROR(store_.Fail(download.id, reason));
  ASSIGN_OR_RETURN(Download failed, store_.Get(download.id));
  chain_.Report(failed, kFailed, failed.progress, 0, 0, reason, reason);
  return absl::OkStatus();
}

absl::Status Importer::Run(const jobs::Job& job) {
  ASSIGN_OR_RETURN(int64_t id, DownloadIdOf(job));
  absl::StatusOr<Download> begun = store_.BeginImport(id);
  if (absl::IsFailedPrecondition(begun.status())) {
    log::Info("import_skipped").With("download_id", id).With("why", begun.status().message());
    return absl::OkStatus();  // imported already, failed, or retried meanwhile
  }
  if (!begun.ok()) return begun.status();
  Download d = *begun;
  auto waiting = [&](const absl::Status& status) -> absl::Status {
    // The last attempt: failed with the reason rather than "importing"
    // forever; RetryDownload starts it again once the cause is fixed.
    if (job.attempts >= job.max_attempts) return GiveUp(d, std::string(status.message()));
    const std::string message = absl::StrCat("import waiting: ", status.message());
    (void)store_.SetImportProgress(id, message, "");
    // Shown on the request as well (e.g. "no space left"), not only on the download.
    chain_.Report(d, kImporting, 1, 0, 0, message, "");
    return status;
  };
  chain_.Report(d, kImporting, 1, 0, 0, "importing the files", "");

  ASSIGN_OR_RETURN(server::SettingValues settings, settings_.Get(ChainSettingKeys()));
  absl::StatusOr<qbittorrent::QbittorrentClient*> client = clients_.For(settings);
  if (!client.ok()) return waiting(client.status());
  absl::StatusOr<std::vector<qbittorrent::TorrentFile>> files = (*client)->Files(d.torrent_hash);
  if (absl::IsNotFound(files.status())) {
    return GiveUp(d, "the torrent was removed from qBittorrent before its import");
  }
  if (!files.ok()) return waiting(files.status());
  absl::StatusOr<RequestInfo> request = media_.GetRequest(d.request_id);
  if (!request.ok()) return waiting(request.status());
  absl::StatusOr<RenameSettings> rename = store_.GetRenameSettings(request->media_type);
  if (!rename.ok()) return waiting(rename.status());
  std::string root = rename->library_root;
  if (root.empty()) {
    root = settings.String(request->media_type == "tv" ? "library.tv_path" : "library.movies_path");
  }
  if (root.empty()) {
    return waiting(absl::FailedPreconditionError(absl::StrCat(
        "no library folder for ", request->media_type,
        ": set the rename settings' library_root or the setting ",
        request->media_type == "tv" ? "library.tv_path" : "library.movies_path")));
  }
  // qBittorrent reports its own view of the folder: ours may differ.
  absl::StatusOr<PathMap> paths = QbittorrentPathMap(settings);
  if (!paths.ok()) return waiting(paths.status());
  const std::string save_path =
      !d.save_path.empty() ? paths->ToLocal(d.save_path) : settings.String("downloads.path");

  std::vector<naming::TorrentFile> torrent_files;
  for (const qbittorrent::TorrentFile& f : *files) {
    if (f.priority == 0) continue;  // not downloaded
    torrent_files.push_back({.path = f.name, .size = f.size});
  }
  absl::StatusOr<std::vector<naming::ImportFile>> selected = naming::SelectImportFiles(torrent_files);
  if (!selected.ok()) return GiveUp(d, std::string(selected.status().message()));
  bool has_video = false;
  for (const naming::ImportFile& f : *selected) has_video |= f.kind == "video";
  if (!has_video) return GiveUp(d, "the torrent holds no video file to import");

  naming::NamingContext context;
  context.title = request->title;
  context.title_fr = request->title_fr;
  context.title_en = request->title_en;
  context.original_title = request->original_title;
  if (request->year > 0) context.year = request->year;
  context.imdb_id = request->imdb_id;
  context.tmdb_id = request->tmdb_id;
  context.tvdb_id = request->tvdb_id;
  context.release = naming::ParseReleaseName(d.name);
  const naming::NamingOptions options{.colon = ParseColonMode(rename->colon_mode),
                                      .replace_illegal = rename->illegal_char_mode == "replace"};
  const naming::RenameFormats formats{.folder_format = rename->folder_format,
                                      .season_folder_format = rename->season_folder_format,
                                      .file_format = rename->file_format};
  absl::StatusOr<transfer::TransferMode> mode = transfer::ParseTransferMode(rename->transfer_mode);
  if (!mode.ok()) return GiveUp(d, std::string(mode.status().message()));

  std::string title_folder;
  std::map<int, std::set<int>> episodes_placed;  // series: what this import puts in
  int done = 0;
  for (const naming::ImportFile& file : *selected) {
    naming::NamingContext ctx = context;
    if (file.season) ctx.season = file.season;
    if (!file.episodes.empty()) ctx.episodes = file.episodes;
    if (request->media_type == "tv" && !ctx.season) ctx.season = context.release.season;
    if (request->media_type == "tv" && file.kind == "video" && ctx.season) {
      episodes_placed[*ctx.season].insert(ctx.episodes.begin(), ctx.episodes.end());
    }
    absl::StatusOr<std::string> relative;
    if (rename->enabled) {
      relative = naming::DestinationPath(formats, ctx, options, file.extension);
      // Subtitles sit next to the video with their language: "Title (1999).fr.srt".
      if (relative.ok() && file.kind == "subtitle" && !file.language.empty()) {
        relative = absl::StrCat(relative->substr(0, relative->size() - file.extension.size()), ".",
                                file.language, file.extension);
      }
    } else {  // the title folder only; the file keeps its name
      absl::StatusOr<std::string> folder = naming::RenderFormat(formats.folder_format, ctx, options);
      if (folder.ok()) {
        relative = absl::StrCat(*folder, "/",
                                std::filesystem::path(file.source).filename().string());
      } else {
        relative = folder.status();
      }
    }
    if (!relative.ok()) return GiveUp(d, std::string(relative.status().message()));
    const std::string top = std::string(*absl::StrSplit(*relative, '/').begin());
    if (title_folder.empty()) title_folder = top;

    transfer::TransferRequest req{.source = absl::StrCat(save_path, "/", file.source),
                                  .library_root = root,
                                  .relative_destination = *relative,
                                  .mode = *mode,
                                  .on_existing = ParseOnExisting(rename->on_existing)};
    absl::StatusOr<transfer::TransferPlan> plan = transfer::PlanTransfer(req);
    if (!plan.ok() && IsFinal(plan.status())) return GiveUp(d, std::string(plan.status().message()));
    if (!plan.ok()) return waiting(plan.status());
    int64_t size = 0;
    for (const naming::TorrentFile& f : torrent_files) {
      if (f.path == file.source) size = f.size;
    }
    ASSIGN_OR_RETURN(TransferRecord record,
                     store_.StartTransfer({.download_id = d.id,
                                           .source_path = req.source,
                                           .destination_path = plan->destination,
                                           .kind = file.kind,
                                           .mode_requested = rename->transfer_mode,
                                           .mode = transfer::TransferModeName(plan->mode),
                                           .size_bytes = size}));
    ++done;
    if (record.status == "succeeded") continue;  // done before a crash: exactly once
    (void)store_.SetImportProgress(
        d.id, absl::StrCat("transferring file ", done, " of ", selected->size(), " (",
                           transfer::TransferModeName(plan->mode),
                           plan->falls_back ? ", hardlink impossible across filesystems" : "", ")"),
        "");
    absl::StatusOr<transfer::TransferResult> result = transfer::Transfer(req, nullptr);
    if (!result.ok()) {
      RETURN_IF_ERROR(store_.FailTransfer(record.id, std::string(result.status().message())));
      if (IsFinal(result.status())) return GiveUp(d, std::string(result.status().message()));
      return waiting(result.status());
    }
    record.destination_path = result->destination;
    record.mode = transfer::TransferModeName(result->mode_used);
    record.fell_back = result->fell_back;
    record.size_bytes = result->bytes;
    record.duration_ms = absl::ToInt64Milliseconds(result->duration);
    RETURN_IF_ERROR(store_.FinishTransfer(record, d.request_id));
    log::Info("file_imported").With("download_id", d.id).With("destination", result->destination)
        .With("mode", record.mode).With("fell_back", result->fell_back)
        .With("already_done", result->already_done);
  }

  const std::string library_path = absl::StrCat(root, "/", title_folder);
  RETURN_IF_ERROR(store_.SetImportProgress(d.id, "asking Plex to rescan the folder", library_path));
  if (!d.plex_refreshed_at) {
    absl::Status refreshed = plex_.RefreshPath(library_path, *request);
    if (!refreshed.ok()) {
      log::Warn("plex_refresh_failed").With("download_id", d.id).With("error", refreshed.message());
      // Plex down: retry; the last attempt goes on (the next sync finds the file).
      if (absl::IsUnavailable(refreshed) && job.attempts < job.max_attempts) {
        return waiting(refreshed);
      }
    } else {
      RETURN_IF_ERROR(store_.MarkPlexRefreshed(d.id));
    }
  }
  RETURN_IF_ERROR(store_.MarkImported(d.id));
  ASSIGN_OR_RETURN(Download imported, store_.Get(d.id));
  std::vector<std::pair<int, std::vector<int>>> episodes;
  for (const auto& [season, numbers] : episodes_placed) {
    if (!numbers.empty()) episodes.push_back({season, {numbers.begin(), numbers.end()}});
  }
  chain_.Report(imported, kImported, 1, 0, 0, absl::StrCat("in the library: ", library_path), "",
                std::move(episodes));
  log::Info("download_imported").With("download_id", d.id).With("library_path", library_path);
  return absl::OkStatus();
}

}  // namespace kiosk::downloads
