#include "migrations/runner/sqlite_import.h"

#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/pg_errors.h"
#include "common/status_macros.h"

namespace kiosk::migrate {
namespace {

// One finished line of COPY text (fields escaped, tab-separated).
struct CopyLine {
  const std::string* text;
};

}  // namespace
}  // namespace kiosk::migrate

// pqxx 6.4's stream_to only accepts std::tuple rows (a std::vector row does
// not compile) and escapes every field. The columns copied depend on the
// SQLite file, so the importer builds each line itself and streams it as a
// 1-tuple of CopyLine, which this specialisation passes through unescaped.
// (pqxx 7 has stream_to::write_row for containers; this goes away there.)
namespace pqxx::internal {
template <>
inline std::string TypedCopyEscaper::operator()<kiosk::migrate::CopyLine>(
    const kiosk::migrate::CopyLine* line) const {
  return *line->text;
}
}  // namespace pqxx::internal

namespace kiosk::migrate {
namespace {

// ---------------------------------------------------------------- SQL
// PostgreSQL. Table names only ever come from kTables below.
constexpr char kTargetColumnsSql[] = R"sql(
SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       a.attidentity <> '', a.attgenerated <> ''
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum)sql";
constexpr char kLockTimeoutSql[] = "SET LOCAL lock_timeout = '30s'";
constexpr char kDefaultLockTimeoutSql[] = "SET LOCAL lock_timeout TO DEFAULT";
constexpr char kLockTablesSql[] =
    "LOCK TABLE users.users, users.system_settings, media.media_requests, media.title_mappings, "
    "downloads.downloads, downloads.rename_settings, downloads.transfer_history, "
    "plex.plex_library_items IN EXCLUSIVE MODE";
constexpr char kTruncateSql[] =
    "TRUNCATE users.users, users.system_settings, media.media_requests, media.title_mappings, "
    "downloads.downloads, downloads.rename_settings, downloads.transfer_history, "
    "plex.plex_library_items CASCADE";
constexpr char kTableHasRowsSql[] = "SELECT EXISTS (SELECT 1 FROM %s)";
// The default admin the initial migration seeds, while still untouched.
constexpr char kUsersBesidesSeedSql[] =
    "SELECT EXISTS (SELECT 1 FROM users.users "
    "WHERE NOT (username = $1 AND email = $2 AND must_change_password))";
constexpr char kDeleteSeedAdminSql[] =
    "DELETE FROM users.users WHERE username = $1 AND email = $2 AND must_change_password";
constexpr char kSeedAdminUsername[] = "admin";
constexpr char kSeedAdminEmail[] = "admin@plex-kiosk.local";
// pqxx::stream_to takes the table name as one string; whether a version
// quotes it or not, the bare name resolves through this search_path.
constexpr char kSetSearchPathSql[] = "SELECT set_config('search_path', $1, true)";
// Row-by-row replay of a chunk whose COPY failed, to name the bad row.
constexpr char kInsertRowSql[] = "INSERT INTO %s (%s)%s VALUES (%s)";
constexpr char kResetSequenceSql[] =
    "SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST(max(id), 1), max(id) IS NOT NULL) "
    "FROM %s";

// SQLite.
constexpr char kSqliteProbeSql[] = "SELECT count(*) FROM sqlite_master";
constexpr char kSqliteBeginSql[] = "BEGIN";
constexpr char kSqliteFindTableSql[] =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE";
constexpr char kSqliteColumnsSql[] = "SELECT name FROM pragma_table_info(?1)";
constexpr char kSqliteCountSql[] = "SELECT count(*) FROM %s";
constexpr char kSqliteSelectSql[] = "SELECT %s FROM %s";

// ---------------------------------------------------------------- tables
struct TableSpec {
  const char* name;    // in SQLite, and in PostgreSQL without schema
  const char* schema;  // PostgreSQL schema
  const char* qualified;
};

// Foreign-key order.
constexpr TableSpec kTables[] = {
    {"users", "users", "users.users"},
    {"system_settings", "users", "users.system_settings"},
    {"media_requests", "media", "media.media_requests"},
    {"title_mappings", "media", "media.title_mappings"},
    {"downloads", "downloads", "downloads.downloads"},
    {"rename_settings", "downloads", "downloads.rename_settings"},
    {"transfer_history", "downloads", "downloads.transfer_history"},
    {"plex_library_items", "plex", "plex.plex_library_items"},
};

// Rows per COPY (each in a savepoint): bounds the row-by-row replay that
// finds a bad row, and sets the granularity of progress lines.
constexpr size_t kChunkRows = 2000;
constexpr int64_t kProgressMinRows = 10000;
constexpr auto kProgressInterval = std::chrono::seconds(2);
// Unix epochs accepted for timestamps: 0001-01-01 .. 9999-12-31 23:59:59 UTC.
constexpr int64_t kMinEpoch = -62135596800;
constexpr int64_t kMaxEpoch = 253402300799;
constexpr int kMaxJsonDepth = 1000;

// ---------------------------------------------------------------- SQLite
struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

std::string QuoteSqliteName(absl::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

absl::Status SqliteError(sqlite3* db, absl::string_view path, absl::string_view doing) {
  return absl::InvalidArgumentError(
      absl::StrCat("reading SQLite file ", path, ": ", doing, ": ", sqlite3_errmsg(db)));
}

absl::StatusOr<SqliteStmt> Prepare(sqlite3* db, absl::string_view path, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db, path, sql);
  }
  return SqliteStmt(stmt);
}

