// Who may call what, over REST with real tokens: every route the gateway
// documents is classified below (a new route fails the test until it is), a
// user's token gets 403 on every admin and service-only route, and one user
// can neither read, cancel nor see another user's requests and profile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/security/security_suite.h"
#include "tests/suite/openapi_routes.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

enum class Access {
  kPublic,  // no token (login, refresh)
  kUser,    // any signed-in user, on his own data
  kAdmin,   // admins only: a user's token gets 403
  kService  // service tokens only (internal routes): a user's token gets 403
};

// Every documented route and who may call it, as the protos' comments say.
const std::map<std::string, Access>& RouteAccess() {
  static auto* table = new std::map<std::string, Access>{
      // kiosk-users
      {"POST /api/v1/auth/login", Access::kPublic},
      {"POST /api/v1/auth/refresh", Access::kPublic},
      {"POST /api/v1/auth/logout", Access::kUser},
      {"GET /api/v1/auth/me", Access::kUser},
      {"GET /api/v1/users/me", Access::kUser},
      {"PATCH /api/v1/auth/me", Access::kUser},
      {"POST /api/v1/auth/password", Access::kUser},
      {"GET /api/v1/users/me/quota", Access::kUser},
      {"GET /api/v1/auth/api-keys", Access::kUser},
      {"DELETE /api/v1/auth/api-keys/{id}", Access::kUser},
      {"GET /api/v1/users/{id}", Access::kUser},             // himself only (see below)
      {"GET /api/v1/users/{user_id}/quota", Access::kUser},  // himself only (see below)
      {"POST /api/v1/auth/api-keys", Access::kAdmin},
      {"GET /api/v1/users/info", Access::kAdmin},
      {"GET /api/v1/users", Access::kAdmin},
      {"POST /api/v1/users", Access::kAdmin},
      {"PATCH /api/v1/users/{id}", Access::kAdmin},
      {"POST /api/v1/users/{id}:resetPassword", Access::kAdmin},
      {"DELETE /api/v1/users/{id}", Access::kAdmin},
      {"GET /api/v1/settings", Access::kAdmin},
      {"PATCH /api/v1/settings", Access::kAdmin},
      {"POST /api/v1/webhooks", Access::kAdmin},
      {"GET /api/v1/webhooks", Access::kAdmin},
      {"PATCH /api/v1/webhooks/{id}", Access::kAdmin},
      {"DELETE /api/v1/webhooks/{id}", Access::kAdmin},
      {"POST /api/v1/webhooks/{id}:test", Access::kAdmin},
      {"GET /api/v1/internal/settings", Access::kService},
      {"GET /api/v1/internal/webhooks", Access::kService},
      // kiosk-media
      {"GET /api/v1/search", Access::kUser},
      {"POST /api/v1/requests", Access::kUser},
      {"GET /api/v1/requests/mine", Access::kUser},
      {"GET /api/v1/requests:count", Access::kUser},
      {"GET /api/v1/requests/{id}", Access::kUser},
      {"POST /api/v1/requests/{id}:cancel", Access::kUser},
      {"GET /api/v1/requests/{id}/history", Access::kUser},
      {"GET /api/v1/titles/{media_type}/{tmdb_id}", Access::kUser},
      {"GET /api/v1/titles/tv/{tmdb_id}/seasons/{season_number}", Access::kUser},
      {"GET /api/v1/media/info", Access::kAdmin},
      {"GET /api/v1/requests", Access::kAdmin},
      {"POST /api/v1/requests/{id}:approve", Access::kAdmin},
      {"POST /api/v1/requests/{id}:decline", Access::kAdmin},
      {"POST /api/v1/requests/{id}:retry", Access::kAdmin},
      {"DELETE /api/v1/requests/{id}", Access::kAdmin},
      {"GET /api/v1/mappings", Access::kAdmin},
      {"POST /api/v1/mappings", Access::kAdmin},
      {"PATCH /api/v1/mappings/{id}", Access::kAdmin},
      {"DELETE /api/v1/mappings/{id}", Access::kAdmin},
      {"GET /api/v1/internal/media/users/{user_id}/request-counts", Access::kService},
      {"GET /api/v1/internal/media/tracked-titles", Access::kService},
      {"POST /api/v1/internal/media/library-presence", Access::kService},
      {"POST /api/v1/internal/media/requests/{request_id}:progress", Access::kService},
      // kiosk-downloads
      {"GET /api/v1/downloads/info", Access::kAdmin},
      {"POST /api/v1/downloads:attachRelease", Access::kAdmin},
      {"GET /api/v1/downloads/{id}", Access::kUser},  // own requests' only (downloads_service_pgtest)
      {"GET /api/v1/downloads", Access::kUser},       // own requests' only
      {"POST /api/v1/downloads/{id}:retry", Access::kAdmin},
      {"GET /api/v1/rename-settings", Access::kAdmin},
      {"GET /api/v1/rename-settings/{media_type}", Access::kAdmin},
      {"PATCH /api/v1/rename-settings/{media_type}", Access::kAdmin},
      {"POST /api/v1/rename-settings/{media_type}:preview", Access::kAdmin},
      {"GET /api/v1/transfers", Access::kAdmin},
      {"POST /api/v1/internal/downloads/requests/{request_id}:submit", Access::kService},
      {"GET /api/v1/indexers", Access::kAdmin},
      {"POST /api/v1/indexers", Access::kAdmin},
      {"PATCH /api/v1/indexers/{id}", Access::kAdmin},
      {"DELETE /api/v1/indexers/{id}", Access::kAdmin},
      {"POST /api/v1/indexers/{id}:test", Access::kAdmin},
      {"GET /api/v1/requests/{request_id}/releases", Access::kAdmin},
      {"GET /api/v1/blocklist", Access::kAdmin},
      {"DELETE /api/v1/blocklist/{id}", Access::kAdmin},
      // kiosk-plex
      {"GET /api/v1/plex/info", Access::kAdmin},
      {"POST /api/v1/plex/library:lookup", Access::kUser},
      {"GET /api/v1/plex/library:search", Access::kUser},
      {"POST /api/v1/plex/library:refresh-path", Access::kAdmin},
      {"GET /api/v1/plex/sections", Access::kAdmin},
      {"POST /api/v1/plex/library:sync", Access::kAdmin},
      {"GET /api/v1/plex/library:sync-status", Access::kAdmin},
      {"POST /api/v1/plex:test-connection", Access::kAdmin},
  };
  static const bool jobs_added = [] {
    // The job routes every service has (common/v1/jobs.proto).
    for (const char* service : {"users", "media", "downloads", "plex"}) {
      for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
               {"GET", "/api/v1/jobs/%s"},
               {"GET", "/api/v1/jobs/%s/{id}"},
               {"POST", "/api/v1/jobs/%s/{id}:retry"},
               {"POST", "/api/v1/jobs/%s/{id}:cancel"},
               {"GET", "/api/v1/schedules/%s"},
               {"POST", "/api/v1/schedules/%s/{name}:run"},
               {"GET", "/api/v1/jobs/%s:stats"}}) {
        std::string filled = path;
        filled.replace(filled.find("%s"), 2, service);
        (*table)[absl::StrCat(method, " ", filled)] = Access::kAdmin;
      }
    }
    return true;
  }();
  (void)jobs_added;
  return *table;
}

class AccessControlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(s_.ok()) << s_.status; }

  // Alice's film request (created once, waiting for the TMDB settings to
  // reach kiosk-media).
  std::string AliceRequest() {
    static std::string id;
    if (!id.empty()) return id;
    for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      HttpTestResponse r =
          s_.rest.Call("POST", "/api/v1/requests", s_.alice,
                       {{"mediaType", "movie"}, {"tmdbId", 603}, {"language", "en"}});
      if (r.status == 200) return id = Json(r)["id"].get<std::string>();
      absl::SleepFor(absl::Milliseconds(500));
    }
    ADD_FAILURE() << "alice could not request a film";
    return "0";
  }

  SecuritySuite& s_ = SecuritySuite::Get();
};

TEST_F(AccessControlTest, EveryDocumentedRouteIsClassifiedAndEveryClassifiedRouteExists) {
  absl::StatusOr<std::vector<RestRoute>> routes = FetchRestRoutes(s_.suite->gateway_port());
  ASSERT_TRUE(routes.ok()) << routes.status();
  std::set<std::string> documented;
  for (const RestRoute& route : *routes) {
    documented.insert(route.Name());
    auto it = RouteAccess().find(route.Name());
    if (it == RouteAccess().end()) {
      ADD_FAILURE() << route.Name() << " (" << route.operation_id
                    << ") is not in RouteAccess() of tests/security/access_control_test.cc: "
                       "add it with who may call it";
      continue;
    }
    EXPECT_EQ(route.is_public, it->second == Access::kPublic) << route.Name();
    // The comment the OpenAPI description comes from agrees with the table.
    const std::string description =
        route.operation.value("description", route.operation.value("summary", ""));
    bool admin_only = absl::StrContains(description, "(admins only)");
    for (const char* marker :
         {"Admin:", "Admins:", "Admins only", "Admins and services", "Services only"}) {
      admin_only = admin_only || description.rfind(marker, 0) == 0;
    }
    if (admin_only) {
      EXPECT_TRUE(it->second == Access::kAdmin || it->second == Access::kService)
          << route.Name() << ": documented as \"" << description.substr(0, 60) << "...\"";
    }
  }
  for (const auto& [name, access] : RouteAccess()) {
    EXPECT_TRUE(documented.count(name)) << name << " is in the table but not in /openapi.json";
  }
}

