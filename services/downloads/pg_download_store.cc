#include "services/downloads/pg_download_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/with_connection.h"
#include "common/status_macros.h"
#include "common/webhooks/events.h"
#include "common/webhooks/outbox.h"
#include "services/downloads/chain_jobs.h"

namespace kiosk::downloads {
namespace {

#define KIOSK_EPOCH(column) "extract(epoch FROM " column ")::float8"

constexpr char kDownloadColumns[] =
    "id, request_id, state, coalesce(torrent_hash, ''), name, coalesce(source, ''), "
    "coalesce(save_path, ''), coalesce(content_path, ''), progress, size_bytes, downloaded_bytes, "
    "download_speed, coalesce(eta_seconds, 0), coalesce(client_state, ''), coalesce(error, ''), "
    "coalesce(stage_message, ''), coalesce(reported_status, ''), ratio, seeding_seconds, "
    "coalesce(library_path, ''), attempts, " KIOSK_EPOCH("created_at") ", " KIOSK_EPOCH(
        "updated_at") ", " KIOSK_EPOCH("completed_at") ", " KIOSK_EPOCH("last_progress_at") ", " KIOSK_EPOCH("stalled_since") ", " KIOSK_EPOCH("plex_refreshed_at") ", " KIOSK_EPOCH("imported_at") ", " KIOSK_EPOCH("client_removed_at") ", coalesce(user_id, 0), release_title, indexer, auto_grabbed";

const std::string kSubmitSql =
    "INSERT INTO downloads.downloads (request_id, state, source, user_id) "
    "VALUES ($1, CASE WHEN $2::text IS NULL THEN 'awaiting_release' ELSE 'queued' END, $2, "
    "nullif($3::bigint, 0)) "
    "ON CONFLICT (request_id) DO NOTHING RETURNING id";
const std::string kFindByRequestSql =
    absl::StrCat("SELECT ", kDownloadColumns, " FROM downloads.downloads WHERE request_id = $1");
const std::string kGetSql =
    absl::StrCat("SELECT ", kDownloadColumns, " FROM downloads.downloads WHERE id = $1");
const std::string kListSql = absl::StrCat(
    "SELECT ", kDownloadColumns,
    " FROM downloads.downloads WHERE ($1 = '' OR state = $1) AND ($2 = 0 OR request_id = $2) "
    "AND ($3 = 0 OR id < $3) AND ($5 = 0 OR user_id = $5) ORDER BY id DESC LIMIT $4");
const std::string kAttachReleaseSql = absl::StrCat(
    "UPDATE downloads.downloads SET source = $2, state = 'queued', stage_message = NULL, "
    "updated_at = now() WHERE request_id = $1 AND state = 'awaiting_release' RETURNING ",
    kDownloadColumns);
// A new release forgets the old torrent; the same one keeps its hash so the
// add finds it in qBittorrent.
const std::string kRetrySql = absl::StrCat(
    "UPDATE downloads.downloads SET state = 'queued', error = NULL, stage_message = NULL, "
    "attempts = attempts + 1, stalled_since = NULL, last_progress_at = NULL, "
    "source = coalesce($2, source), "
    "torrent_hash = CASE WHEN $2::text IS NULL THEN torrent_hash ELSE NULL END, "
    "client_removed_at = NULL, updated_at = now() "
    "WHERE id = $1 AND state IN ('failed', 'removed') AND coalesce($2, source) IS NOT NULL "
    "RETURNING ",
    kDownloadColumns);
constexpr char kSetTorrentAddedSql[] =
    "UPDATE downloads.downloads SET torrent_hash = $2, name = CASE WHEN name = '' THEN $3 ELSE "
    "name END, last_progress_at = now(), updated_at = now() WHERE id = $1 AND state = 'queued'";
constexpr char kFailSql[] =
    "UPDATE downloads.downloads SET state = 'failed', error = $2, stage_message = $2, "
    "download_speed = 0, updated_at = now() "
    "WHERE id = $1 AND state NOT IN ('failed', 'imported', 'removed') RETURNING request_id, name";
const std::string kActiveSql = absl::StrCat(
    "SELECT ", kDownloadColumns,
    " FROM downloads.downloads WHERE state IN ('queued', 'downloading', 'stalled', 'paused', "
    "'completed') AND torrent_hash IS NOT NULL ORDER BY id");
constexpr char kApplyProgressSql[] =
    "UPDATE downloads.downloads SET state = $2, name = CASE WHEN $3 = '' THEN name ELSE $3 END, "
    "client_state = $4, progress = $5, size_bytes = $6, downloaded_bytes = $7, "
    "download_speed = $8, eta_seconds = $9, ratio = $10, seeding_seconds = $11, "
    "save_path = nullif($12, ''), content_path = nullif($13, ''), stage_message = nullif($14, ''), "
    "error = nullif($15, ''), "
    "last_progress_at = CASE WHEN $16 OR last_progress_at IS NULL THEN now() ELSE "
    "last_progress_at END, "
    "stalled_since = CASE WHEN $2 = 'stalled' THEN coalesce(stalled_since, last_progress_at, now()) "
    "ELSE NULL END, "
    "completed_at = CASE WHEN $2 = 'completed' THEN coalesce(completed_at, now()) ELSE "
    "completed_at END, updated_at = now() "
    "WHERE id = $1 AND state IN ('queued', 'downloading', 'stalled', 'paused', 'completed') "
    "RETURNING request_id";
constexpr char kLockStateSql[] =
    "SELECT state FROM downloads.downloads WHERE id = $1 FOR UPDATE";
constexpr char kSetReportedSql[] =
    "UPDATE downloads.downloads SET reported_status = $2 WHERE id = $1";
constexpr char kBeginImportSql[] =
    "UPDATE downloads.downloads SET state = 'importing', stage_message = 'importing the files', "
    "updated_at = now() WHERE id = $1 AND state IN ('completed', 'importing') RETURNING id";
constexpr char kTransferColumns[] =
    "id, download_id, source_path, destination_path, kind, mode_requested, mode, fell_back, "
    "size_bytes, status, coalesce(error, ''), coalesce(duration_ms, 0), " KIOSK_EPOCH(
        "started_at") ", " KIOSK_EPOCH("finished_at");
const std::string kStartTransferSql = absl::StrCat(
    "INSERT INTO downloads.transfer_history (download_id, source_path, destination_path, kind, "
    "mode_requested, mode, size_bytes, status) VALUES ($1, $2, $3, $4, $5, $6, $7, 'running') "
    "ON CONFLICT (download_id, source_path) DO UPDATE SET "
    "destination_path = CASE WHEN transfer_history.status = 'succeeded' "
    "THEN transfer_history.destination_path ELSE EXCLUDED.destination_path END, "
    "status = CASE WHEN transfer_history.status = 'succeeded' THEN 'succeeded' ELSE 'running' END, "
    "error = CASE WHEN transfer_history.status = 'succeeded' THEN transfer_history.error ELSE NULL END "
    "RETURNING ",
    kTransferColumns);
constexpr char kFinishTransferSql[] =
    "UPDATE downloads.transfer_history SET status = 'succeeded', destination_path = $2, mode = $3, "
    "fell_back = $4, bytes_done = $5, size_bytes = $5, duration_ms = $6, error = NULL, "
    "finished_at = now() WHERE id = $1 AND status <> 'succeeded' RETURNING id";
constexpr char kFailTransferSql[] =
    "UPDATE downloads.transfer_history SET status = 'failed', error = $2, finished_at = now() "
    "WHERE id = $1 AND status <> 'succeeded'";
constexpr char kSetImportProgressSql[] =
    "UPDATE downloads.downloads SET stage_message = $2, library_path = coalesce(nullif($3, ''), "
    "library_path), updated_at = now() WHERE id = $1";
constexpr char kMarkPlexRefreshedSql[] =
    "UPDATE downloads.downloads SET plex_refreshed_at = coalesce(plex_refreshed_at, now()) "
    "WHERE id = $1";
constexpr char kMarkImportedSql[] =
    "UPDATE downloads.downloads SET state = 'imported', imported_at = now(), stage_message = NULL, "
    "error = NULL, updated_at = now() WHERE id = $1 AND state = 'importing'";
const std::string kImportedInClientSql = absl::StrCat(
    "SELECT ", kDownloadColumns,
    " FROM downloads.downloads WHERE state = 'imported' AND client_removed_at IS NULL "
    "AND torrent_hash IS NOT NULL ORDER BY id");
constexpr char kUsedHardlinksSql[] =
    "SELECT EXISTS (SELECT 1 FROM downloads.transfer_history WHERE download_id = $1 "
    "AND status = 'succeeded' AND mode = 'hardlink')";
constexpr char kMarkClientRemovedSql[] =
    "UPDATE downloads.downloads SET client_removed_at = now(), updated_at = now() WHERE id = $1";
constexpr char kPruneTransfersSql[] =
    "DELETE FROM downloads.transfer_history WHERE status IN ('succeeded', 'failed', "
    "'rolled_back') AND coalesce(finished_at, started_at) < now() - make_interval(days => $1)";
constexpr char kRenameColumns[] =
    "media_type, folder_format, coalesce(season_folder_format, ''), file_format, "
    "illegal_char_mode, colon_mode, transfer_mode, coalesce(library_root, ''), enabled, "
    "on_existing, " KIOSK_EPOCH("updated_at");
const std::string kListRenameSql =
    absl::StrCat("SELECT ", kRenameColumns, " FROM downloads.rename_settings ORDER BY media_type");
const std::string kGetRenameSql = absl::StrCat(
    "SELECT ", kRenameColumns, " FROM downloads.rename_settings WHERE media_type = $1");
// A media type without a row gets one with the defaults on its first change.
constexpr char kInsertDefaultRenameSql[] =
    "INSERT INTO downloads.rename_settings (media_type, folder_format, season_folder_format, "
    "file_format, illegal_char_mode, colon_mode, transfer_mode) "
    "VALUES ($1, $2, nullif($3, ''), $4, $5, $6, $7) ON CONFLICT (media_type) DO NOTHING";
// A library_root of '' clears it.
const std::string kUpdateRenameSql = absl::StrCat(
    "UPDATE downloads.rename_settings SET folder_format = coalesce($2, folder_format), "
    "season_folder_format = CASE WHEN $3::text IS NULL THEN season_folder_format "
    "ELSE nullif($3, '') END, file_format = coalesce($4, file_format), "
    "illegal_char_mode = coalesce($5, illegal_char_mode), colon_mode = coalesce($6, colon_mode), "
    "transfer_mode = coalesce($7, transfer_mode), "
    "library_root = CASE WHEN $8::text IS NULL THEN library_root ELSE nullif($8, '') END, "
    "enabled = coalesce($9, enabled), on_existing = coalesce($10, on_existing), "
    "updated_at = now() WHERE media_type = $1 RETURNING ",
    kRenameColumns);
const std::string kListTransfersSql = absl::StrCat(
    "SELECT ", kTransferColumns,
    " FROM downloads.transfer_history WHERE ($1 = 0 OR download_id = $1) AND ($2 = 0 OR id < $2) "
    "ORDER BY id DESC LIMIT $3");

std::optional<absl::Time> OptionalEpoch(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return absl::FromUnixMicros(static_cast<int64_t>(field.as<double>() * 1e6));
}
absl::Time Epoch(const pqxx::field& field) { return OptionalEpoch(field).value_or(absl::UnixEpoch()); }

Download ReadDownload(const pqxx::row& row) {
  Download d;
  d.id = row[0].as<int64_t>();
  d.request_id = row[1].as<int64_t>();
  d.state = row[2].as<std::string>();
  d.torrent_hash = row[3].as<std::string>();
  d.name = row[4].as<std::string>();
  d.source = row[5].as<std::string>();
  d.save_path = row[6].as<std::string>();
  d.content_path = row[7].as<std::string>();
  d.progress = row[8].as<double>();
  d.size_bytes = row[9].as<int64_t>();
  d.downloaded_bytes = row[10].as<int64_t>();
  d.download_speed = row[11].as<int64_t>();
  d.eta_seconds = row[12].as<int64_t>();
  d.client_state = row[13].as<std::string>();
  d.error = row[14].as<std::string>();
  d.stage_message = row[15].as<std::string>();
  d.reported_status = row[16].as<std::string>();
  d.ratio = row[17].as<double>();
  d.seeding_seconds = row[18].as<int64_t>();
  d.library_path = row[19].as<std::string>();
  d.attempts = row[20].as<int>();
  d.created_at = Epoch(row[21]);
  d.updated_at = Epoch(row[22]);
  d.completed_at = OptionalEpoch(row[23]);
  d.last_progress_at = OptionalEpoch(row[24]);
  d.stalled_since = OptionalEpoch(row[25]);
  d.plex_refreshed_at = OptionalEpoch(row[26]);
  d.imported_at = OptionalEpoch(row[27]);
  d.client_removed_at = OptionalEpoch(row[28]);
  d.user_id = row[29].as<int64_t>();
  d.release_title = row[30].as<std::string>();
  d.indexer = row[31].as<std::string>();
  d.auto_grabbed = row[32].as<bool>();
  return d;
}

TransferRecord ReadTransfer(const pqxx::row& row) {
  TransferRecord t;
  t.id = row[0].as<int64_t>();
  t.download_id = row[1].as<int64_t>();
  t.source_path = row[2].as<std::string>();
  t.destination_path = row[3].as<std::string>();
  t.kind = row[4].as<std::string>();
  t.mode_requested = row[5].as<std::string>();
  t.mode = row[6].as<std::string>();
  t.fell_back = row[7].as<bool>();
  t.size_bytes = row[8].as<int64_t>();
  t.status = row[9].as<std::string>();
  t.error = row[10].as<std::string>();
  t.duration_ms = row[11].as<int64_t>();
  t.started_at = Epoch(row[12]);
  t.finished_at = OptionalEpoch(row[13]);
  return t;
}

RenameSettings ReadRename(const pqxx::row& row) {
  RenameSettings r;
  r.media_type = row[0].as<std::string>();
  r.folder_format = row[1].as<std::string>();
  r.season_folder_format = row[2].as<std::string>();
  r.file_format = row[3].as<std::string>();
  r.illegal_char_mode = row[4].as<std::string>();
  r.colon_mode = row[5].as<std::string>();
  r.transfer_mode = row[6].as<std::string>();
  r.library_root = row[7].as<std::string>();
  r.enabled = row[8].as<bool>();
  r.on_existing = row[9].as<std::string>();
  r.updated_at = Epoch(row[10]);
  return r;
}

std::optional<std::string> NullIfEmpty(const std::string& text) {
  return text.empty() ? std::nullopt : std::optional<std::string>(text);
}

absl::Status Enqueue(const jobs::JobQueue& queue, pqxx::transaction_base& tx, const std::string& kind,
                     const std::string& payload, const std::string& dedupe_key,
                     absl::Duration delay = absl::ZeroDuration()) {
  jobs::EnqueueOptions options;
  options.dedupe_key = dedupe_key;
  options.max_attempts = 8;
  if (delay > absl::ZeroDuration()) options.run_after = absl::Now() + delay;
  absl::StatusOr<std::optional<int64_t>> job = queue.Enqueue(tx, kind, payload, options);
  return job.status();
}

absl::Status EnqueueAdd(const jobs::JobQueue& queue, pqxx::transaction_base& tx, int64_t id) {
  return Enqueue(queue, tx, kAddTorrentJob, DownloadPayload(id), absl::StrCat("add_torrent:", id));
}

absl::Status DownloadNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("download ", id, " does not exist"));
}

}  // namespace

