#include "common/db/database_url.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"

namespace kiosk::db {
namespace {

constexpr size_t npos = absl::string_view::npos;

constexpr absl::string_view kSslModes[] = {"disable", "allow",     "prefer",
                                           "require", "verify-ca", "verify-full"};
constexpr absl::string_view kSslModeList =
    "disable, allow, prefer, require, verify-ca, verify-full";

constexpr absl::string_view kAcceptedForms =
    "accepted are postgresql://, postgres://, postgresql+asyncpg:// and postgresql+psycopg2:// "
    "URIs, or a libpq key=value string such as \"host=localhost dbname=plex_kiosk\"";

// Which grammar a URI scheme brings with it.
enum class Dialect {
  kLibpq,       // postgresql://, postgres://
  kSqlAlchemy,  // postgresql+psycopg2://
  kAsyncpg,     // postgresql+asyncpg://: SQLAlchemy's, plus asyncpg's ssl= parameter
};

struct Scheme {
  absl::string_view name;
  Dialect dialect;
};

constexpr Scheme kSchemes[] = {
    {"postgresql", Dialect::kLibpq},
    {"postgres", Dialect::kLibpq},
    {"postgresql+psycopg2", Dialect::kSqlAlchemy},
    {"postgresql+asyncpg", Dialect::kAsyncpg},
};

absl::Status Invalid(absl::string_view message) { return absl::InvalidArgumentError(message); }

absl::Status MultipleHostsError() {
  // The host list is not quoted: a mis-split URI can put part of the password there.
  return Invalid(
      "DATABASE_URL lists more than one host; multiple hosts are not supported, give exactly one");
}

bool IsSslMode(absl::string_view value) {
  for (absl::string_view mode : kSslModes) {
    if (value == mode) return true;
  }
  return false;
}

// Maps each keyword the linked libpq understands to whether it holds a secret. Taken from
// PQconninfoParse("") rather than PQconndefaults(), which fails outright when PGSERVICE
// names a missing service and would then make every parameter look unknown.
const std::map<std::string, bool, std::less<>>& LibpqKeywords() {
  static const auto* const keywords = [] {
    auto* map = new std::map<std::string, bool, std::less<>>;
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse("", &error);
    PQfreemem(error);
    if (options != nullptr) {
      for (const PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
        // libpq marks password-like options with dispchar "*".
        (*map)[o->keyword] = o->dispchar != nullptr && absl::StrContains(o->dispchar, '*');
      }
      PQconninfoFree(options);
    }
    return map;
  }();
  return *keywords;
}

bool IsSecretKeyword(absl::string_view keyword) {
  const auto& keywords = LibpqKeywords();
  auto it = keywords.find(keyword);
  return keyword == "password" || (it != keywords.end() && it->second);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `what` names the component for the error message; secret components are never quoted.
absl::StatusOr<std::string> PercentDecode(absl::string_view in, absl::string_view what,
                                          bool secret) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    const int hi = i + 1 < in.size() ? HexValue(in[i + 1]) : -1;
    const int lo = i + 2 < in.size() ? HexValue(in[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      const std::string quoted = secret ? "" : absl::StrCat(" (\"", in.substr(i, 3), "\")");
      return Invalid(absl::StrCat("DATABASE_URL has malformed percent-encoding in the ", what,
                                  quoted,
                                  "; write special characters as % and two hex digits, e.g. "
                                  "%40 for \"@\" and %25 for \"%\""));
    }
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') {
      return Invalid(absl::StrCat("DATABASE_URL has %00 (a NUL byte) in the ", what,
                                  ", which PostgreSQL cannot use"));
    }
    out += c;
    i += 2;
  }
  return out;
}

std::string PercentEncode(absl::string_view in, absl::string_view also_safe) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : in) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '.' || c == '_' || c == '~' ||
        absl::StrContains(also_safe, c)) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

absl::StatusOr<int> ParsePort(absl::string_view text) {
  if (absl::StrContains(text, ',')) {
    return Invalid(absl::StrCat("DATABASE_URL lists more than one port (\"", text,
                                "\"); multiple hosts are not supported, give exactly one"));
  }
  // Five digits at most keeps the arithmetic far from overflow.
  bool ok = !text.empty() && text.size() <= 5;
  int port = 0;
  for (const char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      ok = false;
      break;
    }
    port = port * 10 + (c - '0');
  }
  if (!ok || port < 1 || port > 65535) {
    return Invalid(absl::StrCat("DATABASE_URL has invalid port \"", text,
                                "\"; the port must be a number from 1 to 65535"));
  }
  return port;
}