TEST_F(AccessControlTest, EveryAdminAndServiceRouteAnswers403ToAUser) {
  int checked = 0;
  for (const auto& [name, access] : RouteAccess()) {
    if (access != Access::kAdmin && access != Access::kService) continue;
    const std::string method = name.substr(0, name.find(' '));
    const std::string target = FillPath(name.substr(name.find(' ') + 1), "1");
    const nlohmann::json body =
        method == "GET" || method == "DELETE" ? nlohmann::json(nullptr) : nlohmann::json::object();
    HttpTestResponse r = s_.rest.Call(method, target, s_.alice, body);
    EXPECT_EQ(r.status, 403) << name << " with a user's token: " << r.body;
    EXPECT_EQ(Json(r).value("code", 0), 7) << name << ": a google.rpc.Status body, " << r.body;
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

TEST_F(AccessControlTest, AUserCannotReadCancelOrSeeAnotherUsersRequests) {
  const std::string id = AliceRequest();
  nlohmann::json own = Json(s_.rest.Call("GET", absl::StrCat("/api/v1/requests/", id), s_.alice));
  ASSERT_EQ(own.value("id", ""), id) << own.dump();

  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", absl::StrCat("/api/v1/requests/", id)},
           {"GET", absl::StrCat("/api/v1/requests/", id, "/history")},
           {"POST", absl::StrCat("/api/v1/requests/", id, ":cancel")}}) {
    HttpTestResponse r =
        s_.rest.Call(method, target, s_.bob, method == "POST" ? nlohmann::json::object() : nullptr);
    EXPECT_TRUE(r.status == 404 || r.status == 403) << method << " " << target << ": " << r.status;
    EXPECT_THAT(r.body, Not(HasSubstr("Matrix"))) << target;
  }
  // Still pending: bob's cancel did nothing.
  EXPECT_EQ(Json(s_.rest.Call("GET", absl::StrCat("/api/v1/requests/", id), s_.alice))["status"],
            "pending");
  HttpTestResponse mine = s_.rest.Call("GET", "/api/v1/requests/mine", s_.bob);
  EXPECT_EQ(mine.status, 200);
  EXPECT_THAT(mine.body, Not(HasSubstr("Matrix")));
  nlohmann::json counts = Json(s_.rest.Call("GET", "/api/v1/requests:count", s_.bob));
  EXPECT_THAT(counts.dump(), Not(HasSubstr("\"pending\":1"))) << counts.dump();
}

TEST_F(AccessControlTest, AUserCannotReadOrChangeAnotherUsersProfileQuotaOrKeys) {
  const std::string alice = absl::StrCat(s_.alice_id);
  EXPECT_EQ(s_.rest.Call("GET", absl::StrCat("/api/v1/users/", s_.bob_id), s_.bob).status, 200);
  EXPECT_EQ(s_.rest.Call("GET", absl::StrCat("/api/v1/users/", alice), s_.bob).status, 403);
  EXPECT_EQ(s_.rest.Call("GET", absl::StrCat("/api/v1/users/", alice, "/quota"), s_.bob).status,
            403);
  EXPECT_EQ(
      s_.rest.Call("PATCH", absl::StrCat("/api/v1/users/", alice), s_.bob, {{"role", "ROLE_ADMIN"}})
          .status,
      403);
  EXPECT_EQ(s_.rest.Call("GET", "/api/v1/users/1", s_.bob).status, 403);
  // An admin's API key cannot be revoked by a user.
  HttpTestResponse key =
      s_.rest.Call("POST", "/api/v1/auth/api-keys", s_.admin, {{"name", "access control key"}});
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string key_id = Json(key)["apiKey"]["id"];
  HttpTestResponse revoke =
      s_.rest.Call("DELETE", absl::StrCat("/api/v1/auth/api-keys/", key_id), s_.bob);
  EXPECT_TRUE(revoke.status == 403 || revoke.status == 404) << revoke.body;
  HttpTestResponse keys = s_.rest.Call("GET", "/api/v1/auth/api-keys", s_.admin);
  EXPECT_THAT(keys.body, HasSubstr("access control key"));
  HttpTestResponse bobs_keys = s_.rest.Call("GET", "/api/v1/auth/api-keys", s_.bob);
  EXPECT_THAT(bobs_keys.body, Not(HasSubstr("access control key")));
}

}  // namespace
}  // namespace kiosk::testing
