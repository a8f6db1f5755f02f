#include "gateway/web_session.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::gateway {
namespace {

constexpr absl::string_view kLoginPath = "/api/v1/auth/login";
constexpr absl::string_view kRefreshPath = "/api/v1/auth/refresh";
constexpr absl::string_view kPasswordPath = "/api/v1/auth/password";
constexpr absl::string_view kLogoutPath = "/api/v1/auth/logout";
constexpr absl::string_view kCookiePath = "/api/v1/auth";
// Refresh tokens live 30 days (kiosk-users' default); the server decides
// anyway, the cookie only must not outlive it by much.
constexpr int kCookieMaxAgeSeconds = 30 * 24 * 3600;

// Behind a TLS-terminating proxy the page came over HTTPS.
bool CameOverHttps(const HttpRequest& request) {
  return absl::EqualsIgnoreCase(request.Header("x-forwarded-proto"), "https");
}

std::string Cookie(const HttpRequest& request, absl::string_view value, int max_age) {
  return absl::StrCat(kRefreshCookie, "=", value, "; Path=", kCookiePath, "; Max-Age=", max_age,
                      "; HttpOnly; SameSite=Strict", CameOverHttps(request) ? "; Secure" : "");
}

}  // namespace

bool IsWebClient(const HttpRequest& request) {
  return absl::EqualsIgnoreCase(request.Header(kWebClientHeader), "web");
}

std::string CookieValue(const HttpRequest& request, absl::string_view name) {
  for (const auto& [header, value] : request.headers) {
    if (header != "cookie") continue;
    for (absl::string_view pair : absl::StrSplit(value, ';')) {
      pair = absl::StripAsciiWhitespace(pair);
      size_t eq = pair.find('=');
      if (eq != absl::string_view::npos && pair.substr(0, eq) == name) {
        return std::string(pair.substr(eq + 1));
      }
    }
  }
  return "";
}

std::string WithRefreshTokenFromCookie(const HttpRequest& request, absl::string_view path) {
  if (!IsWebClient(request) || request.method != "POST" ||
      (path != kRefreshPath && path != kLogoutPath)) {
    return request.body;
  }
  const std::string token = CookieValue(request, kRefreshCookie);
  if (token.empty()) return request.body;
  nlohmann::json body = request.body.empty()
                            ? nlohmann::json::object()
                            : nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return request.body;
  if (!body.contains("refreshToken") && !body.contains("refresh_token")) {
    body["refreshToken"] = token;
  }
  return body.dump();
}

void MoveRefreshTokenToCookie(const HttpRequest& request, absl::string_view path,
                              HttpResponse& response) {
  if (!IsWebClient(request) || request.method != "POST" || response.status != 200) return;
  if (path == kLogoutPath) {
    response.headers.emplace_back("Set-Cookie", Cookie(request, "", 0));
    return;
  }
  if (path != kLoginPath && path != kRefreshPath && path != kPasswordPath) return;
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object() || !body.contains("refreshToken") || !body["refreshToken"].is_string()) {
    return;
  }
  response.headers.emplace_back(
      "Set-Cookie", Cookie(request, body["refreshToken"].get<std::string>(), kCookieMaxAgeSeconds));
  body.erase("refreshToken");
  response.body = body.dump();
}

}  // namespace kiosk::gateway