absl::StatusOr<SqliteDb> OpenSqlite(const std::string& path) {
  std::error_code ec;
  std::filesystem::file_status st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) {
    return absl::NotFoundError(absl::StrCat("SQLite file ", path, " does not exist"));
  }
  if (std::filesystem::is_directory(st)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, " is a directory, not the old application's SQLite file"));
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open ", path,
                     " as SQLite: ", raw != nullptr ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  // SQLite reads the header lazily: the first query tells a non-database.
  rc = sqlite3_exec(db.get(), kSqliteProbeSql, nullptr, nullptr, nullptr);
  if (rc == SQLITE_NOTADB) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not an SQLite database"));
  }
  if (rc != SQLITE_OK) return SqliteError(db.get(), path, "opening");
  // One read transaction: every table comes from the same snapshot even if
  // the old application still writes.
  if (sqlite3_exec(db.get(), kSqliteBeginSql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db.get(), path, "starting a read transaction");
  }
  return db;
}

// A table of the SQLite file, as found there.
struct SourceTable {
  bool found = false;
  std::string name;                  // as spelled in the file
  std::vector<std::string> columns;  // as spelled in the file
  int64_t rows = 0;
};

absl::StatusOr<SourceTable> InspectSourceTable(sqlite3* db, absl::string_view path,
                                               const TableSpec& spec) {
  SourceTable table;
  ASSIGN_OR_RETURN(SqliteStmt find, Prepare(db, path, kSqliteFindTableSql));
  sqlite3_bind_text(find.get(), 1, spec.name, -1, SQLITE_STATIC);
  int rc = sqlite3_step(find.get());
  if (rc == SQLITE_DONE) return table;
  if (rc != SQLITE_ROW) return SqliteError(db, path, "listing tables");
  table.found = true;
  table.name = reinterpret_cast<const char*>(sqlite3_column_text(find.get(), 0));

  ASSIGN_OR_RETURN(SqliteStmt columns, Prepare(db, path, kSqliteColumnsSql));
  sqlite3_bind_text(columns.get(), 1, table.name.c_str(), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(columns.get())) == SQLITE_ROW) {
    table.columns.emplace_back(
        reinterpret_cast<const char*>(sqlite3_column_text(columns.get(), 0)));
  }
  if (rc != SQLITE_DONE)
    return SqliteError(db, path, absl::StrCat("reading columns of ", table.name));

  ASSIGN_OR_RETURN(
      SqliteStmt count,
      Prepare(db, path, absl::StrFormat(kSqliteCountSql, QuoteSqliteName(table.name))));
  if (sqlite3_step(count.get()) != SQLITE_ROW) {
    return SqliteError(db, path, absl::StrCat("counting rows of ", table.name));
  }
  table.rows = sqlite3_column_int64(count.get(), 0);
  return table;
}

// ---------------------------------------------------------------- conversion
enum class Kind {
  kBool,
  kInt16,
  kInt32,
  kInt64,
  kFloat,
  kText,
  kJson,
  kTimestamptz,
  kTimestamp,
  kOther
};

struct TargetColumn {
  std::string name;
  std::string type;  // format_type()
  Kind kind = Kind::kOther;
  bool not_null = false;
  bool identity = false;
  bool generated = false;
};

Kind KindForType(absl::string_view type) {
  if (type == "boolean") return Kind::kBool;
  if (type == "smallint") return Kind::kInt16;
  if (type == "integer") return Kind::kInt32;
  if (type == "bigint") return Kind::kInt64;
  if (type == "double precision" || type == "real") return Kind::kFloat;
  if (type == "json" || type == "jsonb") return Kind::kJson;
  if (absl::StartsWith(type, "timestamp")) {
    return absl::EndsWith(type, "with time zone") ? Kind::kTimestamptz : Kind::kTimestamp;
  }
  if (type == "text" || absl::StartsWith(type, "character")) return Kind::kText;
  return Kind::kOther;  // passed as text; PostgreSQL's input function decides
}

// A value read from SQLite; `text` points into SQLite's buffer (TEXT or BLOB).
struct SourceValue {
  int type = SQLITE_NULL;
  int64_t integer = 0;
  double real = 0;
  absl::string_view text;
};

