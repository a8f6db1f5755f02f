#include "common/db/database_probe.h"

#include <pqxx/nontransaction>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace kiosk::db {

DatabaseProbe::DatabaseProbe(std::string conninfo, std::string redacted_target)
    : conninfo_(std::move(conninfo)), target_(std::move(redacted_target)) {}

DatabaseProbe::~DatabaseProbe() = default;

DatabaseCheck DatabaseProbe::Check() {
  std::lock_guard<std::mutex> lock(mu_);
  DatabaseCheck check;
  try {
    if (connection_ == nullptr || !connection_->is_open()) {
      connection_.reset();
      connection_ = std::make_unique<pqxx::connection>(conninfo_);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      connection_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    }
    absl::Time start = absl::Now();
    pqxx::nontransaction tx(*connection_);
    tx.exec("SELECT 1");
    check.round_trip_micros = absl::ToInt64Microseconds(absl::Now() - start);
    check.server_version = FormatServerVersion(connection_->server_version());
    check.reachable = true;
  } catch (const std::exception& e) {
    connection_.reset();  // reconnect next time
    check.error = ExplainConnectionError(e.what(), target_);
  }
  return check;
}

std::string FormatServerVersion(int version) {
  if (version <= 0) return "";
  if (version >= 100000) return absl::StrCat(version / 10000, ".", version % 10000);
  return absl::StrCat(version / 10000, ".", (version / 100) % 100, ".", version % 100);
}

std::string ExplainConnectionError(absl::string_view libpq_message, absl::string_view target) {
  std::string message(absl::StripAsciiWhitespace(libpq_message));
  // libpq reports one line per address tried; the first says enough.
  if (size_t newline = message.find('\n'); newline != std::string::npos) {
    message.resize(newline);
  }
  std::string hint;
  if (absl::StrContains(message, "Connection refused") ||
      absl::StrContains(message, "No such file or directory")) {
    hint = "is PostgreSQL running and listening there? (./kiosk status, or pg_isready)";
  } else if (absl::StrContains(message, "password authentication failed") ||
             absl::StrContains(message, "no password supplied")) {
    hint = "check the user and password in DATABASE_URL";
  } else if (absl::StrContains(message, "does not exist") &&
             absl::StrContains(message, "database")) {
    hint = "create the database (createdb) or fix the name in DATABASE_URL";
  } else if (absl::StrContains(message, "timeout") || absl::StrContains(message, "timed out")) {
    hint = "the server did not answer in time: check the host, port and firewall";
  } else if (absl::StrContains(message, "could not translate host name")) {
    hint = "the host name does not resolve: check the host in DATABASE_URL";
  } else if (absl::StrContains(message, "too many")) {
    hint = "the server has no connection slot left: lower DB_POOL_SIZE/DB_MAX_OVERFLOW or raise max_connections";
  } else {
    hint = "check DATABASE_URL and the PostgreSQL server log";
  }
  return absl::StrCat("database ", target, " unreachable: ", message, "; ", hint);
}

}  // namespace kiosk::db
