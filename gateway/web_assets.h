// The kiosk page's static files (gateway/web/), compiled into kiosk-gateway so
// the container needs no files, served at "/" with the headers that keep the
// page safe: a strict Content-Security-Policy (scripts, styles and API calls
// from this origin only, posters from image.tmdb.org, no inline script, no
// framing), nosniff, no referrer, and an ETag so browsers revalidate cheaply.
#ifndef KIOSK_GATEWAY_WEB_ASSETS_H_
#define KIOSK_GATEWAY_WEB_ASSETS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "gateway/http_server.h"

namespace kiosk::gateway {

struct WebAsset {
  std::string path;          // "/app.js"; "/" serves /index.html
  std::string content_type;  // "text/javascript; charset=utf-8"
  absl::string_view body;
  std::string etag;          // "\"<hash>\""
};

inline constexpr absl::string_view kPageContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' "
    "https://image.tmdb.org data:; connect-src 'self'; manifest-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'";

// nullptr when `path` is not a file of the page.
const WebAsset* FindWebAsset(absl::string_view path);

// Fills `response` with the asset (or 304 when `if_none_match` is its ETag)
// and the security headers.
void ServeWebAsset(const WebAsset& asset, absl::string_view if_none_match, HttpResponse& response);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_WEB_ASSETS_H_