SourceValue ReadValue(sqlite3_stmt* stmt, int index) {
  SourceValue value;
  value.type = sqlite3_column_type(stmt, index);
  switch (value.type) {
    case SQLITE_INTEGER:
      value.integer = sqlite3_column_int64(stmt, index);
      break;
    case SQLITE_FLOAT:
      value.real = sqlite3_column_double(stmt, index);
      break;
    case SQLITE_TEXT: {
      const unsigned char* text = sqlite3_column_text(stmt, index);
      value.text = absl::string_view(reinterpret_cast<const char*>(text),
                                     static_cast<size_t>(sqlite3_column_bytes(stmt, index)));
      break;
    }
    case SQLITE_BLOB: {
      const void* blob = sqlite3_column_blob(stmt, index);
      value.text = absl::string_view(static_cast<const char*>(blob),
                                     static_cast<size_t>(sqlite3_column_bytes(stmt, index)));
      break;
    }
    default:
      break;
  }
  return value;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

// For error messages: the value and its SQLite storage class.
std::string Describe(const SourceValue& value) {
  switch (value.type) {
    case SQLITE_INTEGER:
      return absl::StrCat("integer ", value.integer);
    case SQLITE_FLOAT:
      return absl::StrCat("real ", FormatDouble(value.real));
    case SQLITE_TEXT: {
      constexpr size_t kMaxShown = 60;
      absl::string_view shown = value.text.substr(0, kMaxShown);
      return absl::StrCat("text \"", absl::CHexEscape(shown),
                          value.text.size() > kMaxShown ? "...\"" : "\"");
    }
    case SQLITE_BLOB:
      return absl::StrCat("a BLOB of ", value.text.size(), " bytes");
    default:
      return "NULL";
  }
}

using Value = std::optional<std::string>;  // PostgreSQL text input; nullopt = NULL

// A double holding an integer that fits int64.
bool IntegralDouble(double value, int64_t* out) {
  if (!std::isfinite(value) || value != std::trunc(value)) return false;
  if (value < -9223372036854775808.0 || value >= 9223372036854775808.0) return false;
  *out = static_cast<int64_t>(value);
  return true;
}

bool ConvertInteger(const SourceValue& value, const TargetColumn& column, Value* out,
                    std::string* error) {
  int64_t number = 0;
  bool ok = false;
  switch (value.type) {
    case SQLITE_INTEGER:
      number = value.integer;
      ok = true;
      break;
    case SQLITE_FLOAT:
      ok = IntegralDouble(value.real, &number);
      break;
    case SQLITE_TEXT: {
      double real = 0;
      ok = absl::SimpleAtoi(value.text, &number) ||
           (absl::SimpleAtod(value.text, &real) && IntegralDouble(real, &number));
      break;
    }
    default:
      break;
  }
  if (!ok) {
    *error = absl::StrCat("expected an integer, got ", Describe(value));
    return false;
  }
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
  if (column.kind == Kind::kInt16) {
    min = std::numeric_limits<int16_t>::min();
    max = std::numeric_limits<int16_t>::max();
  } else if (column.kind == Kind::kInt32) {
    min = std::numeric_limits<int32_t>::min();
    max = std::numeric_limits<int32_t>::max();
  }
  if (number < min || number > max) {
    *error = absl::StrCat(number, " is out of range for ", column.type);
    return false;
  }
  *out = absl::StrCat(number);
  return true;
}

bool ConvertBool(const SourceValue& value, Value* out, std::string* error) {
  std::optional<bool> result;
  if (value.type == SQLITE_INTEGER && (value.integer == 0 || value.integer == 1)) {
    result = value.integer == 1;
  } else if (value.type == SQLITE_FLOAT && (value.real == 0 || value.real == 1)) {
    result = value.real == 1;
  } else if (value.type == SQLITE_TEXT) {
    std::string word = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value.text));
    if (word == "true" || word == "t" || word == "1" || word == "yes" || word == "y" ||
        word == "on") {
      result = true;
    } else if (word == "false" || word == "f" || word == "0" || word == "no" || word == "n" ||
               word == "off") {
      result = false;
    }
  }
  if (!result.has_value()) {
    *error = absl::StrCat("expected a boolean (0/1, true/false), got ", Describe(value));
    return false;
  }
  *out = *result ? "true" : "false";
  return true;
}

bool ConvertFloat(const SourceValue& value, Value* out, std::string* error) {
  double number = 0;
  if (value.type == SQLITE_FLOAT) {
    number = value.real;
  } else if (value.type == SQLITE_INTEGER) {
    *out = absl::StrCat(value.integer);
    return true;
  } else if (value.type != SQLITE_TEXT || !absl::SimpleAtod(value.text, &number)) {
    *error = absl::StrCat("expected a number, got ", Describe(value));
    return false;
  }
  *out = FormatDouble(number);
  return true;
}

bool ConvertText(const SourceValue& value, Value* out, std::string* error) {
  switch (value.type) {
    case SQLITE_TEXT:
      if (value.text.find('\0') != absl::string_view::npos) {
        *error = "the text contains a NUL byte, which PostgreSQL cannot store";
        return false;
      }
      *out = std::string(value.text);
      return true;
    case SQLITE_INTEGER:
      *out = absl::StrCat(value.integer);
      return true;
    case SQLITE_FLOAT:
      *out = FormatDouble(value.real);
      return true;
    default:
      *error = absl::StrCat("expected text, got ", Describe(value));
      return false;
  }
}

// Checks that a text is one JSON value (RFC 8259) that jsonb accepts.
class JsonChecker {
 public:
  explicit JsonChecker(absl::string_view text) : text_(text) {}

  // Empty when valid, else the reason.
  std::string Check() {
    SkipSpace();
    if (!ParseValue(0)) return error_;
    SkipSpace();
    if (pos_ != text_.size()) Fail("unexpected text after the JSON value");
    return error_;
  }

