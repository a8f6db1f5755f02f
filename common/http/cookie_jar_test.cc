#include "common/http/cookie_jar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/http_test_server.h"
#include "common/testing/status_matchers.h"

namespace kiosk::http {
namespace {

using ::kiosk::testing::HttpTestServer;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::TestHttpRequest;
using ::kiosk::testing::TestHttpResponse;
using ::testing::Optional;

constexpr char kBase[] = "http://qbit.lan:8080";

class CookieJarTest : public ::testing::Test {
 protected:
  std::string Url(absl::string_view path) { return absl::StrCat(kBase, path); }

  absl::Time now_ = absl::FromUnixSeconds(1'700'000'000);  // 2023-11-14T22:13:20Z
  CookieJar jar_{[this] { return now_; }};
};

TEST_F(CookieJarTest, StoredCookieIsSentBackToTheSameHost) {
  EXPECT_TRUE(jar_.SetCookie(Url("/api/v2/auth/login"), "SID=hBc7TxF; HttpOnly; path=/"));

  EXPECT_EQ(jar_.CookieHeader(Url("/api/v2/torrents/info")), "SID=hBc7TxF");
  EXPECT_THAT(jar_.Get(Url("/"), "SID"), Optional(std::string("hBc7TxF")));
  EXPECT_EQ(jar_.CookieHeader("http://other.lan:8080/api/v2/torrents/info"), "");
  EXPECT_EQ(jar_.size(), 1u);
}

TEST_F(CookieJarTest, CookiesIgnoreThePortAndTheHostCase) {
  jar_.SetCookie("http://Qbit.Lan:8080/", "SID=1");

  EXPECT_EQ(jar_.CookieHeader("http://qbit.lan:9090/x"), "SID=1");
}

TEST_F(CookieJarTest, SameNameAndPathReplacesTheValue) {
  jar_.SetCookie(Url("/"), "SID=old; Path=/");
  jar_.SetCookie(Url("/"), "other=1; Path=/");
  jar_.SetCookie(Url("/"), "SID=new; Path=/");

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "SID=new; other=1");  // keeps its place
  EXPECT_EQ(jar_.size(), 2u);
}

TEST_F(CookieJarTest, MaxAgeExpiresTheCookie) {
  jar_.SetCookie(Url("/"), "SID=abc; Max-Age=3600");

  now_ += absl::Seconds(3599);
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "SID=abc");
  now_ += absl::Seconds(1);
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "");
  EXPECT_EQ(jar_.size(), 0u);
}

TEST_F(CookieJarTest, MaxAgeZeroOrAPastExpiresDeletesTheCookie) {
  jar_.SetCookie(Url("/"), "a=1");
  jar_.SetCookie(Url("/"), "b=2");

  jar_.SetCookie(Url("/"), "a=; Max-Age=0");
  jar_.SetCookie(Url("/"), "b=; Expires=Thu, 01 Jan 1970 00:00:00 GMT");

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "");
}

TEST_F(CookieJarTest, ExpiresIsReadInTheCommonDateForms) {
  jar_.SetCookie(Url("/"), "a=1; Expires=Tue, 14 Nov 2023 23:13:20 GMT");    // now + 1 h
  jar_.SetCookie(Url("/"), "b=2; expires=Tue, 14-Nov-2023 22:43:20 GMT");    // now + 30 min
  jar_.SetCookie(Url("/"), "c=3; Expires=Tuesday, 14-Nov-23 22:23:20 GMT");  // now + 10 min
  jar_.SetCookie(Url("/"), "d=4; Expires=not a date");                       // session cookie

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "a=1; b=2; c=3; d=4");
  now_ += absl::Minutes(10);
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "a=1; b=2; d=4");
  now_ += absl::Minutes(20);
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "a=1; d=4");
  now_ += absl::Minutes(30);
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "d=4");
}

TEST_F(CookieJarTest, MaxAgeWinsOverExpires) {
  jar_.SetCookie(Url("/"), "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60");
  jar_.SetCookie(Url("/"), "b=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT");

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "a=1; b=1");
}

