// Times `kiosk-migrate import-sqlite` on a generated old-application SQLite
// file: 1 user, 100,000 media_requests, 5,000 title_mappings and 5,000
// plex_library_items, into a fresh migrated database of the test cluster.
//
//   KIOSK_TEST_PG_STATE=/tmp/pg sqlite_import_bench [media_requests_rows]
//   (or KIOSK_TEST_DATABASE_URL=postgresql://postgres:...@host:port/postgres)
//
// Prints `import 100000 media_requests rows: X.XX s (N rows/s)` and the total.
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/migrator.h"
#include "migrations/runner/old_app_sqlite_schema.h"
#include "migrations/runner/sqlite_import.h"
#include "common/testing/bench_result.h"

namespace {

// One admin; the old application's users table has more columns than these.
constexpr char kAdminSql[] = R"sql(
INSERT INTO users (id, username, email, password_hash, role, is_active, must_change_password,
                   auto_approve, preferred_language, created_at, updated_at)
VALUES (1, 'admin', 'admin@example.com',
  '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo', 'admin', 1, 0, 1, 'fr',
  '2025-01-01 00:00:00.000000', '2025-01-01 00:00:00.000000');
)sql";

constexpr char kRowsSql[] = R"sql(
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
INSERT INTO media_requests (id, user_id, media_type, tmdb_id, imdb_id, tvdb_id, title,
  original_title, year, language, requested_seasons, status, decline_reason, approved_by,
  approved_at, created_at, updated_at, poster_path)
SELECT i, 1, CASE i %% 3 WHEN 0 THEN 'tv' ELSE 'movie' END, i, 'tt' || (1000000 + i),
       CASE i %% 3 WHEN 0 THEN i ELSE NULL END, 'Title number ' || i, 'Original ' || i,
       1950 + i %% 70, CASE i %% 2 WHEN 0 THEN 'fr' ELSE 'en' END,
       CASE i %% 3 WHEN 0 THEN '[1, 2, {"season": 3, "episodes": [1, 2]}]' ELSE 'null' END,
       CASE i %% 10 WHEN 0 THEN 'pending' ELSE 'available' END, NULL, 1,
       '2025-03-04 05:06:07.123456', '2025-03-04 05:06:07.123456', '2025-03-05T05:06:07Z',
       '/poster/' || i || '.jpg'
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO title_mappings (id, media_type, tmdb_id, title_fr, title_en, original_title, year,
  source, created_at, updated_at)
SELECT i, 'movie', i, 'Titre ' || i, 'Title ' || i, 'Original ' || i, 1990 + i %% 30, 'tmdb',
       '2025-01-01 00:00:00', '2025-01-01 00:00:00' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO plex_library_items (id, rating_key, section_id, item_type, title, year, guid,
  tmdb_id, file_path, added_at, last_seen_at)
SELECT i, 'rk' || i, 1, 'movie', 'Title ' || i, 1990 + i %% 30, 'plex://movie/' || i, i,
       '/media/movies/Title ' || i || '.mkv', 1735689600 + i, '2026-01-01 00:00:00' FROM n;
)sql";

bool WriteSqlite(const std::string& path, int rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) return false;
  std::string sql =
      absl::StrCat(kiosk::migrate::kOldAppSqliteSchema, kAdminSql, absl::StrFormat(kRowsSql, rows));
  char* error = nullptr;
  bool ok = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK;
  if (!ok) std::cerr << "sqlite: " << error << "\n";
  sqlite3_free(error);
  sqlite3_close(db);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  int rows = 100000;
  if (argc > 1 && !absl::SimpleAtoi(argv[1], &rows)) {
    std::cerr << "usage: sqlite_import_bench [media_requests_rows]\n";
    return 2;
  }
  absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> db =
      kiosk::testing::TestDatabase::Create();
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  absl::Status migrated = kiosk::migrate::MigrateToHead((*db)->conninfo());
  if (!migrated.ok()) {
    std::cerr << migrated << "\n";
    return 1;
  }
  std::string path = absl::StrCat(std::filesystem::temp_directory_path().string(),
                                  "/kiosk_import_bench_", getpid(), ".db");
  std::filesystem::remove(path);
  if (!WriteSqlite(path, rows)) return 1;

  std::ostringstream progress;
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<kiosk::migrate::ImportReport> report = kiosk::migrate::ImportSqlite(
      path, (*db)->conninfo(), kiosk::migrate::ImportOptions(), progress);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::filesystem::remove(path);
  std::cout << progress.str();
  if (!report.ok()) {
    std::cerr << report.status() << "\n";
    return 1;
  }
  int64_t total = 0;
  for (const kiosk::migrate::TableReport& table : report->tables) total += table.rows;
  std::cout << absl::StrFormat("import %d media_requests rows: %.2f s (%.0f rows/s)\n", rows,
                               seconds, rows / seconds);
  std::cout << absl::StrFormat("all tables: %d rows in %.2f s (%.0f rows/s)\n", total, seconds,
                               total / seconds);
  std::cout << std::flush;
  kiosk::testing::PrintBenchResult("import from the old SQLite database", total / seconds, "rows/s");
  return 0;
}
