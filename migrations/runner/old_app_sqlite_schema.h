// Test support: the old Python application's SQLite tables as SQLAlchemy
// created them, shared by the importer's tests and its benchmark.
#ifndef KIOSK_MIGRATIONS_RUNNER_OLD_APP_SQLITE_SCHEMA_H_
#define KIOSK_MIGRATIONS_RUNNER_OLD_APP_SQLITE_SCHEMA_H_

namespace kiosk::migrate {

// The old application's tables as SQLAlchemy created them in SQLite, each
// with a column or two our schema dropped.
inline constexpr char kOldAppSqliteSchema[] = R"sql(
CREATE TABLE users (
  id INTEGER NOT NULL PRIMARY KEY, username VARCHAR(150) NOT NULL, email VARCHAR(255) NOT NULL,
  password_hash VARCHAR(255) NOT NULL, role VARCHAR(20) NOT NULL, is_active BOOLEAN NOT NULL,
  must_change_password BOOLEAN NOT NULL, auto_approve BOOLEAN NOT NULL,
  movie_quota_limit INTEGER, movie_quota_days INTEGER, tv_quota_limit INTEGER,
  tv_quota_days INTEGER, preferred_language VARCHAR(5) NOT NULL, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, last_login_at DATETIME, plex_token VARCHAR(255));
CREATE TABLE system_settings (
  "Key" VARCHAR(100) NOT NULL PRIMARY KEY, value JSON NOT NULL, is_secret BOOLEAN NOT NULL,
  updated_at DATETIME NOT NULL, updated_by INTEGER REFERENCES users (id));
CREATE TABLE media_requests (
  id INTEGER NOT NULL PRIMARY KEY, user_id INTEGER NOT NULL, media_type VARCHAR(10) NOT NULL,
  tmdb_id INTEGER NOT NULL, imdb_id VARCHAR(20), tvdb_id INTEGER, title VARCHAR(500) NOT NULL,
  original_title VARCHAR(500), year INTEGER, language VARCHAR(5) NOT NULL,
  requested_seasons JSON, status VARCHAR(20) NOT NULL, decline_reason TEXT,
  approved_by INTEGER, approved_at DATETIME, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, poster_path VARCHAR(255));
CREATE TABLE title_mappings (
  id INTEGER NOT NULL PRIMARY KEY, media_type VARCHAR(10) NOT NULL, tmdb_id INTEGER NOT NULL,
  title_fr VARCHAR(500), title_en VARCHAR(500), original_title VARCHAR(500), year INTEGER,
  source VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE downloads (
  id INTEGER NOT NULL PRIMARY KEY, request_id INTEGER NOT NULL, torrent_hash VARCHAR(64) NOT NULL,
  name VARCHAR(500) NOT NULL, source TEXT NOT NULL, save_path TEXT, content_path TEXT,
  size_bytes BIGINT NOT NULL, downloaded_bytes BIGINT NOT NULL, progress FLOAT NOT NULL,
  download_speed BIGINT NOT NULL, eta_seconds BIGINT, state VARCHAR(20) NOT NULL,
  client_state VARCHAR(50), error TEXT, created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL, completed_at DATETIME, category VARCHAR(50));
CREATE TABLE rename_settings (
  id INTEGER NOT NULL PRIMARY KEY, media_type VARCHAR(10) NOT NULL, folder_format TEXT NOT NULL,
  season_folder_format TEXT, file_format TEXT NOT NULL, illegal_char_mode VARCHAR(20) NOT NULL,
  colon_mode VARCHAR(20) NOT NULL, transfer_mode VARCHAR(20) NOT NULL,
  library_root TEXT NOT NULL, enabled BOOLEAN NOT NULL, updated_at DATETIME NOT NULL);
CREATE TABLE transfer_history (
  id INTEGER NOT NULL PRIMARY KEY, download_id INTEGER NOT NULL, source_path TEXT NOT NULL,
  destination_path TEXT NOT NULL, mode VARCHAR(20) NOT NULL, size_bytes BIGINT NOT NULL,
  status VARCHAR(20) NOT NULL, error TEXT, started_at DATETIME NOT NULL, finished_at DATETIME);
CREATE TABLE plex_library_items (
  id INTEGER NOT NULL PRIMARY KEY, rating_key VARCHAR(50) NOT NULL, section_id INTEGER NOT NULL,
  item_type VARCHAR(20) NOT NULL, title VARCHAR(500) NOT NULL, original_title VARCHAR(500),
  year INTEGER, guid VARCHAR(255), tmdb_id INTEGER, imdb_id VARCHAR(20), tvdb_id INTEGER,
  parent_rating_key VARCHAR(50), grandparent_rating_key VARCHAR(50), season_number INTEGER,
  episode_number INTEGER, file_path TEXT, added_at DATETIME, last_seen_at DATETIME NOT NULL,
  thumb VARCHAR(255));
)sql";

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_OLD_APP_SQLITE_SCHEMA_H_