TEST_F(CookieJarTest, PathLimitsWhereTheCookieIsSent) {
  jar_.SetCookie(Url("/"), "api=1; Path=/api");

  EXPECT_EQ(jar_.CookieHeader(Url("/api")), "api=1");
  EXPECT_EQ(jar_.CookieHeader(Url("/api/v2/torrents/info")), "api=1");
  EXPECT_EQ(jar_.CookieHeader(Url("/apix")), "");
  EXPECT_EQ(jar_.CookieHeader(Url("/")), "");
}

TEST_F(CookieJarTest, DefaultPathIsTheDirectoryOfTheRequest) {
  jar_.SetCookie(Url("/api/v2/auth/login"), "SID=1");
  jar_.SetCookie(Url("/login"), "top=1");

  EXPECT_EQ(jar_.CookieHeader(Url("/api/v2/auth/logout")), "SID=1; top=1");
  EXPECT_EQ(jar_.CookieHeader(Url("/api/v2/torrents/info")), "top=1");
}

TEST_F(CookieJarTest, LongerPathsComeFirst) {
  jar_.SetCookie(Url("/"), "short=1; Path=/");
  jar_.SetCookie(Url("/"), "long=1; Path=/api/v2");

  EXPECT_EQ(jar_.CookieHeader(Url("/api/v2/x")), "long=1; short=1");
}

TEST_F(CookieJarTest, SecureCookiesAreSentOnlyOverHttps) {
  jar_.SetCookie("https://plex.tv/", "s=1; Secure");
  jar_.SetCookie("https://plex.tv/", "p=1");

  EXPECT_EQ(jar_.CookieHeader("https://plex.tv/api"), "s=1; p=1");
  EXPECT_EQ(jar_.CookieHeader("http://plex.tv/api"), "p=1");
}

TEST_F(CookieJarTest, MalformedSetCookieIsIgnored) {
  EXPECT_FALSE(jar_.SetCookie(Url("/"), "no-equals-sign"));
  EXPECT_FALSE(jar_.SetCookie(Url("/"), "=value"));
  EXPECT_FALSE(jar_.SetCookie("not a url", "a=1"));
  EXPECT_TRUE(jar_.SetCookie(Url("/"), " spaced = value ; Max-Age=junk"));

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "spaced=value");
}

TEST_F(CookieJarTest, UpdateReadsEverySetCookieOfAResponse) {
  HttpResponse response{.status = 200,
                        .headers = {{"set-cookie", "a=1"}, {"x", "y"}, {"set-cookie", "b=2"}}};

  jar_.Update(Url("/"), response);

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "a=1; b=2");
}

TEST_F(CookieJarTest, AddToAppendsToACookieHeaderAlreadyThere) {
  jar_.SetCookie(Url("/"), "SID=1");
  HttpRequest bare{.url = Url("/x")};
  HttpRequest with_cookie{.url = Url("/x"), .headers = {{"cookie", "mine=2"}}};
  HttpRequest elsewhere{.url = "http://elsewhere/x"};

  jar_.AddTo(bare);
  jar_.AddTo(with_cookie);
  jar_.AddTo(elsewhere);

  EXPECT_THAT(bare.headers, ::testing::ElementsAre(::testing::Pair("Cookie", "SID=1")));
  EXPECT_THAT(with_cookie.headers,
              ::testing::ElementsAre(::testing::Pair("cookie", "mine=2; SID=1")));
  EXPECT_TRUE(elsewhere.headers.empty());
}

TEST_F(CookieJarTest, ClearForgetsEverything) {
  jar_.SetCookie(Url("/"), "SID=1");

  jar_.Clear();

  EXPECT_EQ(jar_.CookieHeader(Url("/")), "");
  EXPECT_EQ(jar_.size(), 0u);
}

