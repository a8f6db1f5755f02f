// The kiosk page's session: its refresh token lives in a cookie the page's
// scripts cannot read (HttpOnly; SameSite=Strict; Path=/api/v1/auth), and its
// access token only in the page's memory, so a script injected into the page
// cannot steal a long-lived credential.
//
// Only requests marked `X-Kiosk-Client: web` (the page's fetches) are
// touched; every other client keeps the plain JSON API. A cross-site page
// cannot send that header without a CORS preflight, which the gateway refuses
// unless CORS_ORIGINS allows the site, and SameSite=Strict keeps the cookie off
// cross-site requests anyway.
//
//   Session answers (POST /api/v1/auth/login, /refresh, /password): the
//     refreshToken moves from the JSON body into the cookie.
//   POST /api/v1/auth/refresh and /logout: the body's refreshToken, when
//     absent, comes from the cookie.
//   POST /api/v1/auth/logout: the answer clears the cookie.
#ifndef KIOSK_GATEWAY_WEB_SESSION_H_
#define KIOSK_GATEWAY_WEB_SESSION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/http_server.h"

namespace kiosk::gateway {

inline constexpr absl::string_view kWebClientHeader = "x-kiosk-client";
inline constexpr absl::string_view kRefreshCookie = "kiosk_refresh";

// True for the page's own API calls.
bool IsWebClient(const HttpRequest& request);

// The value of cookie `name` in the request's Cookie headers ("" if absent).
std::string CookieValue(const HttpRequest& request, absl::string_view name);

// The request body to send upstream: for the page's refresh and logout calls
// without a refreshToken, the cookie's token is added. Any other request's
// body is returned unchanged (also a body that is not a JSON object: the
// transcoder reports it).
std::string WithRefreshTokenFromCookie(const HttpRequest& request, absl::string_view path);

// After a successful upstream answer to the page: moves a Session's
// refreshToken into the cookie, and clears the cookie on logout. The cookie
// is Secure when a proxy says the page came over HTTPS (X-Forwarded-Proto).
void MoveRefreshTokenToCookie(const HttpRequest& request, absl::string_view path,
                              HttpResponse& response);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_WEB_SESSION_H_