void SetParam(std::vector<std::pair<std::string, std::string>>& params, absl::string_view key,
              std::string value) {
  for (auto& [k, v] : params) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  params.emplace_back(std::string(key), std::move(value));
}

// Stores one libpq keyword; both input forms end up here so they validate alike.
absl::Status ApplySetting(DatabaseUrl& url, absl::string_view key, std::string value) {
  if (key == "host") {
    url.host = std::move(value);
  } else if (key == "port") {
    ASSIGN_OR_RETURN(url.port, ParsePort(value));
  } else if (key == "dbname") {
    url.dbname = std::move(value);
  } else if (key == "user") {
    url.user = std::move(value);
  } else if (key == "password") {
    url.password = std::move(value);
  } else {
    // libpq itself only checks sslmode when connecting; failing at startup is kinder.
    if (key == "sslmode" && !IsSslMode(value)) {
      return Invalid(absl::StrCat("DATABASE_URL has invalid sslmode \"", value,
                                  "\"; expected one of ", kSslModeList));
    }
    SetParam(url.params, key, std::move(value));
  }
  return absl::OkStatus();
}

absl::Status Validate(const DatabaseUrl& url, absl::string_view missing_host_message) {
  absl::string_view hostaddr;
  for (const auto& [key, value] : url.params) {
    if (key == "hostaddr") hostaddr = value;
  }
  if (absl::StrContains(url.host, ',') || absl::StrContains(hostaddr, ',')) {
    return MultipleHostsError();
  }
  // Without a host libpq silently picks its compiled-in socket directory, which in a
  // container is almost never what was meant.
  if (url.host.empty() && hostaddr.empty()) return Invalid(missing_host_message);
  return absl::OkStatus();
}

constexpr absl::string_view kUriMissingHost =
    "DATABASE_URL has no host; use postgresql://user:password@host:5432/dbname, or "
    "postgresql:///dbname?host=/path/to/socket/dir for a Unix socket";
constexpr absl::string_view kKeyValueMissingHost =
    "DATABASE_URL has no host; add host=NAME, or host=/path/to/socket/dir for a Unix socket";

absl::Status ParseQuery(absl::string_view query, Dialect dialect, DatabaseUrl& url) {
  for (absl::string_view piece : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    const size_t eq = piece.find('=');
    if (eq == npos) {
      return Invalid(absl::StrCat("DATABASE_URL query parameter \"", piece,
                                  "\" has no value; write ", piece, "=value"));
    }
    ASSIGN_OR_RETURN(std::string key,
                     PercentDecode(piece.substr(0, eq), "query parameter name", false));
    if (dialect == Dialect::kAsyncpg && key == "ssl") {
      ASSIGN_OR_RETURN(std::string ssl,
                       PercentDecode(piece.substr(eq + 1), "ssl parameter", false));
      ssl = absl::AsciiStrToLower(ssl);
      if (ssl == "true") {
        ssl = "require";
      } else if (ssl == "false") {
        ssl = "disable";
      } else if (!IsSslMode(ssl)) {
        return Invalid(absl::StrCat("DATABASE_URL has invalid ssl \"", ssl,
                                    "\"; expected true, false or one of ", kSslModeList));
      }
      RETURN_IF_ERROR(ApplySetting(url, "sslmode", std::move(ssl)));
      continue;
    }
    if (!LibpqKeywords().contains(key)) {
      const absl::string_view hint = key == "ssl"
                                         ? " (use sslmode=require; ssl= is only understood with "
                                           "postgresql+asyncpg://)"
                                         : "";
      return Invalid(absl::StrCat(
          "DATABASE_URL has unknown query parameter \"", key, "\"", hint,
          "; only libpq connection parameters are accepted, see "
          "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS"));
    }
    const bool secret = IsSecretKeyword(key);
    ASSIGN_OR_RETURN(
        std::string value,
        PercentDecode(piece.substr(eq + 1), secret ? key : "query parameter value", secret));
    RETURN_IF_ERROR(ApplySetting(url, key, std::move(value)));
  }
  return absl::OkStatus();
}

