#include "services/downloads/indexers/pg_indexer_store.h"

#include <pqxx/pqxx>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/with_connection.h"

namespace kiosk::downloads::indexers {
namespace {

#define KIOSK_EPOCH(column) "extract(epoch FROM " column ")::float8"

// Categories travel as "2000,5040" (libpqxx 6 has no array parameters).
constexpr char kColumns[] =
    "id, name, url, api_key, array_to_string(categories, ','), enabled, priority, "
    "rate_limit_per_minute, last_status, last_error, " KIOSK_EPOCH("last_checked_at") ", " KIOSK_EPOCH(
        "backoff_until") ", failures, caps::text, caps_summary, " KIOSK_EPOCH("created_at") ", " KIOSK_EPOCH("updated_at");

const std::string kListSql = absl::StrCat("SELECT ", kColumns,
                                          " FROM downloads.indexers WHERE (NOT $1 OR enabled) "
                                          "ORDER BY priority, id");
const std::string kGetSql = absl::StrCat("SELECT ", kColumns, " FROM downloads.indexers WHERE id = $1");
const std::string kInsertSql = absl::StrCat(
    "INSERT INTO downloads.indexers (name, url, api_key, categories, enabled, priority, "
    "rate_limit_per_minute, caps, caps_summary, last_status, last_checked_at) "
    "VALUES ($1, $2, $3, string_to_array($4, ',')::integer[], $5, $6, $7, $8::jsonb, $9, "
    "CASE WHEN $10 THEN 'ok' ELSE '' END, CASE WHEN $10 THEN now() END) RETURNING ",
    kColumns);
const std::string kUpdateSql = absl::StrCat(
    "UPDATE downloads.indexers SET name = coalesce($2, name), url = coalesce($3, url), "
    "api_key = CASE WHEN coalesce($4, '') = '' THEN api_key ELSE $4 END, "
    "categories = CASE WHEN $5::text IS NULL THEN categories "
    "                  ELSE string_to_array($5, ',')::integer[] END, "
    "enabled = coalesce($6, enabled), priority = coalesce($7, priority), "
    "rate_limit_per_minute = coalesce($8, rate_limit_per_minute), "
    "caps = coalesce($9::jsonb, caps), caps_summary = coalesce($10, caps_summary), "
    "last_status = CASE WHEN $9::jsonb IS NULL THEN last_status ELSE 'ok' END, "
    "last_error = CASE WHEN $9::jsonb IS NULL THEN last_error ELSE '' END, "
    "last_checked_at = CASE WHEN $9::jsonb IS NULL THEN last_checked_at ELSE now() END, "
    "failures = CASE WHEN $9::jsonb IS NULL THEN failures ELSE 0 END, "
    "backoff_until = CASE WHEN $9::jsonb IS NULL THEN backoff_until END, "
    "updated_at = now() WHERE id = $1 RETURNING ",
    kColumns);
constexpr char kDeleteSql[] = "DELETE FROM downloads.indexers WHERE id = $1";
constexpr char kSuccessSql[] =
    "UPDATE downloads.indexers SET last_status = 'ok', last_error = '', last_checked_at = now(), "
    "failures = 0, backoff_until = NULL, caps = coalesce($2::jsonb, caps), "
    "caps_summary = coalesce($3, caps_summary) WHERE id = $1";
constexpr char kFailureSql[] =
    "UPDATE downloads.indexers SET last_status = 'error', last_error = $2, "
    "last_checked_at = now(), failures = failures + 1, "
    "backoff_until = to_timestamp($3::float8) WHERE id = $1 RETURNING failures";

std::optional<absl::Time> OptionalEpoch(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return absl::FromUnixMicros(static_cast<int64_t>(field.as<double>() * 1e6));
}

std::vector<int> SplitCategories(const std::string& text) {
  std::vector<int> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int id = 0;
    if (absl::SimpleAtoi(part, &id)) out.push_back(id);
  }
  return out;
}

Indexer Read(const pqxx::row& row) {
  Indexer i;
  i.id = row[0].as<int64_t>();
  i.name = row[1].as<std::string>();
  i.url = row[2].as<std::string>();
  i.api_key = row[3].as<std::string>();
  i.categories = SplitCategories(row[4].is_null() ? "" : row[4].as<std::string>());
  i.enabled = row[5].as<bool>();
  i.priority = row[6].as<int>();
  i.rate_limit_per_minute = row[7].as<int>();
  i.last_status = row[8].as<std::string>();
  i.last_error = row[9].as<std::string>();
  i.last_checked_at = OptionalEpoch(row[10]);
  i.backoff_until = OptionalEpoch(row[11]);
  i.failures = row[12].as<int>();
  i.caps = TorznabCaps::FromJson(row[13].as<std::string>());
  i.caps_summary = row[14].as<std::string>();
  i.created_at = OptionalEpoch(row[15]).value_or(absl::UnixEpoch());
  i.updated_at = OptionalEpoch(row[16]).value_or(absl::UnixEpoch());
  return i;
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("indexer ", id, " does not exist"));
}

