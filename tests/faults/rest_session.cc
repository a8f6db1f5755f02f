#include "tests/faults/rest_session.h"

#include "absl/strings/str_cat.h"

namespace kiosk::testing {
namespace {

using ::kiosk::gateway::testing::HttpCall;

absl::StatusOr<std::string> Login(int port, const std::string& user, const std::string& password) {
  HttpTestResponse r = HttpCall(port, "POST", "/api/v1/auth/login",
                                nlohmann::json{{"username", user}, {"password", password}}.dump());
  if (r.status != 200) {
    return absl::InternalError(absl::StrCat("login ", user, ": ", r.status, " ", r.body));
  }
  return Json(r).value("accessToken", "");
}

absl::StatusOr<std::string> ChangePassword(int port, const std::string& token,
                                           const std::string& from, const std::string& to) {
  RestSession session(port, token);
  HttpTestResponse r = session.Call("POST", "/api/v1/auth/password",
                                    {{"currentPassword", from}, {"newPassword", to}});
  if (r.status != 200) {
    return absl::InternalError(absl::StrCat("password change: ", r.status, " ", r.body));
  }
  return Json(r).value("accessToken", "");
}

}  // namespace

nlohmann::json Json(const HttpTestResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
}

absl::StatusOr<RestSession> RestSession::FirstAdminLogin(int port) {
  absl::StatusOr<std::string> token = Login(port, "admin", "admin");
  if (!token.ok()) return token.status();
  absl::StatusOr<std::string> changed =
      ChangePassword(port, *token, "admin", "fault admin password");
  if (!changed.ok()) return changed.status();
  return RestSession(port, *changed);
}

absl::StatusOr<RestSession> RestSession::CreateUser(const std::string& username) {
  const std::string first = absl::StrCat(username, " first password");
  HttpTestResponse created = Call("POST", "/api/v1/users",
                                  {{"username", username},
                                   {"email", absl::StrCat(username, "@example.com")},
                                   {"password", first},
                                   {"role", "ROLE_USER"}});
  if (created.status != 200) {
    return absl::InternalError(absl::StrCat("create user: ", created.status, " ", created.body));
  }
  absl::StatusOr<std::string> token = Login(port_, username, first);
  if (!token.ok()) return token.status();
  absl::StatusOr<std::string> changed =
      ChangePassword(port_, *token, first, absl::StrCat(username, " second password"));
  if (!changed.ok()) return changed.status();
  return RestSession(port_, *changed);
}

HttpTestResponse RestSession::Call(const std::string& method, const std::string& target,
                                   const nlohmann::json& body) const {
  return CallOn(port_, method, target, body);
}

HttpTestResponse RestSession::CallOn(int port, const std::string& method,
                                     const std::string& target, const nlohmann::json& body) const {
  return HttpCall(port, method, target, body.is_null() ? "" : body.dump(),
                  {absl::StrCat("Authorization: Bearer ", token_)});
}

absl::Status RestSession::SetSettings(const nlohmann::json& values) const {
  HttpTestResponse r = Call("PATCH", "/api/v1/settings", {{"values", values}});
  if (r.status != 200) {
    return absl::InternalError(absl::StrCat("settings: ", r.status, " ", r.body));
  }
  return absl::OkStatus();
}

}  // namespace kiosk::testing