absl::StatusOr<Download> PgDownloadStore::Submit(int64_t request_id, const std::string& release,
                                                 int64_t user_id) {
  absl::StatusOr<Download> result =
      db::WithConnection(pool_, "taking the request in charge",
                         [&](pqxx::connection& conn) -> absl::StatusOr<Download> {
                           pqxx::work tx(conn);
                           pqxx::result inserted =
                               tx.exec_params(kSubmitSql, request_id, NullIfEmpty(release), user_id);
                           if (!inserted.empty() && !release.empty()) {
                             RETURN_IF_ERROR(EnqueueAdd(queue_, tx, inserted[0][0].as<int64_t>()));
                           }
                           if (!inserted.empty() && release.empty()) {  // auto-grab (issue 13)
                             const int64_t id = inserted[0][0].as<int64_t>();
                             RETURN_IF_ERROR(Enqueue(queue_, tx, kReleaseSearchJob,
                                                     DownloadPayload(id),
                                                     absl::StrCat(kReleaseSearchJob, ":", id)));
                           }
                           Download d = ReadDownload(tx.exec_params1(kFindByRequestSql, request_id));
                           tx.commit();
                           return d;
                         });
  if (absl::IsFailedPrecondition(result.status())) {
    return absl::FailedPreconditionError(
        absl::StrCat("request ", request_id, " does not exist in kiosk-media's table"));
  }
  return result;
}