 private:
  bool Fail(absl::string_view why) {
    if (error_.empty()) error_ = absl::StrCat("invalid JSON: ", why, " at offset ", pos_);
    return false;
  }
  bool At(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Digit() const { return pos_ < text_.size() && absl::ascii_isdigit(text_[pos_]); }
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool ParseValue(int depth) {
    if (depth > kMaxJsonDepth) return Fail("nested too deeply");
    if (pos_ >= text_.size()) return Fail("unexpected end");
    switch (text_[pos_]) {
      case '{':
        return ParseContainer(depth, '}', true);
      case '[':
        return ParseContainer(depth, ']', false);
      case '"':
        return ParseString();
      case 't':
        return ParseWord("true");
      case 'f':
        return ParseWord("false");
      case 'n':
        return ParseWord("null");
      default:
        return ParseNumber();
    }
  }

  bool ParseContainer(int depth, char close, bool object) {
    ++pos_;  // '{' or '['
    SkipSpace();
    if (At(close)) {
      ++pos_;
      return true;
    }
    while (true) {
      if (object) {
        if (!At('"')) return Fail("expected a string key");
        if (!ParseString()) return false;
        SkipSpace();
        if (!At(':')) return Fail("expected ':'");
        ++pos_;
        SkipSpace();
      }
      if (!ParseValue(depth + 1)) return false;
      SkipSpace();
      if (At(close)) {
        ++pos_;
        return true;
      }
      if (!At(',')) return Fail(object ? "expected ',' or '}'" : "expected ',' or ']'");
      ++pos_;
      SkipSpace();
    }
  }

  bool ParseHex4(int* unit) {
    if (pos_ + 4 > text_.size()) return Fail("short \\u escape");
    *unit = 0;
    for (int i = 0; i < 4; ++i) {
      char c = text_[pos_++];
      int digit = absl::ascii_isdigit(c)   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
      if (digit < 0) return Fail("bad \\u escape");
      *unit = *unit * 16 + digit;
    }
    return true;
  }

  bool ParseString() {
    ++pos_;  // '"'
    while (pos_ < text_.size()) {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return Fail("control character in a string");
      if (c != '\\') {
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) break;
      char escaped = text_[pos_++];
      if (absl::string_view("\"\\/bfnrt").find(escaped) != absl::string_view::npos) continue;
      if (escaped != 'u') return Fail("bad escape");
      int unit = 0;
      if (!ParseHex4(&unit)) return false;
      if (unit == 0) return Fail("\\u0000 cannot be stored in jsonb");
      if (unit >= 0xDC00 && unit <= 0xDFFF) return Fail("lone low surrogate");
      if (unit >= 0xD800 && unit <= 0xDBFF) {
        int low = 0;
        if (!At('\\') || pos_ + 1 >= text_.size() || text_[pos_ + 1] != 'u') {
          return Fail("high surrogate without a low one");
        }
        pos_ += 2;
        if (!ParseHex4(&low)) return false;
        if (low < 0xDC00 || low > 0xDFFF) return Fail("high surrogate without a low one");
      }
    }
    return Fail("unterminated string");
  }

  bool ParseWord(absl::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Fail("unknown literal");
    pos_ += word.size();
    return true;
  }

  bool ParseNumber() {
    if (At('-')) ++pos_;
    if (At('0')) {
      ++pos_;
    } else if (Digit()) {
      while (Digit()) ++pos_;
    } else {
      return Fail("unexpected character");
    }
    if (At('.')) {
      ++pos_;
      if (!Digit()) return Fail("digit expected after '.'");
      while (Digit()) ++pos_;
    }
    if (At('e') || At('E')) {
      ++pos_;
      if (At('+') || At('-')) ++pos_;
      if (!Digit()) return Fail("digit expected in exponent");
      while (Digit()) ++pos_;
    }
    return true;
  }

  absl::string_view text_;
  size_t pos_ = 0;
  std::string error_;
};

bool ConvertJson(const SourceValue& value, const TargetColumn& column, Value* out,
                 std::string* error) {
  if (value.type == SQLITE_INTEGER) {
    *out = absl::StrCat(value.integer);
    return true;
  }
  if (value.type == SQLITE_FLOAT && std::isfinite(value.real)) {
    *out = FormatDouble(value.real);
    return true;
  }
  if (value.type != SQLITE_TEXT) {
    *error = absl::StrCat("expected JSON text, got ", Describe(value));
    return false;
  }
  std::string why = JsonChecker(value.text).Check();
  if (!why.empty()) {
    *error = absl::StrCat(why, " in ", Describe(value));
    return false;
  }
  // SQLAlchemy's JSON type stores Python None as the JSON text `null`; in a
  // nullable column that meant "no value", i.e. SQL NULL.
  if (!column.not_null && absl::StripAsciiWhitespace(value.text) == "null") {
    *out = std::nullopt;
    return true;
  }
  *out = std::string(value.text);
  return true;
}

bool ReadDigits(absl::string_view text, size_t* pos, int count, int* value) {
  if (*pos + count > text.size()) return false;
  int result = 0;
  for (int i = 0; i < count; ++i) {
    char c = text[*pos + i];
    if (!absl::ascii_isdigit(c)) return false;
    result = result * 10 + (c - '0');
  }
  *pos += count;
  *value = result;
  return true;
}

// Timestamps as SQLAlchemy and SQLite write them:
//   YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][ ][Z|(+|-)HH[[:]MM]]
// Without an offset the time is UTC. Rounded to microseconds like PostgreSQL.
std::optional<absl::Time> ParseTimestampText(absl::string_view input) {
  absl::string_view text = absl::StripAsciiWhitespace(input);
  size_t pos = 0;
  auto at = [&](char c) { return pos < text.size() && text[pos] == c; };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int64_t nanos = 0;
  int offset_seconds = 0;
  if (!ReadDigits(text, &pos, 4, &year) || !at('-')) return std::nullopt;
  ++pos;
  if (!ReadDigits(text, &pos, 2, &month) || !at('-')) return std::nullopt;
  ++pos;
  if (!ReadDigits(text, &pos, 2, &day)) return std::nullopt;
  if (pos < text.size()) {
    if (!at(' ') && !at('T') && !at('t')) return std::nullopt;
    ++pos;
    if (!ReadDigits(text, &pos, 2, &hour) || !at(':')) return std::nullopt;
    ++pos;
    if (!ReadDigits(text, &pos, 2, &minute)) return std::nullopt;
    if (at(':')) {
      ++pos;
      if (!ReadDigits(text, &pos, 2, &second)) return std::nullopt;
      if (at('.') || at(',')) {
        ++pos;
        int digits = 0;
        int64_t scale = 100000000;
        for (; pos < text.size() && absl::ascii_isdigit(text[pos]); ++pos, ++digits) {
          nanos += (text[pos] - '0') * scale;
          scale /= 10;
        }
        if (digits == 0) return std::nullopt;
      }
    }
    if (at(' ')) ++pos;
    if (at('Z') || at('z')) {
      ++pos;
    } else if (at('+') || at('-')) {
      int sign = at('-') ? -1 : 1;
      ++pos;
      int offset_hours = 0, offset_minutes = 0;
      if (!ReadDigits(text, &pos, 2, &offset_hours)) return std::nullopt;
      if (at(':')) ++pos;
      if (pos < text.size() && !ReadDigits(text, &pos, 2, &offset_minutes)) return std::nullopt;
      if (offset_hours > 15 || offset_minutes > 59) return std::nullopt;
      offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
    }
    if (pos != text.size()) return std::nullopt;
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.month() != month || civil.day() != day) return std::nullopt;  // 30 February
  return absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Seconds(offset_seconds) +
         absl::Microseconds((nanos + 500) / 1000);
}

bool ConvertTimestamp(const SourceValue& value, const TargetColumn& column, Value* out,
                      std::string* error) {
  std::optional<absl::Time> time;
  if (value.type == SQLITE_TEXT) {
    time = ParseTimestampText(value.text);
  } else if (value.type == SQLITE_INTEGER) {
    if (value.integer >= kMinEpoch && value.integer <= kMaxEpoch) {
      time = absl::FromUnixSeconds(value.integer);
    }
  } else if (value.type == SQLITE_FLOAT) {
    if (std::isfinite(value.real) && value.real >= static_cast<double>(kMinEpoch) &&
        value.real <= static_cast<double>(kMaxEpoch)) {
      time = absl::FromUnixMicros(std::llround(value.real * 1e6));
    }
  }
  absl::CivilSecond civil;
  if (time.has_value()) civil = absl::ToCivilSecond(*time, absl::UTCTimeZone());
  if (!time.has_value() || civil.year() < 1 || civil.year() > 9999) {
    *error = absl::StrCat(
        "expected a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff][+HH:MM] or a unix "
        "epoch), got ",
        Describe(value));
    return false;
  }
  int64_t micros = absl::ToInt64Microseconds(*time - absl::FromCivil(civil, absl::UTCTimeZone()));
  *out = absl::StrFormat("%04d-%02d-%02d %02d:%02d:%02d.%06d%s", civil.year(), civil.month(),
                         civil.day(), civil.hour(), civil.minute(), civil.second(), micros,
                         column.kind == Kind::kTimestamptz ? "+00:00" : "");
  return true;
}

// Converts one SQLite value to the text PostgreSQL reads for `column`. On
// failure returns false with the reason in `error`.
bool Convert(const SourceValue& value, const TargetColumn& column, Value* out, std::string* error) {
  if (value.type == SQLITE_NULL) {
    *out = std::nullopt;
    return true;
  }
  switch (column.kind) {
    case Kind::kBool:
      return ConvertBool(value, out, error);
    case Kind::kInt16:
    case Kind::kInt32:
    case Kind::kInt64:
      return ConvertInteger(value, column, out, error);
    case Kind::kFloat:
      return ConvertFloat(value, out, error);
    case Kind::kJson:
      return ConvertJson(value, column, out, error);
    case Kind::kTimestamptz:
    case Kind::kTimestamp:
      return ConvertTimestamp(value, column, out, error);
    case Kind::kText:
    case Kind::kOther:
      return ConvertText(value, out, error);
  }
  return false;
}

void AppendCopyField(const Value& value, std::string* line) {
  if (!value.has_value()) {
    line->append("\\N");
    return;
  }
  for (char c : *value) {
    switch (c) {
      case '\\':
        line->append("\\\\");
        break;
      case '\t':
        line->append("\\t");
        break;
      case '\n':
        line->append("\\n");
        break;
      case '\r':
        line->append("\\r");
        break;
      default:
        line->push_back(c);
    }
  }
}

// ---------------------------------------------------------------- import
// How one table is copied.
struct TablePlan {
  const TableSpec* spec = nullptr;
  SourceTable source;
  std::vector<std::string> source_columns;  // matched, as spelled in SQLite
  std::vector<TargetColumn> columns;        // their PostgreSQL counterparts
  std::vector<std::string> skipped;         // SQLite columns with no counterpart
  bool has_id = false;                      // PostgreSQL table has an `id` column
  std::string label_name;                   // "id", "rowid" or "" (row number)
};

struct PendingRow {
  std::string label;  // "id=42"
  std::vector<Value> values;
};

std::string QuoteList(pqxx::transaction_base& tx, const std::vector<TargetColumn>& columns) {
  return absl::StrJoin(columns, ", ", [&](std::string* out, const TargetColumn& column) {
    out->append(tx.quote_name(column.name));
  });
}

// Status for a PostgreSQL error raised by one row: the table, the row and
// PostgreSQL's reason (without the "Failing row contains" detail, which would
// print password hashes). Data and constraint errors are INVALID_ARGUMENT.
absl::Status RowStatus(absl::string_view table, absl::string_view label,
                       const pqxx::sql_error& error) {
  absl::Status status = db::StatusFromException(
      error, absl::StrCat("import aborted, nothing was imported: ", table, " row ", label));
  std::vector<absl::string_view> kept;
  for (absl::string_view line : absl::StrSplit(status.message(), '\n', absl::SkipWhitespace())) {
    line = absl::StripAsciiWhitespace(line);
    if (absl::StartsWith(line, "DETAIL:  Failing row contains") ||
        absl::StartsWith(line, "CONTEXT:")) {
      continue;
    }
    kept.push_back(line);
  }
  absl::StatusCode code = status.code();
  const std::string sqlstate = error.sqlstate();
  if (absl::StartsWith(sqlstate, "22") || absl::StartsWith(sqlstate, "23")) {
    code = absl::StatusCode::kInvalidArgument;
  }
  return absl::Status(code, absl::StrJoin(kept, "; "));
}

class ProgressMeter {
 public:
  ProgressMeter(absl::string_view table, int64_t total, std::ostream& out)
      : table_(table), total_(total), out_(out), last_print_(std::chrono::steady_clock::now()) {}

