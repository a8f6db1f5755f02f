#include "services/plex/pg_library_store.h"

#include <pqxx/pqxx>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/db/with_connection.h"

namespace kiosk::plex {
namespace {

constexpr char kItemColumns[] =
    "rating_key, section_id, item_type, title, original_title, COALESCE(year, 0), "
    "COALESCE(guid, ''), COALESCE(tmdb_id, 0), COALESCE(imdb_id, ''), COALESCE(tvdb_id, 0), "
    "COALESCE(parent_rating_key, ''), COALESCE(grandparent_rating_key, ''), "
    "COALESCE(season_number, -1), COALESCE(episode_number, -1), COALESCE(file_path, ''), "
    "COALESCE(extract(epoch FROM added_at)::bigint, 0), "
    "COALESCE(extract(epoch FROM plex_updated_at)::bigint, 0)";

// One statement per batch: the arrays are unnested server-side; a row is
// written only when something differs (an unchanged library writes nothing).
constexpr char kUpsertItemsSql[] =
    "INSERT INTO plex.plex_library_items AS i (rating_key, section_id, item_type, title,"
    "  original_title, year, guid, tmdb_id, imdb_id, tvdb_id, parent_rating_key,"
    "  grandparent_rating_key, season_number, episode_number, file_path, added_at,"
    "  plex_updated_at, last_seen_at) "
    "SELECT u.rating_key, u.section_id, u.item_type, u.title, u.original_title, u.year, u.guid,"
    "  u.tmdb_id, u.imdb_id, u.tvdb_id, u.parent, u.grandparent, u.season, u.episode, u.file,"
    "  to_timestamp(u.added), to_timestamp(u.updated), now() "
    "FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[],"
    "  $7::text[], $8::int[], $9::text[], $10::int[], $11::text[], $12::text[], $13::int[],"
    "  $14::int[], $15::text[], $16::bigint[], $17::bigint[]) AS u(rating_key, section_id,"
    "  item_type, title, original_title, year, guid, tmdb_id, imdb_id, tvdb_id, parent,"
    "  grandparent, season, episode, file, added, updated) "
    "ON CONFLICT (rating_key) DO UPDATE SET section_id = EXCLUDED.section_id,"
    "  item_type = EXCLUDED.item_type, title = EXCLUDED.title,"
    "  original_title = EXCLUDED.original_title, year = EXCLUDED.year, guid = EXCLUDED.guid,"
    "  tmdb_id = EXCLUDED.tmdb_id, imdb_id = EXCLUDED.imdb_id, tvdb_id = EXCLUDED.tvdb_id,"
    "  parent_rating_key = EXCLUDED.parent_rating_key,"
    "  grandparent_rating_key = EXCLUDED.grandparent_rating_key,"
    "  season_number = EXCLUDED.season_number, episode_number = EXCLUDED.episode_number,"
    "  file_path = EXCLUDED.file_path, added_at = EXCLUDED.added_at,"
    "  plex_updated_at = EXCLUDED.plex_updated_at, last_seen_at = now() "
    "WHERE (i.section_id, i.item_type, i.title, i.original_title, i.year, i.guid, i.tmdb_id,"
    "  i.imdb_id, i.tvdb_id, i.parent_rating_key, i.grandparent_rating_key, i.season_number,"
    "  i.episode_number, i.file_path, i.added_at, i.plex_updated_at) IS DISTINCT FROM"
    " (EXCLUDED.section_id, EXCLUDED.item_type, EXCLUDED.title, EXCLUDED.original_title,"
    "  EXCLUDED.year, EXCLUDED.guid, EXCLUDED.tmdb_id, EXCLUDED.imdb_id, EXCLUDED.tvdb_id,"
    "  EXCLUDED.parent_rating_key, EXCLUDED.grandparent_rating_key, EXCLUDED.season_number,"
    "  EXCLUDED.episode_number, EXCLUDED.file_path, EXCLUDED.added_at,"
    "  EXCLUDED.plex_updated_at)";
// Vanished items are found in C++ (a hash set of the keys seen against the
// keys stored): an anti-join in SQL against an unnested array is planned as a
// nested loop on a freshly filled table (no statistics yet), quadratic.
constexpr char kSectionKeysSql[] =
    "SELECT rating_key FROM plex.plex_library_items WHERE section_id = $1 AND item_type = $2";
constexpr char kDeleteKeysSql[] =
    "DELETE FROM plex.plex_library_items WHERE rating_key = ANY($1::text[])";
constexpr char kMissingKeysSql[] =
    "SELECT k FROM unnest($1::text[]) AS k WHERE NOT EXISTS"
    " (SELECT 1 FROM plex.plex_library_items i WHERE i.rating_key = k)";
constexpr char kUpsertSectionSql[] =
    "INSERT INTO plex.plex_sections (section_id, title, section_type, agent, language, locations)"
    " VALUES ($1, $2, $3, $4, $5, $6::text[]) "
    "ON CONFLICT (section_id) DO UPDATE SET title = EXCLUDED.title,"
    "  section_type = EXCLUDED.section_type, agent = EXCLUDED.agent,"
    "  language = EXCLUDED.language, locations = EXCLUDED.locations, updated_at = now()";
constexpr char kDeleteOtherSectionsSql[] =
    "DELETE FROM plex.plex_sections WHERE NOT (section_id = ANY($1::int[]))";
constexpr char kDeleteOtherSectionItemsSql[] =
    "DELETE FROM plex.plex_library_items WHERE NOT (section_id = ANY($1::int[]))";
constexpr char kListSectionsSql[] =
    "SELECT section_id, title, section_type, COALESCE(agent, ''), COALESCE(language, ''),"
    "  locations, item_count, (extract(epoch FROM last_synced_at) * 1000000)::bigint "
    "FROM plex.plex_sections ORDER BY section_id";
constexpr char kMarkSectionSyncedSql[] =
    "UPDATE plex.plex_sections SET last_synced_at = now(), updated_at = now(),"
    "  item_count = (SELECT count(*) FROM plex.plex_library_items"
    "                WHERE section_id = $1 AND item_type IN ('movie', 'show')) "
    "WHERE section_id = $1";
constexpr char kGetSyncStateSql[] =
    "SELECT kind, (extract(epoch FROM finished_at) * 1000000)::bigint,"
    "  COALESCE(extract(epoch FROM max_added_at)::bigint, 0), items_seen, duration_ms "
    "FROM plex.sync_state WHERE kind = $1";
constexpr char kPutSyncStateSql[] =
    "INSERT INTO plex.sync_state (kind, finished_at, max_added_at, items_seen, duration_ms) "
    "VALUES ($1, to_timestamp($2::bigint / 1000000.0), to_timestamp(NULLIF($3::bigint, 0)),"
    "  $4, $5) "
    "ON CONFLICT (kind) DO UPDATE SET finished_at = EXCLUDED.finished_at,"
    "  max_added_at = GREATEST(EXCLUDED.max_added_at, plex.sync_state.max_added_at),"
    "  items_seen = EXCLUDED.items_seen, duration_ms = EXCLUDED.duration_ms";
constexpr char kCountItemsSql[] =
    "SELECT item_type, count(*) FROM plex.plex_library_items GROUP BY item_type";
// Films: tmdb, then imdb; tvdb alone never (Plex puts tvdb ids on films).
constexpr char kLookupMovieSql[] =
    "SELECT {cols} FROM plex.plex_library_items WHERE item_type = 'movie' AND"
    " ((tmdb_id = $1 AND $1 > 0) OR (imdb_id = $2 AND $2 <> '')) "
    "ORDER BY (tmdb_id = $1) DESC NULLS LAST, id LIMIT 1";
constexpr char kLookupShowSql[] =
    "SELECT {cols} FROM plex.plex_library_items WHERE item_type = 'show' AND"
    " ((tmdb_id = $1 AND $1 > 0) OR (imdb_id = $2 AND $2 <> '') OR (tvdb_id = $3 AND $3 > 0)) "
    "ORDER BY (tmdb_id = $1) DESC NULLS LAST, (tvdb_id = $3) DESC NULLS LAST, id LIMIT 1";
constexpr char kShowEpisodesSql[] =
    "SELECT season_number, episode_number FROM plex.plex_library_items "
    "WHERE grandparent_rating_key = $1 AND item_type = 'episode'"
    "  AND season_number IS NOT NULL AND episode_number IS NOT NULL "
    "ORDER BY season_number, episode_number";
constexpr char kSearchSql[] =
    "SELECT {cols} FROM plex.plex_library_items "
    "WHERE item_type IN ('movie', 'show') AND ($2 = '' OR item_type = $2)"
    "  AND (title ILIKE $1 OR original_title ILIKE $1) "
    "ORDER BY (lower(title) = lower($3)) DESC, length(title), title, id LIMIT $4";

std::string WithColumns(const char* sql) {
  std::string text = sql;
  size_t at = text.find("{cols}");
  if (at != std::string::npos) text.replace(at, 6, kItemColumns);
  return text;
}

// PostgreSQL array literals for the unnest parameters.
class ArrayBuilder {
 public:
  void Text(const std::string& value) {
    Sep();
    out_ += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out_ += '\\';
      out_ += c;
    }
    out_ += '"';
  }
  void Null() {
    Sep();
    out_ += "NULL";
  }
  void OptionalText(const std::string& value) { value.empty() ? Null() : Text(value); }
  void Number(int64_t value) {
    Sep();
    out_ += std::to_string(value);
  }
  void OptionalNumber(int64_t value, int64_t none) { value == none ? Null() : Number(value); }
  std::string Done() { return "{" + out_ + "}"; }