absl::StatusOr<Download> PgDownloadStore::AttachRelease(int64_t request_id,
                                                        const std::string& release) {
  return db::WithConnection(
      pool_, "attaching a release", [&](pqxx::connection& conn) -> absl::StatusOr<Download> {
        pqxx::work tx(conn);
        pqxx::result updated = tx.exec_params(kAttachReleaseSql, request_id, release);
        if (updated.empty()) {
          pqxx::result existing = tx.exec_params(kFindByRequestSql, request_id);
          if (existing.empty()) {
            return absl::NotFoundError(absl::StrCat(
                "request ", request_id,
                " has no download: it must be approved first (kiosk-media submits it)"));
          }
          return absl::FailedPreconditionError(absl::StrCat(
              "the download of request ", request_id, " already has a release (state ",
              existing[0][2].as<std::string>(), "); use RetryDownload to replace a failed one"));
        }
        Download d = ReadDownload(updated[0]);
        RETURN_IF_ERROR(EnqueueAdd(queue_, tx, d.id));
        tx.commit();
        return d;
      });
}

absl::StatusOr<Download> PgDownloadStore::Retry(int64_t id, const std::string& release) {
  return db::WithConnection(
      pool_, "retrying a download", [&](pqxx::connection& conn) -> absl::StatusOr<Download> {
        pqxx::work tx(conn);
        pqxx::result updated = tx.exec_params(kRetrySql, id, NullIfEmpty(release));
        if (updated.empty()) {
          pqxx::result existing = tx.exec_params(kGetSql, id);
          if (existing.empty()) return DownloadNotFound(id);
          Download d = ReadDownload(existing[0]);
          if (d.state == kAwaitingRelease) {
            return absl::FailedPreconditionError(absl::StrCat(
                "download ", id, " awaits a release: attach one with AttachRelease"));
          }
          return absl::FailedPreconditionError(absl::StrCat(
              "download ", id, " is ", d.state, "; only failed or removed downloads can be retried"));
        }
        Download d = ReadDownload(updated[0]);
        RETURN_IF_ERROR(EnqueueAdd(queue_, tx, d.id));
        tx.commit();
        return d;
      });
}

