#include "common/db/pg_errors.h"

#include <pqxx/except>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace kiosk::db {

absl::StatusCode CodeForSqlState(absl::string_view sqlstate) {
  if (sqlstate == "23505") return absl::StatusCode::kAlreadyExists;
  if (sqlstate == "23503") return absl::StatusCode::kFailedPrecondition;
  if (sqlstate == "23514" || sqlstate == "23502") return absl::StatusCode::kInvalidArgument;
  if (absl::StartsWith(sqlstate, "22")) return absl::StatusCode::kInvalidArgument;
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::StatusCode::kAborted;
  if (absl::StartsWith(sqlstate, "08")) return absl::StatusCode::kUnavailable;
  // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
  if (sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" || sqlstate == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  if (sqlstate == "57014") return absl::StatusCode::kDeadlineExceeded;
  return absl::StatusCode::kInternal;
}

absl::Status StatusFromException(const std::exception& error, absl::string_view context) {
  // libpq messages end with a newline and sometimes carry "ERROR:  " noise.
  absl::string_view what = absl::StripTrailingAsciiWhitespace(error.what());
  what = absl::StripPrefix(what, "ERROR:  ");
  std::string message = context.empty() ? std::string(what) : absl::StrCat(context, ": ", what);

  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&error)) {
    // Text cannot hold NUL: jsonb refuses \u0000 (22P05), text a 0x00 byte (22021).
    if (sql->sqlstate() == "22P05" || sql->sqlstate() == "22021") {
      return absl::InvalidArgumentError(absl::StrCat(
          context, context.empty() ? "" : ": ",
          "text must not contain NUL characters (\\u0000); remove them and send again"));
    }
    // Callers see this message: leave out what quotes whole rows (a password
    // hash in "DETAIL:  Failing row contains ...") and query parameters
    // (QUERY, CONTEXT and after); "Key (email)=(...) already exists" stays.
    for (const char* tail : {"\nQUERY:", "\nCONTEXT:"}) {
      if (size_t at = message.find(tail); at != std::string::npos) message.resize(at);
    }
    if (size_t at = message.find("\nDETAIL:  Failing row contains"); at != std::string::npos) {
      const size_t end = message.find('\n', at + 1);
      message.erase(at, end == std::string::npos ? std::string::npos : end - at);
    }
    return absl::Status(CodeForSqlState(sql->sqlstate()), message);
  }
  // pqxx::in_doubt_error: the connection broke during COMMIT; the outcome is
  // unknown, which a caller must treat as "maybe applied", not as a failure.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    return absl::UnavailableError(absl::StrCat(message, " (commit outcome unknown)"));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

}  // namespace kiosk::db
