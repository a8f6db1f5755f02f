// Parses DATABASE_URL, the PostgreSQL connection setting every plex-kiosk binary reads, into
// a libpq connection string plus a log-safe form:
//
//   const char* env = std::getenv("DATABASE_URL");
//   ASSIGN_OR_RETURN(
//       kiosk::db::DatabaseUrl url,
//       kiosk::db::ParseDatabaseUrl(env != nullptr ? env : kiosk::db::kDefaultDatabaseUrl));
//   PGconn* conn = PQconnectdb(url.ToConnString().c_str());
//   std::clog << "database: " << url.Redacted() << "\n";  // never log ToConnString()
//
// Accepted forms:
//   postgresql://user:password@host:5432/dbname?sslmode=require   (also postgres://)
//   postgresql+asyncpg://... and postgresql+psycopg2://...         (the old Python app's
//       SQLAlchemy URLs; asyncpg's ssl=true|false|<sslmode> becomes sslmode)
//   postgresql:///dbname?host=/var/run/postgresql                  (Unix socket directory)
//   host=/tmp port=5432 dbname=x user=y password='a b'             (libpq key=value)
// Every rejection is kInvalidArgument with a one-line message that does not quote the password.
#ifndef KIOSK_COMMON_DB_DATABASE_URL_H_
#define KIOSK_COMMON_DB_DATABASE_URL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::db {

// Used when DATABASE_URL is unset (not when it is set to ""): the local development server.
inline constexpr char kDefaultDatabaseUrl[] =
    "postgresql://postgres:postgres@localhost:5432/plex_kiosk_dev";

struct DatabaseUrl {
  // Host name, IP address (IPv6 without brackets) or Unix socket directory. Empty only when
  // a hostaddr= parameter gives the address instead.
  std::string host;
  int port = 5432;
  // Empty means "not given"; libpq then uses the user name, as psql does.
  std::string dbname;
  std::string user;
  // Decoded. Never appears in Redacted() or in error messages.
  std::string password;
  // Every other libpq keyword, in input order, e.g. {"sslmode", "require"}. A keyword given
  // twice keeps its first position and its last value, as libpq does.
  std::vector<std::pair<std::string, std::string>> params;

  // libpq key=value connection string for PQconnectdb, including the password. Values that
  // are empty or contain whitespace, quotes or backslashes are single-quoted and escaped.
  std::string ToConnString() const;

  // postgresql:// URI with the password (if any) replaced by "***"; safe to log.
  // ParseDatabaseUrl accepts it back.
  std::string Redacted() const;

  bool operator==(const DatabaseUrl&) const = default;
};

// Parses a URI or libpq key=value string (see the top of this file). Surrounding whitespace
// is ignored, since values read from secret files often end in a newline.
absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url);

// A value for a libpq key=value string, single-quoted and escaped when
// conninfo_parse() would otherwise split or unescape it.
std::string QuoteConnValue(absl::string_view value);

}  // namespace kiosk::db

#endif  // KIOSK_COMMON_DB_DATABASE_URL_H_