  void Update(int64_t done) {
    if (total_ <= kProgressMinRows) return;
    int64_t decile = std::min<int64_t>(10, done * 10 / total_);
    auto now = std::chrono::steady_clock::now();
    if (decile <= last_decile_ && now - last_print_ < kProgressInterval) return;
    out_ << table_ << ": " << done << "/" << total_ << " rows ("
         << std::min<int64_t>(100, done * 100 / total_) << "%)" << std::endl;
    last_decile_ = decile;
    last_print_ = now;
  }

 private:
  std::string table_;
  int64_t total_;
  std::ostream& out_;
  int64_t last_decile_ = 0;
  std::chrono::steady_clock::time_point last_print_;
};

class Importer {
 public:
  Importer(sqlite3* sqlite, std::string path, const ImportOptions& options, std::ostream& progress)
      : sqlite_(sqlite), path_(std::move(path)), options_(options), progress_(progress) {}

  // Plans every table from the SQLite file (before PostgreSQL is touched).
  absl::Status InspectSource();
  absl::StatusOr<ImportReport> Run(const std::string& conninfo);

 private:
  absl::Status PlanColumns(pqxx::work& tx, TablePlan& plan);
  absl::Status PrepareTarget(pqxx::work& tx);
  absl::Status CopyTable(pqxx::work& tx, const TablePlan& plan, int64_t* copied);
  absl::Status FlushChunk(pqxx::work& tx, const TablePlan& plan,
                          const std::vector<PendingRow>& rows);
  void PrintSummary() const;