 private:
  void Sep() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

LibraryItem ReadItem(const pqxx::row& row) {
  LibraryItem item;
  item.rating_key = row[0].as<std::string>();
  item.section_id = row[1].as<int>();
  item.type = row[2].as<std::string>();
  item.title = row[3].as<std::string>();
  if (!row[4].is_null()) item.original_title = row[4].as<std::string>();
  item.year = row[5].as<int>();
  item.guid = row[6].as<std::string>();
  item.ids.tmdb_id = row[7].as<int>();
  item.ids.imdb_id = row[8].as<std::string>();
  item.ids.tvdb_id = row[9].as<int>();
  item.parent_rating_key = row[10].as<std::string>();
  item.grandparent_rating_key = row[11].as<std::string>();
  item.season_number = row[12].as<int>();
  item.episode_number = row[13].as<int>();
  item.file_path = row[14].as<std::string>();
  item.added_at = row[15].as<int64_t>();
  item.updated_at = row[16].as<int64_t>();
  return item;
}

std::vector<std::string> ParseTextArray(const pqxx::field& field) {
  std::vector<std::string> out;
  pqxx::array_parser parser = field.as_array();
  for (auto [kind, value] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, value) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) out.push_back(value);
  }
  return out;
}

std::string LikePattern(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "%" + escaped + "%";
}

}  // namespace

