// URL helpers for the HTTP clients: percent-encoding (RFC 3986 and
// application/x-www-form-urlencoded), query building, splitting a URL into
// scheme/host/port/path, and RedactUrl() for anything that is logged or put
// in a Status message (tokens such as X-Plex-Token and api_key travel in the
// query string).
//
//   std::string url = AppendQuery("http://plex:32400/library/sections",
//                                 {{"X-Plex-Token", token}});
//   std::string body = FormEncode({{"username", user}, {"password", password}});
//   return absl::UnavailableError(absl::StrCat("no answer from ", RedactUrl(url)));
#ifndef KIOSK_COMMON_HTTP_URL_H_
#define KIOSK_COMMON_HTTP_URL_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding of one path segment or query component: every byte
// but the unreserved ALPHA / DIGIT / "-" / "." / "_" / "~" becomes %XX
// (upper-case hex). "a b/c" -> "a%20b%2Fc".
std::string UrlEncode(absl::string_view component);

// application/x-www-form-urlencoded (WHATWG URL standard): "name=value" pairs
// joined with "&", space as "+", every byte but ALPHA / DIGIT / "*-._" as %XX.
// Order and repeated names are kept. Send it with
// Content-Type: application/x-www-form-urlencoded.
std::string FormEncode(const Params& fields);

// The inverse of FormEncode, lenient like browsers: "+" is a space, a
// malformed %-escape is kept as is, a field without "=" has an empty value.
// Also decodes query strings ("a=1&b=x+y").
Params FormDecode(absl::string_view encoded);

// Decodes %XX escapes only ("+" stays "+"); malformed escapes are kept as is.
std::string PercentDecode(absl::string_view text);

// `url` with `params` added to its query (UrlEncode'd, "&"-joined), before any
// "#fragment". AppendQuery("http://h/p?a=1", {{"q", "x y"}}) ->
// "http://h/p?a=1&q=x%20y".
std::string AppendQuery(absl::string_view url, const Params& params);

// `url` without user information, query string and fragment, safe to log:
// "https://user:pw@plex:32400/library?X-Plex-Token=abc#x" ->
// "https://plex:32400/library". Works on malformed URLs too (it only cuts).
std::string RedactUrl(absl::string_view url);

// The parts of an absolute http(s) URL that clients and the cookie jar need.
struct UrlParts {
  std::string scheme;  // lower-case: "http" or "https"
  std::string host;    // lower-case; IPv6 without brackets: "::1"
  int port = 0;        // explicit, or 80 / 443 by scheme
  std::string path;    // as written, never empty ("/" when absent); no query
  std::string query;   // without the "?"; empty when absent

  // "host:port", "[::1]:8080" for IPv6; for messages and Host checks.
  std::string HostPort() const;
  // "scheme://host:port", the value qBittorrent wants in Origin/Referer; the
  // port is left out when it is the scheme's default.
  std::string Origin() const;
};

// Splits an absolute http:// or https:// URL. INVALID_ARGUMENT (with the URL
// redacted) for another scheme, a missing host or a bad port.
absl::StatusOr<UrlParts> ParseUrl(absl::string_view url);

}  // namespace kiosk::http

#endif  // KIOSK_COMMON_HTTP_URL_H_