TEST(CookieJarThreadTest, ManyThreadsCanSetAndReadAtOnce) {
  CookieJar jar;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&jar, t] {
      for (int i = 0; i < 200; ++i) {
        jar.SetCookie("http://h/", absl::StrCat("c", t, "=", i));
        EXPECT_FALSE(jar.CookieHeader("http://h/").empty());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(jar.size(), 8u);
  EXPECT_THAT(jar.Get("http://h/", "c3"), Optional(std::string("199")));
}

// A qBittorrent WebUI double: login sets the session cookie, every other call
// needs it, and a server restart forgets it (403 until the next login).
class QBittorrentLoginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Handle("POST", "/api/v2/auth/login", [this](const TestHttpRequest& request) {
      auto form = request.FormParams();
      auto user = form.find("username");
      auto password = form.find("password");
      if (user == form.end() || user->second != "admin" || password == form.end() ||
          password->second != "adminadmin") {
        return TestHttpResponse::Text("Fails.");
      }
      TestHttpResponse response = TestHttpResponse::Text("Ok.");
      response.headers = {{"Set-Cookie", absl::StrCat(cookie_name_, "=", session_,
                                                      "; HttpOnly; SameSite=Strict; path=/")}};
      return response;
    });
    server_.HandlePrefix("GET", "/api/v2/torrents/", [this](const TestHttpRequest& request) {
      if (request.Header("cookie") != absl::StrCat(cookie_name_, "=", session_)) {
        return TestHttpResponse::Text("Forbidden", 403);
      }
      return TestHttpResponse::Json("[]");
    });
    ASSERT_THAT(server_.Start(), IsOk());
  }

  absl::StatusOr<HttpResponse> Login() {
    return http_.Send({.method = "POST",
                       .url = server_.Url("/api/v2/auth/login"),
                       .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                                   {"Referer", server_.Url()}},
                       .body = FormEncode({{"username", "admin"}, {"password", "adminadmin"}})});
  }

  std::string cookie_name_ = "SID";
  std::string session_ = "hBc7TxF76ERhvIw0jQQ4LZ7Z1jQUV0tQ";
  HttpTestServer server_;
  CurlHttpClient curl_;
  CookieJar jar_;
  CookieHttpClient http_{curl_, jar_};
};

TEST_F(QBittorrentLoginTest, LoginSetsTheSidAndLaterCallsCarryIt) {
  absl::StatusOr<HttpResponse> before = http_.Send({.url = server_.Url("/api/v2/torrents/info")});
  ASSERT_THAT(before, IsOk());
  EXPECT_EQ(before->status, 403);

  absl::StatusOr<HttpResponse> login = Login();
  ASSERT_THAT(login, IsOk());
  EXPECT_EQ(login->body, "Ok.");
  absl::StatusOr<HttpResponse> after =
      http_.Send({.url = server_.Url("/api/v2/torrents/info?filter=all")});

  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "[]");
  EXPECT_EQ(server_.requests().back().Header("cookie"), absl::StrCat("SID=", session_));
}

TEST_F(QBittorrentLoginTest, ANewSessionAfter403ReplacesTheOldCookie) {
  ASSERT_THAT(Login(), IsOk());
  session_ = "second-session";  // qBittorrent restarted

  absl::StatusOr<HttpResponse> stale = http_.Send({.url = server_.Url("/api/v2/torrents/info")});
  ASSERT_THAT(stale, IsOk());
  EXPECT_EQ(stale->status, 403);
  ASSERT_THAT(Login(), IsOk());
  absl::StatusOr<HttpResponse> fresh = http_.Send({.url = server_.Url("/api/v2/torrents/info")});

  ASSERT_THAT(fresh, IsOk());
  EXPECT_EQ(fresh->status, 200);
  EXPECT_EQ(jar_.size(), 1u);
}

TEST_F(QBittorrentLoginTest, CookieNamedAfterThePortIsKeptToo) {
  cookie_name_ = absl::StrCat("QBT_SID_", server_.port());  // qBittorrent 5.2

  ASSERT_THAT(Login(), IsOk());
  absl::StatusOr<HttpResponse> after = http_.Send({.url = server_.Url("/api/v2/torrents/info")});

  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->status, 200);
}

}  // namespace
}  // namespace kiosk::http
