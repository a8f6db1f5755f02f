#include "tests/suite/suite_client.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kiosk::testing {

using ::kiosk::gateway::testing::HttpCall;

nlohmann::json Json(const HttpTestResponse& response) {
  return nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
}

namespace {

absl::Status Failed(const std::string& what, const HttpTestResponse& response) {
  return absl::InternalError(absl::StrCat(what, ": HTTP ", response.status, " ", response.body));
}

absl::StatusOr<std::string> AccessToken(const std::string& what, const HttpTestResponse& response) {
  nlohmann::json json = Json(response);
  if (response.status != 200 || !json.is_object() || !json.contains("accessToken")) {
    return Failed(what, response);
  }
  return json["accessToken"].get<std::string>();
}

}  // namespace

HttpTestResponse SuiteClient::Call(const std::string& method, const std::string& target,
                                   const std::string& token, const nlohmann::json& body) const {
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back(absl::StrCat("Authorization: Bearer ", token));
  return HttpCall(port_, method, target, body.is_null() ? "" : body.dump(), headers);
}

absl::StatusOr<std::string> SuiteClient::Login(const std::string& username,
                                               const std::string& password) const {
  return AccessToken(
      absl::StrCat("login of ", username),
      Call("POST", "/api/v1/auth/login", "", {{"username", username}, {"password", password}}));
}

absl::StatusOr<std::string> SuiteClient::ChangePassword(const std::string& token,
                                                        const std::string& current,
                                                        const std::string& replacement) const {
  return AccessToken("password change",
                     Call("POST", "/api/v1/auth/password", token,
                          {{"currentPassword", current}, {"newPassword", replacement}}));
}

absl::StatusOr<std::string> SuiteClient::FirstAdminLogin(const std::string& new_password) const {
  absl::StatusOr<std::string> first = Login("admin", "admin");
  if (!first.ok()) return first.status();
  return ChangePassword(*first, "admin", new_password);
}

absl::StatusOr<std::string> SuiteClient::CreateUser(const std::string& admin_token,
                                                    const std::string& username,
                                                    const std::string& password) const {
  const std::string first_password = absl::StrCat(password, " (first)");
  HttpTestResponse created = Call("POST", "/api/v1/users", admin_token,
                                  {{"username", username},
                                   {"email", absl::StrCat(username, "@example.com")},
                                   {"password", first_password},
                                   {"role", "ROLE_USER"}});
  if (created.status != 200) return Failed(absl::StrCat("creating ", username), created);
  absl::StatusOr<std::string> first = Login(username, first_password);
  if (!first.ok()) return first.status();
  return ChangePassword(*first, first_password, password);
}

absl::Status SuiteClient::UseDoubles(const std::string& admin_token,
                                     const ExternalDoubles& doubles) const {
  const std::string root = doubles.media_dir();
  const DoublesOptions& o = doubles.options();
  HttpTestResponse settings = Call("PATCH", "/api/v1/settings", admin_token,
                                   {{"values",
                                     {{"tmdb.url", doubles.tmdb_url()},
                                      {"tmdb.api_key", o.tmdb_api_key},
                                      {"plex.url", doubles.plex_url()},
                                      {"plex.token", o.plex_token},
                                      {"plex.path_map", doubles.plex_path_map()},
                                      {"qbittorrent.url", doubles.qbittorrent_url()},
                                      {"qbittorrent.username", o.qbittorrent_username},
                                      {"qbittorrent.password", o.qbittorrent_password},
                                      {"downloads.path", absl::StrCat(root, "/downloads")},
                                      {"library.movies_path", absl::StrCat(root, "/movies")},
                                      {"library.tv_path", absl::StrCat(root, "/tv")}}}});
  if (settings.status != 200) return Failed("settings", settings);
  for (const char* type : {"movie", "tv"}) {
    HttpTestResponse rename = Call(
        "PATCH", absl::StrCat("/api/v1/rename-settings/", type), admin_token,
        {{"libraryRoot", absl::StrCat(root, type == std::string("movie") ? "/movies" : "/tv")}});
    if (rename.status != 200) return Failed(absl::StrCat("rename settings of ", type), rename);
  }
  return absl::OkStatus();
}

nlohmann::json SuiteClient::PollJson(const std::string& target, const std::string& token,
                                     const std::function<bool(const nlohmann::json&)>& done,
                                     absl::Duration timeout, absl::Duration interval) const {
  nlohmann::json last;
  for (absl::Time deadline = absl::Now() + timeout;;) {
    last = Json(Call("GET", target, token));
    if (done(last) || absl::Now() >= deadline) return last;
    absl::SleepFor(interval);
  }
}

}  // namespace kiosk::testing
