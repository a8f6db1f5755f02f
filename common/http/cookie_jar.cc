#include "common/http/cookie_jar.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kiosk::http {
namespace {

// RFC 6265 5.1.4: the directory of the request path.
std::string DefaultPath(absl::string_view request_path) {
  if (!absl::StartsWith(request_path, "/")) return "/";
  size_t last = request_path.rfind('/');
  if (last == 0) return "/";
  return std::string(request_path.substr(0, last));
}

// RFC 6265 5.1.4 path-match.
bool PathMatches(absl::string_view request_path, absl::string_view cookie_path) {
  if (request_path == cookie_path) return true;
  if (!absl::StartsWith(request_path, cookie_path)) return false;
  return absl::EndsWith(cookie_path, "/") || request_path[cookie_path.size()] == '/';
}

// Expires values as servers send them: "Wed, 21 Oct 2015 07:28:00 GMT" and
// the older "Wed, 21-Oct-2015 07:28:00 GMT" / "Wednesday, 21-Oct-15 ...".
// %a also reads full day names. The two-digit year comes before the
// four-digit one, which would read "15" as the year 15.
std::optional<absl::Time> ParseExpires(absl::string_view text) {
  static constexpr const char* kFormats[] = {
      "%a, %d %b %Y %H:%M:%S GMT",
      "%a, %d-%b-%y %H:%M:%S GMT",
      "%a, %d-%b-%Y %H:%M:%S GMT",
  };
  std::string value(absl::StripAsciiWhitespace(text));
  for (const char* format : kFormats) {
    absl::Time time;
    std::string error;
    if (absl::ParseTime(format, value, absl::UTCTimeZone(), &time, &error)) return time;
  }
  return std::nullopt;
}

}  // namespace

CookieJar::CookieJar(std::function<absl::Time()> now) : now_(std::move(now)) {}

void CookieJar::Update(absl::string_view url, const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "set-cookie") SetCookie(url, value);
  }
}

bool CookieJar::SetCookie(absl::string_view url, absl::string_view set_cookie) {
  absl::StatusOr<UrlParts> parts = ParseUrl(url);
  if (!parts.ok()) return false;
  std::vector<absl::string_view> fields = absl::StrSplit(set_cookie, ';');
  absl::string_view pair = fields.front();
  size_t eq = pair.find('=');
  if (eq == absl::string_view::npos) return false;
  Cookie cookie;
  cookie.host = parts->host;
  cookie.name = std::string(absl::StripAsciiWhitespace(pair.substr(0, eq)));
  cookie.value = std::string(absl::StripAsciiWhitespace(pair.substr(eq + 1)));
  if (cookie.name.empty()) return false;
  cookie.path = DefaultPath(parts->path);

  const absl::Time now = now_();
  bool has_max_age = false;
  for (size_t i = 1; i < fields.size(); ++i) {
    absl::string_view field = absl::StripAsciiWhitespace(fields[i]);
    size_t attr_eq = field.find('=');
    absl::string_view key = absl::StripAsciiWhitespace(field.substr(0, attr_eq));
    absl::string_view value = attr_eq == absl::string_view::npos
                                  ? absl::string_view()
                                  : absl::StripAsciiWhitespace(field.substr(attr_eq + 1));
    if (absl::EqualsIgnoreCase(key, "max-age")) {
      int64_t seconds = 0;
      if (!absl::SimpleAtoi(value, &seconds)) continue;  // ignored, as RFC 6265 says
      has_max_age = true;
      cookie.expires = seconds <= 0 ? absl::InfinitePast() : now + absl::Seconds(seconds);
    } else if (absl::EqualsIgnoreCase(key, "expires")) {
      if (has_max_age) continue;
      if (std::optional<absl::Time> expires = ParseExpires(value)) cookie.expires = *expires;
    } else if (absl::EqualsIgnoreCase(key, "path")) {
      cookie.path = absl::StartsWith(value, "/") ? std::string(value) : DefaultPath(parts->path);
    } else if (absl::EqualsIgnoreCase(key, "secure")) {
      cookie.secure = true;
    }
  }

  std::lock_guard<std::mutex> lock(mu_);
  uint64_t created = next_created_++;
  auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& old) {
    return old.host == cookie.host && old.name == cookie.name && old.path == cookie.path;
  });
  if (same != cookies_.end()) {
    created = same->created;  // a replacement keeps its place (RFC 6265 5.3 step 11)
    cookies_.erase(same);
  }
  // Drop what has expired, the new cookie included when it is a deletion.
  std::erase_if(cookies_, [now](const Cookie& old) { return old.expires <= now; });
  if (cookie.expires > now) {
    cookie.created = created;
    cookies_.push_back(std::move(cookie));
  }
  return true;
}

std::string CookieJar::CookieHeader(absl::string_view url) const {
  absl::StatusOr<UrlParts> parts = ParseUrl(url);
  if (!parts.ok()) return "";
  const absl::Time now = now_();
  std::vector<const Cookie*> matches;
  std::lock_guard<std::mutex> lock(mu_);
  for (const Cookie& cookie : cookies_) {
    if (cookie.host != parts->host || cookie.expires <= now) continue;
    if (cookie.secure && parts->scheme != "https") continue;
    if (!PathMatches(parts->path, cookie.path)) continue;
    matches.push_back(&cookie);
  }
  std::sort(matches.begin(), matches.end(), [](const Cookie* a, const Cookie* b) {
    if (a->path.size() != b->path.size()) return a->path.size() > b->path.size();
    return a->created < b->created;
  });
  std::string header;
  for (const Cookie* cookie : matches) {
    if (!header.empty()) header.append("; ");
    absl::StrAppend(&header, cookie->name, "=", cookie->value);
  }
  return header;
}

void CookieJar::AddTo(HttpRequest& request) const {
  std::string cookies = CookieHeader(request.url);
  if (cookies.empty()) return;
  for (auto& [name, value] : request.headers) {
    if (absl::EqualsIgnoreCase(name, "cookie")) {
      value = value.empty() ? cookies : absl::StrCat(value, "; ", cookies);
      return;
    }
  }
  request.headers.emplace_back("Cookie", std::move(cookies));
}

std::optional<std::string> CookieJar::Get(absl::string_view url, absl::string_view name) const {
  std::string header = CookieHeader(url);
  for (absl::string_view pair : absl::StrSplit(header, "; ", absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
  }
  return std::nullopt;
}

void CookieJar::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  cookies_.clear();
}

size_t CookieJar::size() const {
  const absl::Time now = now_();
  std::lock_guard<std::mutex> lock(mu_);
  return std::count_if(cookies_.begin(), cookies_.end(),
                       [now](const Cookie& cookie) { return cookie.expires > now; });
}

absl::StatusOr<HttpResponse> CookieHttpClient::Send(const HttpRequest& request) {
  HttpRequest with_cookies = request;
  jar_->AddTo(with_cookies);
  absl::StatusOr<HttpResponse> response = inner_->Send(with_cookies);
  if (response.ok()) jar_->Update(request.url, *response);
  return response;
}

}  // namespace kiosk::http