  sqlite3* sqlite_;
  const std::string path_;
  const ImportOptions& options_;
  std::ostream& progress_;
  std::vector<TablePlan> plans_;
  ImportReport report_;
  std::vector<std::string> deleted_from_;  // tables `replace` emptied
  std::string stage_;                      // what was being done, for errors
};

absl::Status Importer::InspectSource() {
  bool any = false;
  for (const TableSpec& spec : kTables) {
    TablePlan plan;
    plan.spec = &spec;
    ASSIGN_OR_RETURN(plan.source, InspectSourceTable(sqlite_, path_, spec));
    any = any || plan.source.found;
    plans_.push_back(std::move(plan));
  }
  if (!any) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_,
                     " holds none of the old application's tables (users, media_requests, ...): "
                     "not the old application's database"));
  }
  return absl::OkStatus();
}

// Matches the SQLite columns of `plan` with the PostgreSQL table's.
absl::Status Importer::PlanColumns(pqxx::work& tx, TablePlan& plan) {
  pqxx::result rows = tx.exec_params(kTargetColumnsSql, std::string(plan.spec->qualified));
  if (rows.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the target database has no table ", plan.spec->qualified,
                     ": run `kiosk-migrate upgrade head` before importing"));
  }
  std::map<std::string, TargetColumn> by_name;
  for (const pqxx::row& row : rows) {
    TargetColumn column;
    column.name = row[0].as<std::string>();
    column.type = row[1].as<std::string>();
    column.kind = KindForType(column.type);
    column.not_null = row[2].as<bool>();
    column.identity = row[3].as<bool>();
    column.generated = row[4].as<bool>();
    plan.has_id = plan.has_id || column.name == "id";
    if (!column.generated) by_name[absl::AsciiStrToLower(column.name)] = column;
  }
  for (const std::string& name : plan.source.columns) {
    std::string lower = absl::AsciiStrToLower(name);
    if (lower == "id") plan.label_name = name;
    auto it = by_name.find(lower);
    if (it == by_name.end()) {
      plan.skipped.push_back(name);
    } else {
      plan.source_columns.push_back(name);
      plan.columns.push_back(it->second);
    }
  }
  if (plan.label_name.empty()) plan.label_name = "rowid";
  if (plan.columns.empty() && plan.source.rows > 0) {
    return absl::InvalidArgumentError(absl::StrCat("table ", plan.source.name, " of ", path_,
                                                   " shares no column with ",
                                                   plan.spec->qualified));
  }
  return absl::OkStatus();
}