// Parses what follows "scheme://", taking rest[0, at) as user[:password] when at != npos.
absl::StatusOr<DatabaseUrl> ParseUriAt(absl::string_view rest, Dialect dialect, size_t at) {
  DatabaseUrl url;
  if (at != npos) {
    const absl::string_view userinfo = rest.substr(0, at);
    rest.remove_prefix(at + 1);
    const size_t colon = userinfo.find(':');
    ASSIGN_OR_RETURN(url.user, PercentDecode(userinfo.substr(0, colon), "user name", false));
    if (colon != npos) {
      ASSIGN_OR_RETURN(url.password, PercentDecode(userinfo.substr(colon + 1), "password", true));
    }
  }

  const size_t authority_end = rest.find_first_of("/?");
  const absl::string_view hostport = rest.substr(0, authority_end);
  const absl::string_view tail = authority_end == npos ? "" : rest.substr(authority_end);
  absl::string_view path;
  absl::string_view query;
  if (absl::StartsWith(tail, "/")) {
    const size_t q = tail.find('?');
    path = tail.substr(1, q == npos ? npos : q - 1);
    if (q != npos) query = tail.substr(q + 1);
  } else if (!tail.empty()) {
    query = tail.substr(1);
  }
  // A raw "@" past the host nearly always means a "/" in the password cut the URI short;
  // accepting it would connect as the wrong user to a database named after the password.
  if (absl::StrContains(path, '@')) {
    return Invalid(
        "DATABASE_URL has \"@\" after the host; percent-encode special characters in the user "
        "name, password and database name (\"/\" as %2F, \"?\" as %3F, \"@\" as %40)");
  }

  if (absl::StrContains(hostport, ',')) return MultipleHostsError();
  absl::string_view host_text = hostport;
  absl::string_view port_text;
  bool has_port = false;
  if (absl::StartsWith(hostport, "[")) {
    const size_t close = hostport.find(']');
    if (close == npos) {
      return Invalid(
          "DATABASE_URL has an IPv6 address without its closing \"]\"; write it as [::1] or "
          "[::1]:5432");
    }
    host_text = hostport.substr(1, close - 1);
    const absl::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return Invalid(
            "DATABASE_URL has unexpected text after the IPv6 address; write it as [::1] or "
            "[::1]:5432");
      }
      has_port = true;
      port_text = after.substr(1);
    }
  } else if (const size_t colon = hostport.find(':'); colon != npos) {
    host_text = hostport.substr(0, colon);
    port_text = hostport.substr(colon + 1);
    has_port = true;
    if (absl::StrContains(port_text, ':')) {
      return Invalid(
          "DATABASE_URL has a host containing \":\"; write IPv6 addresses in brackets, e.g. "
          "postgresql://user@[::1]:5432/dbname");
    }
  }
  ASSIGN_OR_RETURN(url.host, PercentDecode(host_text, "host", false));
  if (has_port) {
    ASSIGN_OR_RETURN(url.port, ParsePort(port_text));
  }
  ASSIGN_OR_RETURN(url.dbname, PercentDecode(path, "database name", false));
  RETURN_IF_ERROR(ParseQuery(query, dialect, url));
  RETURN_IF_ERROR(Validate(url, kUriMissingHost));
  return url;
}

absl::StatusOr<DatabaseUrl> ParseUri(absl::string_view rest, Dialect dialect) {
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  // The last "@" rather than the first, so that an unencoded "@" in the password still works.
  const size_t at = authority.rfind('@');
  absl::StatusOr<DatabaseUrl> url = ParseUriAt(rest, dialect, at);
  if (url.ok()) return url;

  if (dialect != Dialect::kLibpq) {
    // SQLAlchemy's URL regex lets the password run to the first "@" even across "/" and "?",
    // so the old Python app accepted unencoded passwords like "ab/c?d". Retry that way.
    const size_t colon = rest.find(':');
    if (colon != npos && colon < authority.size()) {
      const size_t sqlalchemy_at = rest.find('@', colon);
      if (sqlalchemy_at != npos && sqlalchemy_at != at) {
        absl::StatusOr<DatabaseUrl> retry = ParseUriAt(rest, dialect, sqlalchemy_at);
        if (retry.ok()) return retry;
      }
    }
  }
  // No user part, a ":" in the host part and an "@" further on: most likely a password with
  // "/" or "?" that split the URI early. Say so, and quote nothing, since the failing piece
  // is probably part of the password.
  if (at == npos && absl::StrContains(authority, ':') && rest.find('@', authority.size()) != npos) {
    return Invalid(
        "DATABASE_URL is not a valid URI; if the password contains \"/\" or \"?\", "
        "percent-encode them as %2F and %3F");
  }
  return url;
}

