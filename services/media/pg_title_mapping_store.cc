#include "services/media/pg_title_mapping_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/with_connection.h"
#include "services/media/request_store.h"  // TitleKeyString

namespace kiosk::media {
namespace {

#define KIOSK_MAPPING_COLUMNS                                                                  \
  "id, media_type, tmdb_id, coalesce(title_fr, ''), coalesce(title_en, ''), "                  \
  "coalesce(original_title, ''), coalesce(year, 0), source, "                                  \
  "(extract(epoch FROM created_at) * 1000000)::bigint, "                                       \
  "(extract(epoch FROM updated_at) * 1000000)::bigint"

// A TMDB refresh keeps titles it does not know and never touches a manual row.
constexpr char kRememberSql[] = R"sql(
INSERT INTO media.title_mappings (media_type, tmdb_id, title_fr, title_en, original_title, year,
                                  source)
VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), nullif($6, 0), 'tmdb')
ON CONFLICT (media_type, tmdb_id) DO UPDATE SET
  title_fr = coalesce(EXCLUDED.title_fr, media.title_mappings.title_fr),
  title_en = coalesce(EXCLUDED.title_en, media.title_mappings.title_en),
  original_title = coalesce(EXCLUDED.original_title, media.title_mappings.original_title),
  year = coalesce(EXCLUDED.year, media.title_mappings.year),
  updated_at = now()
WHERE media.title_mappings.source = 'tmdb'
  AND (media.title_mappings.title_fr, media.title_mappings.title_en,
       media.title_mappings.original_title, media.title_mappings.year)
      IS DISTINCT FROM (coalesce(EXCLUDED.title_fr, media.title_mappings.title_fr),
                        coalesce(EXCLUDED.title_en, media.title_mappings.title_en),
                        coalesce(EXCLUDED.original_title, media.title_mappings.original_title),
                        coalesce(EXCLUDED.year, media.title_mappings.year)))sql";

// Case and French accents folded on both sides, so "amelie" finds "Amélie".
#define KIOSK_FOLD(x) "translate(lower(" x "), 'àâäáéèêëîïíôöóùûüúçÿœ', 'aaaaeeeeiiiooouuuucyo')"

// $1 is the pattern '%query%' with LIKE's wildcards escaped.
constexpr char kSearchSql[] = "SELECT " KIOSK_MAPPING_COLUMNS R"sql(
FROM media.title_mappings
WHERE ($2 = '' OR media_type = $2)
  AND ()sql" KIOSK_FOLD("title_fr") " LIKE " KIOSK_FOLD("$1") " OR " KIOSK_FOLD("title_en")
    " LIKE " KIOSK_FOLD("$1") " OR " KIOSK_FOLD("original_title") " LIKE " KIOSK_FOLD("$1") R"sql()
ORDER BY (source = 'manual') DESC, updated_at DESC, id DESC
LIMIT $3 OFFSET $4)sql";

constexpr char kForTitlesSql[] = "SELECT " KIOSK_MAPPING_COLUMNS
                                 " FROM media.title_mappings"
                                 " WHERE (media_type || ':' || tmdb_id) = ANY($1::text[])";

constexpr char kPutManualSql[] = R"sql(
INSERT INTO media.title_mappings (media_type, tmdb_id, title_fr, title_en, original_title, year,
                                  source)
VALUES ($1, $2, nullif($3, ''), nullif($4, ''), nullif($5, ''), nullif($6, 0), 'manual')
ON CONFLICT (media_type, tmdb_id) DO UPDATE SET
  title_fr = EXCLUDED.title_fr, title_en = EXCLUDED.title_en,
  original_title = EXCLUDED.original_title, year = EXCLUDED.year, source = 'manual',
  updated_at = now()
RETURNING id)sql";

constexpr char kUpdateSql[] = R"sql(
UPDATE media.title_mappings SET
  title_fr = CASE WHEN $2 THEN nullif($3, '') ELSE title_fr END,
  title_en = CASE WHEN $4 THEN nullif($5, '') ELSE title_en END,
  original_title = CASE WHEN $6 THEN nullif($7, '') ELSE original_title END,
  year = CASE WHEN $8 THEN nullif($9, 0) ELSE year END,
  source = 'manual', updated_at = now()
WHERE id = $1)sql";

constexpr char kGetSql[] = "SELECT " KIOSK_MAPPING_COLUMNS " FROM media.title_mappings WHERE id = $1";
constexpr char kDeleteSql[] = "DELETE FROM media.title_mappings WHERE id = $1";