// Refuses a target holding data unless `replace`; makes room for the import.
absl::Status Importer::PrepareTarget(pqxx::work& tx) {
  std::vector<std::string> not_empty;
  for (const TableSpec& spec : kTables) {
    pqxx::result result =
        absl::string_view(spec.qualified) == "users.users"
            ? tx.exec_params(kUsersBesidesSeedSql, std::string(kSeedAdminUsername),
                             std::string(kSeedAdminEmail))
            : tx.exec(absl::StrFormat(kTableHasRowsSql, spec.qualified));
    if (result[0][0].as<bool>()) not_empty.push_back(spec.qualified);
  }
  if (!not_empty.empty()) {
    if (!options_.replace) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the target database already holds data in ", absl::StrJoin(not_empty, ", "),
          "; nothing was imported. Run again with --replace to delete the rows of the eight "
          "imported tables first"));
    }
    tx.exec(kTruncateSql);
    deleted_from_ = not_empty;
    report_.replaced_existing_rows = true;
    return absl::OkStatus();
  }
  // Only the seed admin, if anything: the old database brings its own admin.
  const TablePlan& users = plans_.front();
  if (users.source.found && users.source.rows > 0) {
    pqxx::result deleted = tx.exec_params(kDeleteSeedAdminSql, std::string(kSeedAdminUsername),
                                          std::string(kSeedAdminEmail));
    report_.removed_seed_admin = deleted.affected_rows() > 0;
  }
  return absl::OkStatus();
}

absl::Status Importer::FlushChunk(pqxx::work& tx, const TablePlan& plan,
                                  const std::vector<PendingRow>& rows) {
  std::string copy_error;
  try {
    pqxx::subtransaction chunk(tx, "import_chunk");
    {
      std::vector<std::string> columns;
      for (const TargetColumn& column : plan.columns) columns.push_back(tx.quote_name(column.name));
      pqxx::stream_to stream(chunk, plan.spec->name, columns);
      std::string line;
      for (const PendingRow& row : rows) {
        line.clear();
        for (size_t i = 0; i < row.values.size(); ++i) {
          if (i > 0) line.push_back('\t');
          AppendCopyField(row.values[i], &line);
        }
        stream << std::make_tuple(CopyLine{&line});
      }
      stream.complete();
    }
    chunk.commit();
    return absl::OkStatus();
  } catch (const pqxx::sql_error& e) {
    copy_error = absl::StrCat(absl::StripAsciiWhitespace(e.what()));
  }
  // The savepoint is rolled back: replay the chunk row by row to name the
  // first row PostgreSQL refuses (the whole import is abandoned anyway).
  std::vector<std::string> placeholders;
  bool has_identity = false;
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    placeholders.push_back(absl::StrCat("$", i + 1));
    has_identity = has_identity || plan.columns[i].identity;
  }
  const std::string insert = absl::StrFormat(
      kInsertRowSql, plan.spec->qualified, QuoteList(tx, plan.columns),
      has_identity ? " OVERRIDING SYSTEM VALUE" : "", absl::StrJoin(placeholders, ", "));
  for (const PendingRow& row : rows) {
    try {
      tx.exec_params(insert, pqxx::prepare::make_dynamic_params(row.values));
    } catch (const pqxx::sql_error& e) {
      return RowStatus(plan.spec->name, row.label, e);
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("import aborted, nothing was imported: copying ", plan.spec->name, " rows ",
                   rows.front().label, " to ", rows.back().label, " failed: ", copy_error));
}

