// A user's whole journey over REST only, across the real binaries started as
// `./kiosk up` does (each service with its own database role) and the
// doubles of TMDB, qBittorrent and Plex: the admin's first sign-in, a new
// user, search, a film requested in French and two seasons of a series in
// English, the quota, a duplicate and a forbidden approval along the way, the
// admin approving both, a magnet attached to the film, its progress, the
// import into the library, Plex asked to rescan that folder, the request
// available, and a webhook registered by the admin receiving signed events.
// (request_chain_test.cc checks the download chain's details; the shared
// steps live in tests/suite/suite_client.h.)
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/http_test_server.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kWebhookSecret[] = "journey-webhook-secret-0123456789";

// "sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>", computed here
// independently of the sender's code.
std::string ExpectedSignature(const std::string& timestamp, const std::string& body) {
  const std::string data = absl::StrCat(timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), kWebhookSecret, sizeof(kWebhookSecret) - 1,
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return absl::StrCat("sha256=",
                      absl::BytesToHexString(std::string(reinterpret_cast<char*>(mac), length)));
}

bool Has(const nlohmann::json& j, const char* key) { return j.is_object() && j.contains(key); }

TEST(UserJourneyTest, FromFirstLoginToAFilmAvailableInPlexWithSignedWebhooks) {
  absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles =
      ExternalDoubles::Start({.torrent_size = 30000000, .torrent_speed = 3000000});
  ASSERT_TRUE(doubles.ok()) << doubles.status();
  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
  ASSERT_TRUE(suite.ok()) << suite.status();
  SuiteClient rest((*suite)->gateway_port());
  HttpTestServer receiver;
  receiver.Handle("POST", "/hooks/kiosk",
                  [](const TestHttpRequest&) { return TestHttpResponse::Json("{}"); });
  ASSERT_TRUE(receiver.Start().ok());

  // The admin's first sign-in only allows changing the password.
  absl::StatusOr<std::string> first = rest.Login("admin", "admin");
  ASSERT_TRUE(first.ok()) << first.status();
  HttpTestResponse before_change = rest.Call("GET", "/api/v1/users", *first);
  EXPECT_EQ(before_change.status, 400) << before_change.body;
  EXPECT_THAT(before_change.body, HasSubstr("change your password first"));
  absl::StatusOr<std::string> admin = rest.ChangePassword(*first, "admin", "journey admin pw");
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_FALSE(rest.Login("admin", "admin").ok());
  ASSERT_EQ(rest.Call("GET", "/api/v1/users", *admin).status, 200);

  ASSERT_TRUE(rest.UseDoubles(*admin, **doubles).ok());
  // One film per week for users; series unlimited.
  HttpTestResponse quota =
      rest.Call("PATCH", "/api/v1/settings", *admin,
                {{"values", {{"quota.movie_limit", 1}, {"quota.movie_days", 7}}}});
  ASSERT_EQ(quota.status, 200) << quota.body;
  HttpTestResponse hook = rest.Call("POST", "/api/v1/webhooks", *admin,
                                    {{"name", "journey receiver"},
                                     {"url", receiver.Url("/hooks/kiosk")},
                                     {"secret", kWebhookSecret},
                                     {"events", {"request.*"}}});
  ASSERT_EQ(hook.status, 200) << hook.body;

  absl::StatusOr<std::string> alice = rest.CreateUser(*admin, "alice", "alice journey pw");
  ASSERT_TRUE(alice.ok()) << alice.status();
  nlohmann::json me = Json(rest.Call("GET", "/api/v1/auth/me", *alice));
  EXPECT_EQ(me.value("username", ""), "alice") << me.dump();
  EXPECT_EQ(me.value("role", ""), "ROLE_USER") << me.dump();

  // Services read the settings through a short cache: search until TMDB answers.
  nlohmann::json found = rest.PollJson(
      "/api/v1/search?query=le%20fabuleux%20destin", *alice,
      [](const nlohmann::json& j) { return Has(j, "source") && j["source"] != "local"; });
  ASSERT_TRUE(Has(found, "results") && !found["results"].empty()) << found.dump();
  EXPECT_EQ(found["results"][0]["tmdbId"], 194);
  nlohmann::json series = Json(rest.Call("GET", "/api/v1/search?query=breaking%20bad", *alice));
  ASSERT_TRUE(Has(series, "results") && !series["results"].empty()) << series.dump();
  EXPECT_EQ(series["results"][0]["tmdbId"], 1396);

  HttpTestResponse film = rest.Call("POST", "/api/v1/requests", *alice,
                                    {{"mediaType", "movie"}, {"tmdbId", 194}, {"language", "fr"}});
  ASSERT_EQ(film.status, 200) << film.body;
  EXPECT_EQ(Json(film)["status"], "pending");
  EXPECT_EQ(Json(film)["language"], "fr");
  const std::string film_id = Json(film)["id"];
  HttpTestResponse show = rest.Call("POST", "/api/v1/requests", *alice,
                                    {{"mediaType", "tv"},
                                     {"tmdbId", 1396},
                                     {"language", "en"},
                                     {"seasons", {{{"seasonNumber", 1}}, {{"seasonNumber", 2}}}}});
  ASSERT_EQ(show.status, 200) << show.body;
  EXPECT_EQ(Json(show)["language"], "en");
  EXPECT_EQ(Json(show)["seasons"].size(), 2u) << show.body;
  const std::string show_id = Json(show)["id"];

  // The same series in the same language again: 409 naming the first one.
  HttpTestResponse duplicate = rest.Call("POST", "/api/v1/requests", *alice,
                                         {{"mediaType", "tv"},
                                          {"tmdbId", 1396},
                                          {"language", "en"},
                                          {"seasons", {{{"seasonNumber", 3}}}}});
  EXPECT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_THAT(duplicate.body, HasSubstr(absl::StrCat("request ", show_id)));
  // A second film within the week: 429 saying when the next one is possible.
  HttpTestResponse over =
      rest.Call("POST", "/api/v1/requests", *alice,
                {{"mediaType", "movie"}, {"tmdbId", 77338}, {"language", "fr"}});
  EXPECT_EQ(over.status, 429) << over.body;
  EXPECT_THAT(over.body, HasSubstr("request quota reached: 1 films per 7 days"));
  EXPECT_THAT(over.body, HasSubstr("the next one is possible from"));
  nlohmann::json alice_quota = Json(rest.Call("GET", "/api/v1/users/me/quota", *alice));
  EXPECT_EQ(alice_quota["movie"].value("remaining", -2), 0) << alice_quota.dump();

  // Users cannot approve, not even their own requests.
  for (const std::string& id : {film_id, show_id}) {
    HttpTestResponse denied = rest.Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"),
                                        *alice, nlohmann::json::object());
    EXPECT_EQ(denied.status, 403) << denied.body;
  }
  for (const std::string& id : {film_id, show_id}) {
    HttpTestResponse approved = rest.Call("POST", absl::StrCat("/api/v1/requests/", id, ":approve"),
                                          *admin, nlohmann::json::object());
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(Json(approved)["status"], "approved");
  }

  // Both reach kiosk-downloads and wait for a release; the film gets a magnet.
  for (const std::string& id : {film_id, show_id}) {
    nlohmann::json waiting =
        rest.PollJson(absl::StrCat("/api/v1/requests/", id), *alice, [](const nlohmann::json& j) {
          return Has(j, "progress") && j["progress"].value("stage", "") == "awaiting_release";
        });
    EXPECT_EQ(waiting["progress"].value("stage", ""), "awaiting_release") << waiting.dump();
  }
  int64_t film_number = 0;
  ASSERT_TRUE(absl::SimpleAtoi(film_id, &film_number));
  HttpTestResponse attached =
      rest.Call("POST", "/api/v1/downloads:attachRelease", *admin,
                {{"requestId", film_number},
                 {"release",
                  "magnet:?xt=urn:btih:89abcdef0123456789abcdef0123456789abcdef&dn="
                  "Amelie.2001.FRENCH.1080p.BluRay.x264-JOURNEY"}});
  ASSERT_EQ(attached.status, 200) << attached.body;

  bool saw_progress = false;
  nlohmann::json state = rest.PollJson(
      absl::StrCat("/api/v1/requests/", film_id), *alice,
      [&](const nlohmann::json& j) {
        if (!Has(j, "status")) return false;
        double percent = Has(j, "progress") ? j["progress"].value("percent", 0.0) : 0.0;
        if (j["status"] == "downloading" && percent > 0 && percent < 100) saw_progress = true;
        return j["status"] == "available";
      },
      absl::Seconds(90));
  ASSERT_EQ(state.value("status", ""), "available") << state.dump() << "\n" << (*suite)->Logs();
  EXPECT_TRUE(saw_progress) << "no download progress between 0 and 100 % was seen";

  // Renamed into the library, nothing partial beside it.
  const std::filesystem::path folder = std::filesystem::path((*doubles)->media_dir()) / "movies" /
                                       "Le Fabuleux Destin d'Amélie Poulain (2001)";
  EXPECT_TRUE(std::filesystem::exists(
      folder / "Le Fabuleux Destin d'Amélie Poulain (2001) Bluray-1080p.mkv"));
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    EXPECT_THAT(entry.path().filename().string(), ::testing::Not(HasSubstr("partial")));
  }
  HttpTestResponse transfers = rest.Call("GET", "/api/v1/transfers", *admin);
  EXPECT_EQ(transfers.status, 200);
  EXPECT_THAT(transfers.body, HasSubstr("Bluray-1080p.mkv"));
  EXPECT_THAT((*suite)->Logs(),
              HasSubstr("event=plex_refresh_path section=1 path=\"/data/movies/Le Fabuleux Destin "
                        "d'Amélie Poulain (2001)\""));
  // The series still waits for its release; the user sees both in his list.
  nlohmann::json mine = Json(rest.Call("GET", "/api/v1/requests/mine", *alice));
  ASSERT_TRUE(Has(mine, "requests")) << mine.dump();
  EXPECT_EQ(mine["requests"].size(), 2u) << mine.dump();

  // The webhook: created, approved and available events, each signed.
  auto available_sent = [&] {
    for (const TestHttpRequest& delivery : receiver.requests()) {
      if (delivery.Header("X-Kiosk-Event") == "request.available") return true;
    }
    return false;
  };
  for (absl::Time deadline = absl::Now() + absl::Seconds(30);
       !available_sent() && absl::Now() < deadline;) {
    absl::SleepFor(absl::Milliseconds(250));
  }
  std::set<std::string> events;
  for (const TestHttpRequest& delivery : receiver.requests()) {
    nlohmann::json body = nlohmann::json::parse(delivery.body, nullptr, false);
    EXPECT_EQ(delivery.Header("X-Kiosk-Signature"),
              ExpectedSignature(delivery.Header("X-Kiosk-Timestamp"), delivery.body))
        << delivery.body;
    EXPECT_EQ(delivery.Header("X-Kiosk-Event"), body.value("event", "")) << delivery.body;
    events.insert(body.value("event", ""));
  }
  EXPECT_TRUE(events.count("request.created"));
  EXPECT_TRUE(events.count("request.approved"));
  EXPECT_TRUE(events.count("request.available")) << (*suite)->Logs();
}

}  // namespace
}  // namespace kiosk::testing