// Lists the keywords of a libpq key=value string in input order, following the tokenising
// rules of libpq's conninfo_parse(). PQconninfoParse() reports values in its own fixed
// order, and params must keep the caller's order so that ToConnString() round-trips.
// Errors give a position instead of quoting the text, which may be part of a password.
absl::StatusOr<std::vector<std::string>> ConnStringKeywords(absl::string_view s) {
  std::vector<std::string> keywords;
  size_t i = 0;
  auto skip_spaces = [&] {
    while (i < s.size() && absl::ascii_isspace(static_cast<unsigned char>(s[i]))) ++i;
  };
  while (true) {
    skip_spaces();
    if (i == s.size()) break;
    const size_t start = i;
    while (i < s.size() && s[i] != '=' && !absl::ascii_isspace(static_cast<unsigned char>(s[i]))) {
      ++i;
    }
    const absl::string_view keyword = s.substr(start, i - start);
    skip_spaces();
    if (i == s.size() || s[i] != '=') {
      return Invalid(absl::StrCat(
          "DATABASE_URL is not a valid libpq key=value string: missing \"=\" after the word at "
          "character ",
          start + 1, "; quote values that contain spaces, e.g. password='my secret'"));
    }
    ++i;
    skip_spaces();
    if (i < s.size() && s[i] == '\'') {
      const size_t quote = i++;
      while (true) {
        if (i >= s.size()) {
          return Invalid(absl::StrCat(
              "DATABASE_URL is not a valid libpq key=value string: the quoted value starting at "
              "character ",
              quote + 1, " is unterminated; escape a quote inside a value as \\'"));
        }
        if (s[i] == '\\') {
          i += 2;
        } else if (s[i++] == '\'') {
          break;
        }
      }
    } else {
      while (i < s.size() && !absl::ascii_isspace(static_cast<unsigned char>(s[i]))) {
        i += s[i] == '\\' ? 2 : 1;
      }
      i = std::min(i, s.size());
    }
    keywords.emplace_back(keyword);
  }
  return keywords;
}

absl::StatusOr<DatabaseUrl> ParseKeyValue(absl::string_view s) {
  ASSIGN_OR_RETURN(const std::vector<std::string> keywords, ConnStringKeywords(s));
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(std::string(s).c_str(), &error), &PQconninfoFree);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    absl::StripTrailingAsciiWhitespace(&message);
    return Invalid(absl::StrCat("DATABASE_URL is not a valid libpq key=value string: ", message));
  }
  DatabaseUrl url;
  std::vector<absl::string_view> seen;
  for (const std::string& keyword : keywords) {
    if (std::find(seen.begin(), seen.end(), keyword) != seen.end()) continue;
    seen.push_back(keyword);
    const PQconninfoOption* option = options.get();
    while (option->keyword != nullptr && keyword != option->keyword) ++option;
    if (option->keyword == nullptr || option->val == nullptr) {
      return absl::InternalError(absl::StrCat("libpq did not return a value for keyword \"",
                                              keyword, "\" of DATABASE_URL"));
    }
    // libpq has already resolved quoting and repeated keywords (the last one wins).
    RETURN_IF_ERROR(ApplySetting(url, keyword, option->val));
  }
  RETURN_IF_ERROR(Validate(url, kKeyValueMissingHost));
  return url;
}

}  // namespace

// Quotes a value for a libpq key=value string where conninfo_parse() would otherwise split
// or unescape it.
std::string QuoteConnValue(absl::string_view value) {
  bool needs_quotes = value.empty();
  for (const char c : value) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '\'' || c == '\\') {
      needs_quotes = true;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += '\'';
  return out;
}