absl::StatusOr<Download> PgDownloadStore::Get(int64_t id) {
  return db::WithConnection(pool_, "reading a download",
                            [&](pqxx::connection& conn) -> absl::StatusOr<Download> {
                              pqxx::read_transaction tx(conn);
                              pqxx::result rows = tx.exec_params(kGetSql, id);
                              if (rows.empty()) return DownloadNotFound(id);
                              return ReadDownload(rows[0]);
                            });
}

absl::StatusOr<std::vector<Download>> PgDownloadStore::List(const std::string& state,
                                                            int64_t request_id, int limit,
                                                            int64_t before_id, int64_t user_id) {
  return db::WithConnection(pool_, "listing downloads", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Download> out;
    for (const pqxx::row& row : tx.exec_params(kListSql, state, request_id, before_id, limit, user_id)) {
      out.push_back(ReadDownload(row));
    }
    return out;
  });
}

absl::Status PgDownloadStore::SetTorrentAdded(int64_t id, const std::string& hash,
                                              const std::string& name) {
  return db::WithConnection(pool_, "recording the torrent", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    pqxx::result updated = tx.exec_params(kSetTorrentAddedSql, id, hash, name);
    if (updated.affected_rows() > 0) {
      RETURN_IF_ERROR(Enqueue(queue_, tx, kMonitorJob, "{}", kMonitorKeyA));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgDownloadStore::Fail(int64_t id, const std::string& reason) {
  return db::WithConnection(pool_, "marking a download failed", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    pqxx::result failed = tx.exec_params(kFailSql, id, reason);
    if (!failed.empty()) {
      RETURN_IF_ERROR(Enqueue(queue_, tx, kReleaseFailedJob, DownloadPayload(id),
                              absl::StrCat(kReleaseFailedJob, ":", id)));
      RETURN_IF_ERROR(webhooks::EmitEvent(queue_, tx, webhooks::kDownloadFailed,
                                          {{"download_id", id},
                                           {"request_id", failed[0][0].as<int64_t>()},
                                           {"name", failed[0][1].as<std::string>()},
                                           {"reason", reason}}));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Download>> PgDownloadStore::Active() {
  return db::WithConnection(pool_, "listing active downloads", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Download> out;
    for (const pqxx::row& row : tx.exec(kActiveSql)) out.push_back(ReadDownload(row));
    return out;
  });
}

absl::Status PgDownloadStore::ApplyProgress(int64_t id, const DownloadProgress& p) {
  return ApplyProgress({{id, p}});
}

absl::Status PgDownloadStore::ApplyProgress(
    const std::vector<std::pair<int64_t, DownloadProgress>>& batch) {
  return db::WithConnection(pool_, "recording download progress", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    for (const auto& [id, p] : batch) {
      // The old state, read under the row lock the UPDATE takes next.
      pqxx::result before =
          tx.exec_params(kLockStateSql, id);
      if (before.empty()) continue;
      const std::string old_state = before[0][0].as<std::string>();
      pqxx::result updated = tx.exec_params(
          kApplyProgressSql, id, p.state, p.name, p.client_state, p.progress, p.size_bytes,
          p.downloaded_bytes, p.download_speed, p.eta_seconds, p.ratio, p.seeding_seconds,
          p.save_path, p.content_path, p.stage_message, p.error, p.progressed);
      if (updated.empty()) continue;  // no longer monitored
      const int64_t request_id = updated[0][0].as<int64_t>();
      if (p.state == kCompleted && old_state != kCompleted) {
        RETURN_IF_ERROR(Enqueue(queue_, tx, kImportJob, DownloadPayload(id),
                                absl::StrCat("import:", id)));
      }
      if (p.state == kFailed && old_state != kFailed) {
        RETURN_IF_ERROR(Enqueue(queue_, tx, kReleaseFailedJob, DownloadPayload(id),
                                absl::StrCat(kReleaseFailedJob, ":", id)));
        RETURN_IF_ERROR(webhooks::EmitEvent(
            queue_, tx, webhooks::kDownloadFailed,
            {{"download_id", id}, {"request_id", request_id}, {"name", p.name}, {"reason", p.error}}));
      }
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgDownloadStore::SetReportedStatus(int64_t id, const std::string& status) {
  return db::WithConnection(pool_, "recording the reported status", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kSetReportedSql, id, status);
    tx.commit();
  });
}

absl::Status PgDownloadStore::EnqueueMonitor(const std::string& dedupe_key, absl::Duration delay) {
  return db::WithConnection(pool_, "scheduling the monitor", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    RETURN_IF_ERROR(Enqueue(queue_, tx, kMonitorJob, "{}", dedupe_key, delay));
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<Download> PgDownloadStore::BeginImport(int64_t id) {
  return db::WithConnection(
      pool_, "starting an import", [&](pqxx::connection& conn) -> absl::StatusOr<Download> {
        pqxx::work tx(conn);
        pqxx::result updated = tx.exec_params(kBeginImportSql, id);
        pqxx::result rows = tx.exec_params(kGetSql, id);
        if (rows.empty()) return DownloadNotFound(id);
        Download d = ReadDownload(rows[0]);
        tx.commit();
        if (updated.empty()) {
          return absl::FailedPreconditionError(
              absl::StrCat("download ", id, " is ", d.state, ", not completed"));
        }
        return d;
      });
}

absl::StatusOr<TransferRecord> PgDownloadStore::StartTransfer(const TransferRecord& t) {
  return db::WithConnection(pool_, "recording a transfer", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    TransferRecord out = ReadTransfer(tx.exec_params1(kStartTransferSql, t.download_id, t.source_path,
                                                      t.destination_path, t.kind, t.mode_requested,
                                                      t.mode, t.size_bytes));
    tx.commit();
    return out;
  });
}

absl::Status PgDownloadStore::FinishTransfer(const TransferRecord& t, int64_t request_id) {
  return db::WithConnection(pool_, "recording a finished transfer", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    pqxx::result updated = tx.exec_params(kFinishTransferSql, t.id, t.destination_path, t.mode,
                                          t.fell_back, t.size_bytes, t.duration_ms);
    if (!updated.empty()) {
      RETURN_IF_ERROR(webhooks::EmitEvent(queue_, tx, webhooks::kTransferDone,
                                          {{"download_id", t.download_id},
                                           {"request_id", request_id},
                                           {"source", t.source_path},
                                           {"destination", t.destination_path},
                                           {"mode_requested", t.mode_requested},
                                           {"mode", t.mode},
                                           {"fell_back", t.fell_back},
                                           {"bytes", t.size_bytes},
                                           {"duration_ms", t.duration_ms}}));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgDownloadStore::FailTransfer(int64_t transfer_id, const std::string& error) {
  return db::WithConnection(pool_, "recording a failed transfer", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kFailTransferSql, transfer_id, error);
    tx.commit();
  });
}

absl::Status PgDownloadStore::SetImportProgress(int64_t id, const std::string& stage_message,
                                                const std::string& library_path) {
  return db::WithConnection(pool_, "recording import progress", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kSetImportProgressSql, id, stage_message, library_path);
    tx.commit();
  });
}

absl::Status PgDownloadStore::MarkPlexRefreshed(int64_t id) {
  return db::WithConnection(pool_, "recording the Plex refresh", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kMarkPlexRefreshedSql, id);
    tx.commit();
  });
}

absl::Status PgDownloadStore::MarkImported(int64_t id) {
  return db::WithConnection(pool_, "marking a download imported", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kMarkImportedSql, id);
    tx.commit();
  });
}

absl::StatusOr<std::vector<Download>> PgDownloadStore::ImportedStillInClient() {
  return db::WithConnection(pool_, "listing seeding downloads", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Download> out;
    for (const pqxx::row& row : tx.exec(kImportedInClientSql)) out.push_back(ReadDownload(row));
    return out;
  });
}

absl::StatusOr<bool> PgDownloadStore::UsedHardlinks(int64_t download_id) {
  return db::WithConnection(pool_, "reading transfer modes", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    return tx.exec_params1(kUsedHardlinksSql, download_id)[0].as<bool>();
  });
}