absl::Status PgLibraryStore::ReplaceSections(const std::vector<Section>& sections) {
  return db::WithConnection(pool_, "saving the Plex sections", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    ArrayBuilder ids;
    for (const Section& s : sections) {
      ArrayBuilder locations;
      for (const std::string& l : s.locations) locations.Text(l);
      tx.exec_params(kUpsertSectionSql, s.id, s.title, s.type, s.agent, s.language,
                     locations.Done());
      ids.Number(s.id);
    }
    const std::string id_array = ids.Done();
    tx.exec_params(kDeleteOtherSectionItemsSql, id_array);
    tx.exec_params(kDeleteOtherSectionsSql, id_array);
    tx.commit();
  });
}

absl::StatusOr<std::vector<SectionRow>> PgLibraryStore::ListSections() {
  return db::WithConnection(pool_, "listing the Plex sections", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<SectionRow> rows;
    for (const pqxx::row& row : tx.exec(kListSectionsSql)) {
      SectionRow out;
      out.section.id = row[0].as<int>();
      out.section.title = row[1].as<std::string>();
      out.section.type = row[2].as<std::string>();
      out.section.agent = row[3].as<std::string>();
      out.section.language = row[4].as<std::string>();
      out.section.locations = ParseTextArray(row[5]);
      out.item_count = row[6].as<int>();
      if (!row[7].is_null()) out.last_synced_at = absl::FromUnixMicros(row[7].as<int64_t>());
      rows.push_back(std::move(out));
    }
    return rows;
  });
}

absl::Status PgLibraryStore::MarkSectionSynced(int section_id) {
  return db::WithConnection(pool_, "marking a section synced", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kMarkSectionSyncedSql, section_id);
    tx.commit();
  });
}

absl::StatusOr<int> PgLibraryStore::UpsertItems(const std::vector<LibraryItem>& items) {
  if (items.empty()) return 0;
  // ON CONFLICT cannot touch a row twice in one statement: keep the last.
  std::unordered_map<std::string, size_t> last;
  last.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) last[items[i].rating_key] = i;
  ArrayBuilder key, section, type, title, original, year, guid, tmdb, imdb, tvdb, parent,
      grandparent, season, episode, file, added, updated;
  for (size_t i = 0; i < items.size(); ++i) {
    if (last[items[i].rating_key] != i) continue;
    const LibraryItem& item = items[i];
    key.Text(item.rating_key);
    section.Number(item.section_id);
    type.Text(item.type);
    title.Text(item.title);
    item.original_title ? original.Text(*item.original_title) : original.Null();
    year.OptionalNumber(item.year, 0);
    guid.OptionalText(item.guid);
    tmdb.OptionalNumber(item.ids.tmdb_id, 0);
    imdb.OptionalText(item.ids.imdb_id);
    tvdb.OptionalNumber(item.ids.tvdb_id, 0);
    parent.OptionalText(item.parent_rating_key);
    grandparent.OptionalText(item.grandparent_rating_key);
    season.OptionalNumber(item.season_number, -1);
    episode.OptionalNumber(item.episode_number, -1);
    file.OptionalText(item.file_path);
    added.OptionalNumber(item.added_at, 0);
    updated.OptionalNumber(item.updated_at, 0);
  }
  return db::WithConnection(pool_, "saving Plex library items", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    int written = static_cast<int>(
        tx.exec_params(kUpsertItemsSql, key.Done(), section.Done(), type.Done(), title.Done(),
                       original.Done(), year.Done(), guid.Done(), tmdb.Done(), imdb.Done(),
                       tvdb.Done(), parent.Done(), grandparent.Done(), season.Done(),
                       episode.Done(), file.Done(), added.Done(), updated.Done())
            .affected_rows());
    tx.commit();
    return written;
  });
}