absl::Status NameTaken(const std::string& name) {
  return absl::AlreadyExistsError(
      absl::StrCat("an indexer named \"", name, "\" exists already; choose another name"));
}

}  // namespace

absl::StatusOr<std::vector<Indexer>> PgIndexerStore::List(bool enabled_only) {
  return db::WithConnection(pool_, "listing indexers", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Indexer> out;
    for (const pqxx::row& row : tx.exec_params(kListSql, enabled_only)) out.push_back(Read(row));
    return out;
  });
}

absl::StatusOr<Indexer> PgIndexerStore::Get(int64_t id) {
  return db::WithConnection(pool_, "reading an indexer",
                            [&](pqxx::connection& conn) -> absl::StatusOr<Indexer> {
                              pqxx::read_transaction tx(conn);
                              pqxx::result rows = tx.exec_params(kGetSql, id);
                              if (rows.empty()) return NotFound(id);
                              return Read(rows[0]);
                            });
}

absl::StatusOr<Indexer> PgIndexerStore::Create(const Indexer& i) {
  absl::StatusOr<Indexer> created = db::WithConnection(
      pool_, "saving an indexer", [&](pqxx::connection& conn) -> absl::StatusOr<Indexer> {
        pqxx::work tx(conn);
        const bool probed = !i.caps_summary.empty();
        Indexer out = Read(tx.exec_params1(kInsertSql, i.name, i.url, i.api_key,
                                           absl::StrJoin(i.categories, ","), i.enabled, i.priority,
                                           i.rate_limit_per_minute, i.caps.ToJson(),
                                           i.caps_summary, probed));
        tx.commit();
        return out;
      });
  if (absl::IsAlreadyExists(created.status())) return NameTaken(i.name);
  return created;
}

absl::StatusOr<Indexer> PgIndexerStore::Update(int64_t id, const IndexerPatch& p,
                                               const std::optional<TorznabCaps>& caps) {
  std::optional<std::string> categories;
  if (p.categories) categories = absl::StrJoin(*p.categories, ",");
  std::optional<std::string> caps_json, caps_summary;
  if (caps) {
    caps_json = caps->ToJson();
    caps_summary = caps->Summary();
  }
  absl::StatusOr<Indexer> updated = db::WithConnection(
      pool_, "changing an indexer", [&](pqxx::connection& conn) -> absl::StatusOr<Indexer> {
        pqxx::work tx(conn);
        pqxx::result rows =
            tx.exec_params(kUpdateSql, id, p.name, p.url, p.api_key, categories, p.enabled,
                           p.priority, p.rate_limit_per_minute, caps_json, caps_summary);
        if (rows.empty()) return NotFound(id);
        Indexer out = Read(rows[0]);
        tx.commit();
        return out;
      });
  if (absl::IsAlreadyExists(updated.status())) return NameTaken(p.name.value_or(""));
  return updated;
}

absl::Status PgIndexerStore::Delete(int64_t id) {
  return db::WithConnection(pool_, "deleting an indexer", [&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    pqxx::result deleted = tx.exec_params(kDeleteSql, id);
    if (deleted.affected_rows() == 0) return NotFound(id);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgIndexerStore::RecordSuccess(int64_t id, const std::optional<TorznabCaps>& caps) {
  std::optional<std::string> caps_json, caps_summary;
  if (caps) {
    caps_json = caps->ToJson();
    caps_summary = caps->Summary();
  }
  return db::WithConnection(pool_, "recording an indexer call", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kSuccessSql, id, caps_json, caps_summary);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<int> PgIndexerStore::RecordFailure(int64_t id, const std::string& error,
                                                  std::optional<absl::Time> backoff_until) {
  std::optional<double> until;
  if (backoff_until) until = absl::ToDoubleSeconds(*backoff_until - absl::UnixEpoch());
  return db::WithConnection(pool_, "recording an indexer failure",
                            [&](pqxx::connection& conn) -> absl::StatusOr<int> {
                              pqxx::work tx(conn);
                              pqxx::result rows = tx.exec_params(kFailureSql, id, error, until);
                              if (rows.empty()) return NotFound(id);
                              tx.commit();
                              return rows[0][0].as<int>();
                            });
}

}  // namespace kiosk::downloads::indexers
