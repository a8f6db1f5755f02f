// SQL injection attempts in every string field a user or an admin can set are
// stored and shown back byte for byte (every query is parameterised), or
// refused by validation with a 400 that says why; never a 500, and every
// table is still there afterwards.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "tests/security/security_suite.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;

const std::vector<std::string>& Attacks() {
  static const auto* attacks = new std::vector<std::string>{
      "'; DROP TABLE users.users; --",
      "\\",
      "\\'",
      "' OR '1'='1",
      "\"; DELETE FROM media.media_requests; --",
      "Robert'); DROP TABLE users.users;--",
      "$$; SELECT pg_sleep(5); $$",
      "1; UPDATE users.users SET role='admin' WHERE '1'='1",
      "%_*?[]{}()^$|",
      "é’ \u2028 😀 ∑",
  };
  return *attacks;
}

int TableCount(const SecuritySuite& s) {
  pqxx::connection conn(s.suite->database().url().ToConnString());
  pqxx::work tx(conn);
  return tx
      .exec1(
          "SELECT count(*) FROM information_schema.tables "
          "WHERE table_schema IN ('users', 'media', 'downloads', 'plex')")[0]
      .as<int>();
}

// Percent-encodes every byte but letters and digits, for a query string.
std::string Url(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out += static_cast<char>(c);
    } else {
      absl::StrAppend(&out, "%", absl::BytesToHexString(std::string(1, static_cast<char>(c))));
    }
  }
  return out;
}

class SqlInjectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(s_.ok()) << s_.status; }
  SecuritySuite& s_ = SecuritySuite::Get();
};

TEST_F(SqlInjectionTest, StoredVerbatimOrRefusedByValidationInEveryStringField) {
  const int tables_before = TableCount(s_);
  int stored = 0;
  for (size_t i = 0; i < Attacks().size(); ++i) {
    const std::string& attack = Attacks()[i];
    SCOPED_TRACE(absl::StrCat("attack ", i, ": ", attack));

    // Username: letters, digits and . _ - @ only.
    HttpTestResponse user = s_.rest.Call("POST", "/api/v1/users", s_.admin,
                                         {{"username", attack},
                                          {"email", absl::StrCat("inj", i, "@example.com")},
                                          {"password", "injection password 1"},
                                          {"role", "ROLE_USER"}});
    EXPECT_EQ(user.status, 400) << user.body;
    EXPECT_THAT(user.body, HasSubstr("the username may contain"));
    // Login with it: simply not known.
    EXPECT_EQ(
        s_.rest.Call("POST", "/api/v1/auth/login", "", {{"username", attack}, {"password", attack}})
            .status,
        401);

    // The user's own email (no spaces, one @).
    std::string email =
        absl::StrCat(absl::StrReplaceAll(attack, {{" ", ""}, {"\u2028", ""}}), i, "@example.com");
    HttpTestResponse me = s_.rest.Call("PATCH", "/api/v1/auth/me", s_.bob, {{"email", email}});
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(Json(s_.rest.Call("GET", "/api/v1/auth/me", s_.bob))["email"], email);
    ++stored;

    // Admin-set names: API key, webhook, title mapping titles.
    const std::string name = absl::StrCat(attack, " #", i);
    HttpTestResponse key =
        s_.rest.Call("POST", "/api/v1/auth/api-keys", s_.admin, {{"name", name}});
    ASSERT_EQ(key.status, 200) << key.body;
    EXPECT_EQ(Json(key)["apiKey"]["name"], name);
    EXPECT_THAT(Json(s_.rest.Call("GET", "/api/v1/auth/api-keys", s_.admin)).dump(),
                HasSubstr(nlohmann::json(name).dump()));
    HttpTestResponse hook = s_.rest.Call(
        "POST", "/api/v1/webhooks", s_.admin,
        {{"name", name}, {"url", "http://127.0.0.1:9/hook"}, {"events", {"webhook.test"}}});
    ASSERT_EQ(hook.status, 200) << hook.body;
    EXPECT_EQ(Json(hook)["webhook"]["name"], name);
    HttpTestResponse mapping = s_.rest.Call("POST", "/api/v1/mappings", s_.admin,
                                            {{"mediaType", "movie"},
                                             {"tmdbId", 900000 + static_cast<int>(i)},
                                             {"titleFr", attack},
                                             {"titleEn", name},
                                             {"originalTitle", attack}});
    ASSERT_EQ(mapping.status, 200) << mapping.body;
    const std::string mapping_id = Json(mapping)["id"];
    nlohmann::json listed = Json(s_.rest.Call(
        "GET", absl::StrCat("/api/v1/mappings?mediaType=movie&query=", Url(name)), s_.admin));
    ASSERT_TRUE(listed.contains("mappings")) << listed.dump();
    bool found = false;
    for (const nlohmann::json& m : listed["mappings"]) {
      if (m.value("id", "") != mapping_id) continue;
      found = true;
      EXPECT_EQ(m["titleFr"], attack);
      EXPECT_EQ(m["titleEn"], name);
      EXPECT_EQ(m["originalTitle"], attack);
    }
    EXPECT_TRUE(found) << "the mapping is found by its own title: " << listed.dump();
    stored += 3;

    // Searching for it is no more than a search.
    HttpTestResponse search =
        s_.rest.Call("GET", absl::StrCat("/api/v1/search?query=", Url(attack)), s_.alice);
    EXPECT_EQ(search.status, 200) << search.body;
    HttpTestResponse library = s_.rest.Call(
        "GET", absl::StrCat("/api/v1/plex/library:search?query=", Url(attack)), s_.alice);
    // (a one-character query is too short for it: refused, with the reason)
    EXPECT_TRUE(library.status == 200 ||
                (library.status == 400 && absl::StrContains(library.body, "at least 2 characters")))
        << library.body;
  }
  EXPECT_EQ(TableCount(s_), tables_before);
  EXPECT_EQ(s_.rest.Call("GET", "/api/v1/users", s_.admin).status, 200);
  EXPECT_GT(stored, 30);
}