absl::Status PgDownloadStore::MarkClientRemoved(int64_t id) {
  return db::WithConnection(pool_, "recording a torrent removal", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kMarkClientRemovedSql, id);
    tx.commit();
  });
}

absl::StatusOr<int64_t> PgDownloadStore::PruneTransfers(int days) {
  return db::WithConnection(pool_, "pruning transfer history", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    int64_t deleted = tx.exec_params(kPruneTransfersSql, days).affected_rows();
    tx.commit();
    return deleted;
  });
}

absl::StatusOr<std::vector<RenameSettings>> PgDownloadStore::ListRenameSettings() {
  std::vector<RenameSettings> out;
  for (const char* media_type : {"movie", "tv"}) {
    absl::StatusOr<RenameSettings> one = GetRenameSettings(media_type);
    if (!one.ok()) return one.status();
    out.push_back(*std::move(one));
  }
  return out;
}

absl::StatusOr<RenameSettings> PgDownloadStore::GetRenameSettings(const std::string& media_type) {
  if (media_type != "movie" && media_type != "tv") {
    return absl::NotFoundError(
        absl::StrCat("no rename settings for '", media_type, "' (use movie or tv)"));
  }
  return db::WithConnection(
      pool_, "reading rename settings", [&](pqxx::connection& conn) -> absl::StatusOr<RenameSettings> {
        pqxx::read_transaction tx(conn);
        pqxx::result rows = tx.exec_params(kGetRenameSql, media_type);
        if (rows.empty()) return DefaultRenameSettings(media_type);
        return ReadRename(rows[0]);
      });
}

