#include "services/downloads/releases/pg_release_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/with_connection.h"
#include "services/downloads/chain_jobs.h"

namespace kiosk::downloads::releases {
namespace {

constexpr char kBlocklistColumns[] =
    "id, request_id, title, info_hash, indexer, reason, extract(epoch FROM created_at)::float8";
const std::string kListBlocklistSql =
    absl::StrCat("SELECT ", kBlocklistColumns,
                 " FROM downloads.release_blocklist WHERE ($1 = 0 OR request_id = $1) "
                 "ORDER BY id DESC");
const std::string kFindBlockedSql = absl::StrCat(
    "SELECT ", kBlocklistColumns,
    " FROM downloads.release_blocklist WHERE request_id = $1 AND "
    "(($2 <> '' AND info_hash = $2) OR lower(title) = lower($3)) ORDER BY id LIMIT 1");
const std::string kInsertBlockedSql = absl::StrCat(
    "INSERT INTO downloads.release_blocklist (request_id, title, info_hash, indexer, reason) "
    "VALUES ($1, $2, lower($3), $4, $5) RETURNING ",
    kBlocklistColumns);
constexpr char kDeleteBlockedSql[] = "DELETE FROM downloads.release_blocklist WHERE id = $1";
constexpr char kSetGrabbedSql[] =
    "UPDATE downloads.downloads SET release_title = $2, indexer = $3, auto_grabbed = $4, "
    "updated_at = now() WHERE id = $1";
constexpr char kMarkSearchedSql[] =
    "UPDATE downloads.downloads SET release_searched_at = now(), stage_message = $2, "
    "updated_at = now() WHERE id = $1 AND state = 'awaiting_release'";
constexpr char kDueSearchesSql[] =
    "SELECT id FROM downloads.downloads WHERE state = 'awaiting_release' AND "
    "(release_searched_at IS NULL OR release_searched_at < now() - make_interval(secs => $1)) "
    "ORDER BY id";

BlocklistEntry Read(const pqxx::row& row) {
  return {.id = row[0].as<int64_t>(),
          .request_id = row[1].as<int64_t>(),
          .title = row[2].as<std::string>(),
          .info_hash = row[3].as<std::string>(),
          .indexer = row[4].as<std::string>(),
          .reason = row[5].as<std::string>(),
          .created_at = absl::FromUnixMicros(static_cast<int64_t>(row[6].as<double>() * 1e6))};
}

}  // namespace

absl::StatusOr<std::vector<BlocklistEntry>> PgReleaseStore::ListBlocklist(int64_t request_id) {
  return db::WithConnection(pool_, "listing the blocklist", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<BlocklistEntry> out;
    for (const pqxx::row& row : tx.exec_params(kListBlocklistSql, request_id)) {
      out.push_back(Read(row));
    }
    return out;
  });
}

absl::StatusOr<std::vector<BlockedRelease>> PgReleaseStore::BlockedFor(int64_t request_id) {
  if (request_id <= 0) return std::vector<BlockedRelease>{};
  absl::StatusOr<std::vector<BlocklistEntry>> entries = ListBlocklist(request_id);
  if (!entries.ok()) return entries.status();
  std::vector<BlockedRelease> out;
  for (const BlocklistEntry& e : *entries) {
    out.push_back({.info_hash = e.info_hash, .title = e.title, .reason = e.reason});
  }
  return out;
}

absl::StatusOr<BlocklistEntry> PgReleaseStore::Block(const BlocklistEntry& e) {
  return db::WithConnection(pool_, "blocklisting a release",
                            [&](pqxx::connection& conn) -> absl::StatusOr<BlocklistEntry> {
                              pqxx::work tx(conn);
                              pqxx::result found =
                                  tx.exec_params(kFindBlockedSql, e.request_id, e.info_hash, e.title);
                              if (!found.empty()) return Read(found[0]);
                              BlocklistEntry out = Read(tx.exec_params1(
                                  kInsertBlockedSql, e.request_id, e.title, e.info_hash, e.indexer,
                                  e.reason));
                              tx.commit();
                              return out;
                            });
}

absl::Status PgReleaseStore::Unblock(int64_t id) {
  return db::WithConnection(pool_, "removing a blocklist entry",
                            [&](pqxx::connection& conn) -> absl::Status {
                              pqxx::work tx(conn);
                              if (tx.exec_params(kDeleteBlockedSql, id).affected_rows() == 0) {
                                return absl::NotFoundError(
                                    absl::StrCat("blocklist entry ", id, " does not exist"));
                              }
                              tx.commit();
                              return absl::OkStatus();
                            });
}

absl::Status PgReleaseStore::SetGrabbedRelease(int64_t download_id, const std::string& title,
                                               const std::string& indexer, bool auto_grabbed) {
  return db::WithConnection(pool_, "recording the grabbed release", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kSetGrabbedSql, download_id, title, indexer, auto_grabbed);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgReleaseStore::MarkSearched(int64_t download_id, const std::string& stage_message) {
  return db::WithConnection(pool_, "recording a release search", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kMarkSearchedSql, download_id, stage_message);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<int> PgReleaseStore::EnqueueDueSearches(absl::Duration every) {
  return db::WithConnection(
      pool_, "enqueueing due release searches", [&](pqxx::connection& conn) -> absl::StatusOr<int> {
        pqxx::work tx(conn);
        int enqueued = 0;
        for (const pqxx::row& row : tx.exec_params(kDueSearchesSql, absl::ToDoubleSeconds(every))) {
          const int64_t id = row[0].as<int64_t>();
          jobs::EnqueueOptions options;
          options.dedupe_key = absl::StrCat(kReleaseSearchJob, ":", id);
          options.max_attempts = 3;
          absl::StatusOr<std::optional<int64_t>> job =
              queue_.Enqueue(tx, kReleaseSearchJob, DownloadPayload(id), options);
          if (!job.ok()) return job.status();
          if (job->has_value()) ++enqueued;
        }
        tx.commit();
        return enqueued;
      });
}

}  // namespace kiosk::downloads::releases
