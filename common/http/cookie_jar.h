// Cookies for HTTP sessions such as qBittorrent's WebUI login: remembers what
// servers set with Set-Cookie (per host) and produces the Cookie header for
// later requests. Works with any HttpClient; CookieHttpClient does it on
// every call.
//
//   CurlHttpClient curl;
//   CookieJar jar;
//   CookieHttpClient http(curl, jar);
//   http.Send({.method = "POST", .url = base + "/api/v2/auth/login", ...});  // SID=...
//   http.Send({.url = base + "/api/v2/torrents/info"});  // sends Cookie: SID=...
//   jar.Clear();  // on 403: log in again
//
// A minimal RFC 6265 subset: name=value, Path (default path and path
// matching), Max-Age (wins over Expires), Expires (IMF-fixdate and the
// "Wed, 21-Oct-2015 ..." form), Secure (sent only over https). A cookie with
// the same host, name and path replaces the old one; Max-Age=0 or a past
// Expires deletes it. Domain is ignored: every cookie is host-only, which is
// all a client of one server needs. Cookies are not told apart by port
// (RFC 6265), which is why qBittorrent 5.2 names its cookie QBT_SID_<port>.
// Thread-safe.
#ifndef KIOSK_COMMON_HTTP_COOKIE_JAR_H_
#define KIOSK_COMMON_HTTP_COOKIE_JAR_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"

namespace kiosk::http {

class CookieJar {
 public:
  // `now` tells the time for expiry; tests pass a fake clock.
  explicit CookieJar(std::function<absl::Time()> now = &absl::Now);
  CookieJar(const CookieJar&) = delete;
  CookieJar& operator=(const CookieJar&) = delete;

  // Stores the cookies of every Set-Cookie header of `response`, the answer
  // to a request for `url`.
  void Update(absl::string_view url, const HttpResponse& response);
  // Stores one Set-Cookie value received from `url`. False when it was
  // ignored: no "name=", or `url` is not an http(s) URL.
  bool SetCookie(absl::string_view url, absl::string_view set_cookie);

  // The Cookie header value for a request to `url` ("a=1; b=2"), "" when no
  // cookie applies. Longer paths first, then oldest first (RFC 6265 5.4).
  std::string CookieHeader(absl::string_view url) const;
  // Adds the cookies for request.url to `request`: a Cookie header, or
  // appended to the one already there.
  void AddTo(HttpRequest& request) const;
  // The value of cookie `name` that a request to `url` would carry.
  std::optional<std::string> Get(absl::string_view url, absl::string_view name) const;

  // Forgets every cookie (log out, or log in again after a 403).
  void Clear();
  // Cookies held that have not expired.
  size_t size() const;

 private:
  struct Cookie {
    std::string host;
    std::string name;
    std::string value;
    std::string path;
    absl::Time expires = absl::InfiniteFuture();
    bool secure = false;
    uint64_t created = 0;
  };

  const std::function<absl::Time()> now_;
  mutable std::mutex mu_;  // not absl::Mutex, which TSan cannot see in Debian's libabsl
  std::vector<Cookie> cookies_ ABSL_GUARDED_BY(mu_);
  uint64_t next_created_ ABSL_GUARDED_BY(mu_) = 0;
};

// An HttpClient that sends `jar`'s cookies with every request and stores the
// Set-Cookie headers of every answer (of the last answer when redirects are
// followed). Neither `inner` nor `jar` is owned; both must outlive this.
class CookieHttpClient final : public HttpClient {
 public:
  CookieHttpClient(HttpClient& inner, CookieJar& jar) : inner_(&inner), jar_(&jar) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;

 private:
  HttpClient* const inner_;
  CookieJar* const jar_;
};

}  // namespace kiosk::http

#endif  // KIOSK_COMMON_HTTP_COOKIE_JAR_H_