absl::StatusOr<RenameSettings> PgDownloadStore::UpdateRenameSettings(
    const std::string& media_type, const RenameSettingsPatch& p) {
  if (media_type != "movie" && media_type != "tv") {
    return absl::NotFoundError(
        absl::StrCat("no rename settings for '", media_type, "' (use movie or tv)"));
  }
  return db::WithConnection(
      pool_, "saving rename settings", [&](pqxx::connection& conn) -> absl::StatusOr<RenameSettings> {
        pqxx::work tx(conn);
        const RenameSettings d = DefaultRenameSettings(media_type);
        tx.exec_params(kInsertDefaultRenameSql, media_type, d.folder_format, d.season_folder_format,
                       d.file_format, d.illegal_char_mode, d.colon_mode, d.transfer_mode);
        RenameSettings out = ReadRename(tx.exec_params1(
            kUpdateRenameSql, media_type, p.folder_format, p.season_folder_format, p.file_format,
            p.illegal_char_mode, p.colon_mode, p.transfer_mode, p.library_root, p.enabled,
            p.on_existing));
        tx.commit();
        return out;
      });
}

absl::StatusOr<std::vector<TransferRecord>> PgDownloadStore::ListTransfers(int64_t download_id,
                                                                         int limit,
                                                                         int64_t before_id) {
  return db::WithConnection(pool_, "listing transfers", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<TransferRecord> out;
    for (const pqxx::row& row : tx.exec_params(kListTransfersSql, download_id, before_id, limit)) {
      out.push_back(ReadTransfer(row));
    }
    return out;
  });
}

}  // namespace kiosk::downloads