TitleMapping RowToMapping(const pqxx::row& row) {
  return {.id = row[0].as<int64_t>(),
          .media_type = row[1].as<std::string>(),
          .tmdb_id = row[2].as<int>(),
          .title_fr = row[3].as<std::string>(),
          .title_en = row[4].as<std::string>(),
          .original_title = row[5].as<std::string>(),
          .year = row[6].as<int>(),
          .source = row[7].as<std::string>(),
          .created_at = absl::FromUnixMicros(row[8].as<int64_t>()),
          .updated_at = absl::FromUnixMicros(row[9].as<int64_t>())};
}

std::string LikePattern(const std::string& query) {
  std::string escaped;
  for (char c : query) {
    if (c == '%' || c == '_' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return absl::StrCat("%", escaped, "%");
}

}  // namespace

absl::Status PgTitleMappingStore::RememberFromTmdb(const std::vector<TitleMapping>& mappings) {
  if (mappings.empty()) return absl::OkStatus();
  return db::WithConnection(pool_, "remembering title mappings", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    for (const TitleMapping& m : mappings) {
      tx.exec_params(kRememberSql, m.media_type, m.tmdb_id, m.title_fr, m.title_en,
                     m.original_title, m.year >= 1870 && m.year <= 2200 ? m.year : 0);
    }
    tx.commit();
  });
}

absl::StatusOr<std::vector<TitleMapping>> PgTitleMappingStore::Search(
    const std::string& query, const std::string& media_type, int limit, int offset) {
  return db::WithConnection(pool_, "searching title mappings", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<TitleMapping> out;
    for (const pqxx::row& row :
         tx.exec_params(kSearchSql, LikePattern(query), media_type, limit, offset)) {
      out.push_back(RowToMapping(row));
    }
    return out;
  });
}

absl::StatusOr<std::map<std::string, TitleMapping>> PgTitleMappingStore::ForTitles(
    const std::vector<TitleKey>& keys) {
  std::vector<std::string> names;
  for (const TitleKey& key : keys) names.push_back(TitleKeyString(key.media_type, key.tmdb_id));
  std::string array = absl::StrCat("{", absl::StrJoin(names, ","), "}");
  return db::WithConnection(pool_, "reading title mappings", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, TitleMapping> out;
    for (const pqxx::row& row : tx.exec_params(kForTitlesSql, array)) {
      TitleMapping m = RowToMapping(row);
      out[TitleKeyString(m.media_type, m.tmdb_id)] = std::move(m);
    }
    return out;
  });
}

absl::StatusOr<TitleMapping> PgTitleMappingStore::PutManual(const TitleMapping& m) {
  return db::WithConnection(pool_, "saving a title mapping", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    int64_t id = tx.exec_params1(kPutManualSql, m.media_type, m.tmdb_id, m.title_fr, m.title_en,
                                 m.original_title, m.year)[0]
                     .as<int64_t>();
    TitleMapping saved = RowToMapping(tx.exec_params1(kGetSql, id));
    tx.commit();
    return saved;
  });
}

absl::StatusOr<TitleMapping> PgTitleMappingStore::Update(int64_t id, const MappingPatch& p) {
  return db::WithConnection(
      pool_, "changing a title mapping",
      [&](pqxx::connection& conn) -> absl::StatusOr<TitleMapping> {
        pqxx::work tx(conn);
        pqxx::result done =
            tx.exec_params(kUpdateSql, id, p.title_fr.has_value(), p.title_fr.value_or(""),
                           p.title_en.has_value(), p.title_en.value_or(""),
                           p.original_title.has_value(), p.original_title.value_or(""),
                           p.year.has_value(), p.year.value_or(0));
        if (done.affected_rows() == 0) {
          return absl::NotFoundError(absl::StrCat("no title mapping ", id));
        }
        TitleMapping saved = RowToMapping(tx.exec_params1(kGetSql, id));
        tx.commit();
        return saved;
      });
}

absl::Status PgTitleMappingStore::Delete(int64_t id) {
  return db::WithConnection(pool_, "deleting a title mapping",
                            [&](pqxx::connection& conn) -> absl::Status {
                              pqxx::work tx(conn);
                              if (tx.exec_params(kDeleteSql, id).affected_rows() == 0) {
                                return absl::NotFoundError(absl::StrCat("no title mapping ", id));
                              }
                              tx.commit();
                              return absl::OkStatus();
                            });
}

}  // namespace kiosk::media