std::string DatabaseUrl::ToConnString() const {
  std::vector<std::string> parts;
  auto add = [&parts](absl::string_view key, absl::string_view value) {
    parts.push_back(absl::StrCat(key, "=", QuoteConnValue(value)));
  };
  if (!host.empty()) add("host", host);
  add("port", absl::StrCat(port));
  if (!dbname.empty()) add("dbname", dbname);
  if (!user.empty()) add("user", user);
  if (!password.empty()) add("password", password);
  for (const auto& [key, value] : params) add(key, value);
  return absl::StrJoin(parts, " ");
}

std::string DatabaseUrl::Redacted() const {
  std::string out = "postgresql://";
  if (!user.empty() || !password.empty()) {
    absl::StrAppend(&out, PercentEncode(user, ""), password.empty() ? "" : ":***", "@");
  }
  // Socket directories go in the query, where they stay readable; the authority would need
  // every "/" encoded.
  const bool socket_dir = absl::StartsWith(host, "/");
  std::vector<std::string> query;
  if (socket_dir) {
    query.push_back(absl::StrCat("host=", PercentEncode(host, "/")));
  } else if (absl::StrContains(host, ':')) {
    absl::StrAppend(&out, "[", PercentEncode(host, ":"), "]");
  } else {
    absl::StrAppend(&out, PercentEncode(host, ""));
  }
  absl::StrAppend(&out, ":", port);
  if (!dbname.empty()) absl::StrAppend(&out, "/", PercentEncode(dbname, ""));
  for (const auto& [key, value] : params) {
    query.push_back(absl::StrCat(PercentEncode(key, ""), "=",
                                 IsSecretKeyword(key) ? "***" : PercentEncode(value, "/:,")));
  }
  if (!query.empty()) absl::StrAppend(&out, "?", absl::StrJoin(query, "&"));
  return out;
}

absl::StatusOr<DatabaseUrl> ParseDatabaseUrl(absl::string_view url) {
  url = absl::StripAsciiWhitespace(url);
  if (url.empty()) {
    return Invalid(
        "DATABASE_URL is empty; set it to a PostgreSQL URI such as "
        "postgresql://user:password@host:5432/dbname, or unset it to use the default");
  }
  if (absl::StrContains(url, '\0')) return Invalid("DATABASE_URL contains a NUL byte");

  size_t scheme_end = 0;
  while (scheme_end < url.size() &&
         (absl::ascii_isalnum(static_cast<unsigned char>(url[scheme_end])) ||
          absl::StrContains("+-.", url[scheme_end]))) {
    ++scheme_end;
  }
  if (scheme_end > 0 && absl::ascii_isalpha(static_cast<unsigned char>(url[0])) &&
      scheme_end < url.size() && url[scheme_end] == ':') {
    const std::string scheme = absl::AsciiStrToLower(url.substr(0, scheme_end));
    const absl::string_view after = url.substr(scheme_end + 1);
    if (absl::StartsWith(scheme, "sqlite")) {
      return Invalid(
          "DATABASE_URL points at SQLite, but plex-kiosk needs PostgreSQL; set it to "
          "postgresql://user:password@host:5432/dbname and import the old SQLite data with "
          "`kiosk-migrate import-sqlite`");
    }
    const Scheme* known = nullptr;
    for (const Scheme& s : kSchemes) {
      if (scheme == s.name) known = &s;
    }
    if (absl::StartsWith(after, "//")) {
      if (known == nullptr) {
        return Invalid(absl::StrCat("DATABASE_URL has unsupported scheme \"", scheme, "://\"; ",
                                    kAcceptedForms));
      }
      return ParseUri(after.substr(2), known->dialect);
    }
    if (known != nullptr) {
      return Invalid(absl::StrCat("DATABASE_URL must start with \"", scheme, "://\""));
    }
    // Something like "localhost:5432": fall through to the generic complaint below.
  } else if (absl::StrContains(url, '=')) {
    return ParseKeyValue(url);
  }
  return Invalid(
      absl::StrCat("DATABASE_URL is neither a URI nor a libpq key=value string; ", kAcceptedForms));
}

}  // namespace kiosk::db