absl::Status Importer::CopyTable(pqxx::work& tx, const TablePlan& plan, int64_t* copied) {
  tx.exec_params(kSetSearchPathSql, std::string(plan.spec->schema));
  std::vector<std::string> select;
  for (const std::string& name : plan.source_columns) select.push_back(QuoteSqliteName(name));
  select.push_back(plan.label_name == "rowid" ? "rowid" : QuoteSqliteName(plan.label_name));
  std::string table = QuoteSqliteName(plan.source.name);
  absl::StatusOr<SqliteStmt> stmt = Prepare(
      sqlite_, path_, absl::StrFormat(kSqliteSelectSql, absl::StrJoin(select, ", "), table));
  std::string label_name = plan.label_name;
  if (!stmt.ok() && label_name == "rowid") {  // a WITHOUT ROWID table: number the rows
    select.back() = "NULL";
    label_name = "";
    stmt = Prepare(sqlite_, path_,
                   absl::StrFormat(kSqliteSelectSql, absl::StrJoin(select, ", "), table));
  }
  if (!stmt.ok()) return stmt.status();

  const int label_index = static_cast<int>(plan.columns.size());
  ProgressMeter meter(plan.spec->name, plan.source.rows, progress_);
  std::vector<PendingRow> chunk;
  chunk.reserve(kChunkRows);
  int64_t read = 0;
  std::string error;
  int rc;
  while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
    ++read;
    PendingRow row;
    if (label_name.empty()) {
      row.label = absl::StrCat("#", read);
    } else {
      const unsigned char* label = sqlite3_column_text(stmt->get(), label_index);
      row.label = absl::StrCat(label_name, "=",
                               label != nullptr ? reinterpret_cast<const char*>(label) : "NULL");
    }
    row.values.resize(plan.columns.size());
    for (size_t i = 0; i < plan.columns.size(); ++i) {
      if (!Convert(ReadValue(stmt->get(), static_cast<int>(i)), plan.columns[i], &row.values[i],
                   &error)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "import aborted, nothing was imported: ", plan.spec->name, " row ", row.label,
            ": column ", plan.source_columns[i], " (", plan.columns[i].type, "): ", error));
      }
    }
    chunk.push_back(std::move(row));
    if (chunk.size() == kChunkRows) {
      RETURN_IF_ERROR(FlushChunk(tx, plan, chunk));
      *copied += static_cast<int64_t>(chunk.size());
      chunk.clear();
      meter.Update(*copied);
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(sqlite_, path_, absl::StrCat("reading ", table));
  if (!chunk.empty()) {
    RETURN_IF_ERROR(FlushChunk(tx, plan, chunk));
    *copied += static_cast<int64_t>(chunk.size());
    meter.Update(*copied);
  }
  return absl::OkStatus();
}

absl::StatusOr<ImportReport> Importer::Run(const std::string& conninfo) {
  try {
    stage_ = "connecting to PostgreSQL";
    pqxx::connection conn(conninfo);
    pqxx::work tx(conn);

    stage_ = "reading the target schema";
    for (TablePlan& plan : plans_) RETURN_IF_ERROR(PlanColumns(tx, plan));

    stage_ = "locking the target tables (is a service still writing to them?)";
    tx.exec(kLockTimeoutSql);
    tx.exec(kLockTablesSql);
    tx.exec(kDefaultLockTimeoutSql);

    stage_ = "checking that the target tables are empty";
    RETURN_IF_ERROR(PrepareTarget(tx));

    for (const TablePlan& plan : plans_) {
      TableReport table;
      table.table = plan.spec->qualified;
      table.missing_in_source = !plan.source.found;
      table.skipped_columns = plan.skipped;
      if (plan.source.found) {
        stage_ = absl::StrCat("copying ", plan.spec->name);
        RETURN_IF_ERROR(CopyTable(tx, plan, &table.rows));
      }
      report_.tables.push_back(std::move(table));
    }

    stage_ = "resetting the identity sequences";
    for (const TablePlan& plan : plans_) {
      if (!plan.has_id) continue;
      tx.exec_params(absl::StrFormat(kResetSequenceSql, plan.spec->qualified),
                     std::string(plan.spec->qualified));
    }

    stage_ = "committing the import";
    tx.commit();
  } catch (const std::exception& e) {
    return db::StatusFromException(e, stage_);
  }
  PrintSummary();
  return report_;
}

void Importer::PrintSummary() const {
  if (report_.replaced_existing_rows) {
    progress_ << "deleted the existing rows (--replace) of " << absl::StrJoin(deleted_from_, ", ")
              << " and the tables that reference them" << std::endl;
  }
  if (report_.removed_seed_admin) {
    progress_ << "removed the default admin account; the imported users replace it" << std::endl;
  }
  for (size_t i = 0; i < report_.tables.size(); ++i) {
    const TableReport& table = report_.tables[i];
    const TablePlan& plan = plans_[i];
    if (table.missing_in_source) {
      progress_ << "skipped " << table.table << ": no table " << plan.spec->name
                << " in the SQLite file" << std::endl;
      continue;
    }
    progress_ << "copied " << table.rows << " rows into " << table.table << std::endl;
    for (const std::string& column : table.skipped_columns) {
      progress_ << "skipped column " << plan.spec->name << "." << column << std::endl;
    }
  }
}

}  // namespace

const std::vector<std::string>& ImportTableOrder() {
  static const std::vector<std::string>* const kOrder = [] {
    auto* order = new std::vector<std::string>();
    for (const TableSpec& spec : kTables) order->push_back(spec.qualified);
    return order;
  }();
  return *kOrder;
}

absl::StatusOr<ImportReport> ImportSqlite(const std::string& sqlite_path,
                                          const std::string& conninfo, const ImportOptions& options,
                                          std::ostream& progress) {
  ASSIGN_OR_RETURN(SqliteDb sqlite, OpenSqlite(sqlite_path));
  Importer importer(sqlite.get(), sqlite_path, options, progress);
  RETURN_IF_ERROR(importer.InspectSource());
  return importer.Run(conninfo);
}

}  // namespace kiosk::migrate