TEST_F(SqlInjectionTest, ADeclineReasonIsShownToTheUserVerbatim) {
  for (const std::string& attack : Attacks()) {
    SCOPED_TRACE(attack);
    // A fresh pending request each time (cancelled afterwards frees the title).
    HttpTestResponse created;
    for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      created = s_.rest.Call("POST", "/api/v1/requests", s_.bob,
                             {{"mediaType", "movie"}, {"tmdbId", 27205}, {"language", "en"}});
      if (created.status == 200) break;
      absl::SleepFor(absl::Milliseconds(500));
    }
    ASSERT_EQ(created.status, 200) << created.body;
    const std::string id = Json(created)["id"];
    HttpTestResponse declined = s_.rest.Call(
        "POST", absl::StrCat("/api/v1/requests/", id, ":decline"), s_.admin, {{"reason", attack}});
    ASSERT_EQ(declined.status, 200) << declined.body;
    nlohmann::json seen = Json(s_.rest.Call("GET", absl::StrCat("/api/v1/requests/", id), s_.bob));
    EXPECT_EQ(seen["status"], "declined");
    EXPECT_EQ(seen["statusReason"], attack);
    HttpTestResponse history =
        s_.rest.Call("GET", absl::StrCat("/api/v1/requests/", id, "/history"), s_.bob);
    EXPECT_THAT(Json(history).dump(), HasSubstr(nlohmann::json(attack).dump())) << history.body;
  }
}

TEST_F(SqlInjectionTest, NulCharactersAreRefusedWithTheReasonInsteadOfCuttingTheText) {
  // PostgreSQL text cannot hold NUL and libpq would cut a parameter there.
  const std::string nul = std::string("before\0after", 12);
  for (const auto& [method, target, token, body] :
       std::vector<std::tuple<std::string, std::string, std::string, nlohmann::json>>{
           {"PATCH", "/api/v1/auth/me", s_.bob, {{"email", nul + "@example.com"}}},
           {"POST", "/api/v1/auth/login", "", {{"username", nul}, {"password", nul}}},
           {"POST",
            "/api/v1/mappings",
            s_.admin,
            {{"mediaType", "movie"}, {"tmdbId", 910000}, {"titleFr", nul}}},
           {"POST", "/api/v1/webhooks", s_.admin, {{"name", nul}, {"url", "http://127.0.0.1:9/"}}},
           {"POST", "/api/v1/requests/1:decline", s_.admin, {{"reason", nul}}}}) {
    HttpTestResponse r = s_.rest.Call(method, target, token, body);
    EXPECT_EQ(r.status, 400) << method << " " << target << ": " << r.body;
    EXPECT_THAT(r.body, HasSubstr("must not contain NUL characters")) << target;
  }
}

}  // namespace
}  // namespace kiosk::testing