absl::StatusOr<int> PgLibraryStore::DeleteUnseen(int section_id, const std::string& item_type,
                                                 const std::vector<std::string>& seen) {
  const std::unordered_set<std::string> present(seen.begin(), seen.end());
  return db::WithConnection(pool_, "deleting vanished Plex items", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    ArrayBuilder vanished;
    int count = 0;
    for (const pqxx::row& row : tx.exec_params(kSectionKeysSql, section_id, item_type)) {
      std::string key = row[0].as<std::string>();
      if (present.count(key) == 0) {
        vanished.Text(key);
        ++count;
      }
    }
    int deleted = 0;
    if (count > 0) {
      deleted = static_cast<int>(tx.exec_params(kDeleteKeysSql, vanished.Done()).affected_rows());
    }
    tx.commit();
    return deleted;
  });
}

absl::StatusOr<std::vector<std::string>> PgLibraryStore::MissingKeys(
    const std::vector<std::string>& rating_keys) {
  if (rating_keys.empty()) return std::vector<std::string>();
  ArrayBuilder keys;
  for (const std::string& k : rating_keys) keys.Text(k);
  return db::WithConnection(pool_, "looking up Plex items", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<std::string> missing;
    for (const pqxx::row& row : tx.exec_params(kMissingKeysSql, keys.Done())) {
      missing.push_back(row[0].as<std::string>());
    }
    return missing;
  });
}

absl::StatusOr<std::optional<SyncState>> PgLibraryStore::GetSyncState(const std::string& kind) {
  return db::WithConnection(
      pool_, "reading the sync state", [&](pqxx::connection& conn) -> std::optional<SyncState> {
        pqxx::read_transaction tx(conn);
        pqxx::result rows = tx.exec_params(kGetSyncStateSql, kind);
        if (rows.empty()) return std::nullopt;
        return SyncState{.kind = rows[0][0].as<std::string>(),
                         .finished_at = absl::FromUnixMicros(rows[0][1].as<int64_t>()),
                         .max_added_at = rows[0][2].as<int64_t>(),
                         .items_seen = rows[0][3].as<int>(),
                         .duration_ms = rows[0][4].as<int>()};
      });
}

absl::Status PgLibraryStore::PutSyncState(const SyncState& state) {
  return db::WithConnection(pool_, "saving the sync state", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kPutSyncStateSql, state.kind, absl::ToUnixMicros(state.finished_at),
                   state.max_added_at, state.items_seen, state.duration_ms);
    tx.commit();
  });
}

absl::StatusOr<std::map<std::string, int64_t>> PgLibraryStore::CountItems() {
  return db::WithConnection(pool_, "counting Plex items", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, int64_t> counts;
    for (const pqxx::row& row : tx.exec(kCountItemsSql)) {
      counts[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    return counts;
  });
}

absl::StatusOr<std::optional<TitleMatch>> PgLibraryStore::Lookup(const TitleKey& key) {
  static const std::string movie_sql = WithColumns(kLookupMovieSql);
  static const std::string show_sql = WithColumns(kLookupShowSql);
  return db::WithConnection(
      pool_, "looking up a title", [&](pqxx::connection& conn) -> std::optional<TitleMatch> {
        pqxx::read_transaction tx(conn);
        pqxx::result rows =
            key.media_type == "movie"
                ? tx.exec_params(movie_sql, key.tmdb_id, key.imdb_id)
                : tx.exec_params(show_sql, key.tmdb_id, key.imdb_id, key.tvdb_id);
        if (rows.empty()) return std::nullopt;
        TitleMatch match{.item = ReadItem(rows[0]), .episodes = {}};
        if (match.item.type == "show") {
          for (const pqxx::row& row : tx.exec_params(kShowEpisodesSql, match.item.rating_key)) {
            match.episodes[row[0].as<int>()].push_back(row[1].as<int>());
          }
        }
        return match;
      });
}

absl::StatusOr<std::vector<LibraryItem>> PgLibraryStore::Search(const std::string& text,
                                                                const std::string& media_type,
                                                                int limit) {
  static const std::string sql = WithColumns(kSearchSql);
  const std::string type = media_type == "tv" ? "show" : media_type;
  return db::WithConnection(pool_, "searching the library", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<LibraryItem> items;
    for (const pqxx::row& row : tx.exec_params(sql, LikePattern(text), type, text, limit)) {
      items.push_back(ReadItem(row));
    }
    return items;
  });
}

}  // namespace kiosk::plex
