#include "common/testing/http_test_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/http/http_client.h"
#include "common/testing/status_matchers.h"

namespace kiosk::testing {
namespace {

using ::kiosk::http::CurlHttpClient;
using ::kiosk::http::HttpResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class HttpTestServerTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(server_.Start(), IsOk()); }

  // The answer to `method` `path_and_query`; fails the test on a transport error.
  HttpResponse Call(const std::string& method, const std::string& path_and_query,
                    std::vector<std::pair<std::string, std::string>> headers = {},
                    std::string body = "") {
    absl::StatusOr<HttpResponse> response = client_.Send({.method = method,
                                                          .url = server_.Url(path_and_query),
                                                          .headers = std::move(headers),
                                                          .body = std::move(body)});
    EXPECT_THAT(response, IsOk());
    return response.ok() ? *response : HttpResponse{};
  }

  static TestHttpHandler Says(std::string text) {
    return [text](const TestHttpRequest&) { return TestHttpResponse::Text(text); };
  }

  HttpTestServer server_;
  CurlHttpClient client_;
};

TEST_F(HttpTestServerTest, ListensOnLoopbackOnAFreePort) {
  EXPECT_GT(server_.port(), 0);
  EXPECT_EQ(server_.Url("/x?a=1"), absl::StrCat("http://127.0.0.1:", server_.port(), "/x?a=1"));
  EXPECT_THAT(server_.Start(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(HttpTestServerTest, UnknownPathIs404) {
  HttpResponse response = Call("GET", "/nothing/here");

  EXPECT_EQ(response.status, 404);
  EXPECT_THAT(response.body, HasSubstr("GET /nothing/here"));
  EXPECT_EQ(server_.request_count(), 1u);
}

TEST_F(HttpTestServerTest, KnownPathWithAnotherMethodIs405WithAllow) {
  server_.Handle("POST", "/api/v2/torrents/add", Says("Ok."));
  server_.Handle("PUT", "/api/v2/torrents/add", Says("Ok."));

  HttpResponse response = Call("GET", "/api/v2/torrents/add");

  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "POST, PUT");
}

TEST_F(HttpTestServerTest, ExactPathBeatsPrefixAndTheLongestPrefixWins) {
  server_.HandlePrefix("GET", "/library/", Says("library prefix"));
  server_.HandlePrefix("GET", "/library/metadata/", Says("metadata prefix"));
  server_.Handle("GET", "/library/metadata/1", Says("exact"));

  EXPECT_EQ(Call("GET", "/library/metadata/1").body, "exact");
  EXPECT_EQ(Call("GET", "/library/metadata/2?x=1").body, "metadata prefix");
  EXPECT_EQ(Call("GET", "/library/sections").body, "library prefix");
  EXPECT_EQ(Call("GET", "/libraryx").status, 404);
}

TEST_F(HttpTestServerTest, StarMatchesAnyMethodAndGetAlsoAnswersHead) {
  server_.Handle("*", "/any", [](const TestHttpRequest& request) {
    return TestHttpResponse::Text(request.method);
  });
  server_.Handle("GET", "/page", Says("0123456789"));

  EXPECT_EQ(Call("DELETE", "/any").body, "DELETE");
  EXPECT_EQ(Call("OPTIONS", "/any").body, "OPTIONS");
  HttpResponse head = Call("HEAD", "/page");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), "10");
}

TEST_F(HttpTestServerTest, HandleReplacesTheEarlierHandler) {
  server_.Handle("GET", "/v", Says("one"));
  EXPECT_EQ(Call("GET", "/v").body, "one");

  server_.Handle("GET", "/v", Says("two"));

  EXPECT_EQ(Call("GET", "/v").body, "two");
}

TEST_F(HttpTestServerTest, RequestCarriesDecodedQueryHeadersFormBodyAndPeer) {
  server_.Handle("POST", "/api/v2/torrents/add", Says("Ok."));

  Call("POST", "/api/v2/torrents/add?tag=a&tag=b+c&x=%2F&flag",
       {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Custom", "Value"}},
       "urls=magnet%3A%3Fxt%3Durn%3Abtih%3Aabc&category=movies&stopped=false");

  ASSERT_EQ(server_.request_count(), 1u);
  TestHttpRequest seen = server_.requests()[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.path, "/api/v2/torrents/add");
  EXPECT_EQ(seen.target, "/api/v2/torrents/add?tag=a&tag=b+c&x=%2F&flag");
  EXPECT_THAT(seen.query,
              ElementsAre(Pair("flag", ""), Pair("tag", "a"), Pair("tag", "b c"), Pair("x", "/")));
  EXPECT_EQ(seen.QueryParam("tag"), "a");
  EXPECT_EQ(seen.QueryParam("missing"), "");
  EXPECT_EQ(seen.Header("X-CUSTOM"), "Value");
  EXPECT_THAT(seen.headers, ::testing::Contains(Pair("x-custom", "Value")));
  EXPECT_THAT(seen.FormParams(), ElementsAre(Pair("category", "movies"), Pair("stopped", "false"),
                                             Pair("urls", "magnet:?xt=urn:btih:abc")));
  EXPECT_THAT(seen.peer, ::testing::StartsWith("127.0.0.1:"));
}

TEST_F(HttpTestServerTest, ResponsesCarryRepeatedHeadersAndTheirContentType) {
  server_.Handle("GET", "/c", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Json("{}", 201);
    response.headers = {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
    return response;
  });
  server_.Handle("GET", "/xml", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("<MediaContainer/>");
    response.headers = {{"Content-Type", "text/xml;charset=utf-8"}};
    return response;
  });

  HttpResponse json = Call("GET", "/c");
  HttpResponse xml = Call("GET", "/xml");

  EXPECT_EQ(json.status, 201);
  EXPECT_EQ(json.Header("content-type"), "application/json");
  EXPECT_THAT(json.Headers("set-cookie"), ElementsAre("a=1", "b=2"));
  EXPECT_THAT(xml.Headers("content-type"), ElementsAre("text/xml;charset=utf-8"));
}

TEST_F(HttpTestServerTest, NoContentAnswerHasNoBody) {
  server_.Handle("POST", "/api/v2/auth/login", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("dropped", 204);
    response.headers = {{"Set-Cookie", "QBT_SID_8080=x; path=/"}};
    return response;
  });

  HttpResponse response = Call("POST", "/api/v2/auth/login");

  EXPECT_EQ(response.status, 204);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(Call("POST", "/api/v2/auth/login").status, 204);  // the connection still works
}

TEST_F(HttpTestServerTest, HandlerThatThrowsGets500) {
  server_.Handle("GET", "/boom", [](const TestHttpRequest&) -> TestHttpResponse {
    throw std::runtime_error("no such movie");
  });

  HttpResponse response = Call("GET", "/boom");

  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(response.body, HasSubstr("no such movie"));
}

TEST_F(HttpTestServerTest, DelayedAnswerDoesNotHoldOtherConnections) {
  HttpTestServer one_thread(/*threads=*/1);
  one_thread.Handle("GET", "/slow", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("slow");
    response.delay = absl::Seconds(1);
    return response;
  });
  one_thread.Handle("GET", "/fast", Says("fast"));
  ASSERT_THAT(one_thread.Start(), IsOk());

  std::thread slow([&] {
    absl::StatusOr<HttpResponse> response = client_.Send({.url = one_thread.Url("/slow")});
    EXPECT_THAT(response, IsOk());
  });
  ASSERT_TRUE(one_thread.WaitForRequests(1, absl::Seconds(5)));
  absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> fast = client_.Send({.url = one_thread.Url("/fast")});
  absl::Duration elapsed = absl::Now() - start;
  slow.join();

  ASSERT_THAT(fast, IsOk());
  EXPECT_EQ(fast->body, "fast");
  EXPECT_LT(elapsed, absl::Milliseconds(800));
}

TEST_F(HttpTestServerTest, ExpectContinueIsAnsweredAtOnce) {
  server_.Handle("PUT", "/upload", [](const TestHttpRequest& request) {
    return TestHttpResponse::Text(std::to_string(request.body.size()));
  });

  absl::Time start = absl::Now();
  HttpResponse response =
      Call("PUT", "/upload", {{"Expect", "100-continue"}}, std::string(5000, 'x'));
  absl::Duration elapsed = absl::Now() - start;

  EXPECT_EQ(response.body, "5000");
  EXPECT_EQ(server_.requests()[0].Header("expect"), "100-continue");
  EXPECT_LT(elapsed, absl::Milliseconds(900));  // curl waits 1 s for a 100 that never comes
}

TEST_F(HttpTestServerTest, RequestsAreRecordedEvenWhenNeverAnswered) {
  server_.Handle("GET", "/drop", [](const TestHttpRequest&) {
    TestHttpResponse response;
    response.close_without_answer = true;
    return response;
  });

  EXPECT_THAT(client_.Send({.url = server_.Url("/drop")}),
              StatusIs(absl::StatusCode::kUnavailable));

  EXPECT_EQ(server_.request_count(), 1u);
  server_.ClearRequests();
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(HttpTestServerTest, WaitForRequestsReturnsWhenTheyArriveOrFalseOnTimeout) {
  server_.Handle("POST", "/webhook", Says(""));

  EXPECT_FALSE(server_.WaitForRequests(1, absl::Milliseconds(50)));
  std::thread sender([&] {
    absl::SleepFor(absl::Milliseconds(100));
    Call("POST", "/webhook", {}, "event");
  });
  EXPECT_TRUE(server_.WaitForRequests(1, absl::Seconds(10)));
  sender.join();

  EXPECT_EQ(server_.requests()[0].body, "event");
}

TEST_F(HttpTestServerTest, StopClosesOpenConnectionsAndRefusesNewOnes) {
  server_.Handle("GET", "/ping", Says("pong"));
  server_.Handle("GET", "/hang", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("never");
    response.delay = absl::Seconds(30);
    return response;
  });
  Call("GET", "/ping");  // leaves a keep-alive connection open
  std::thread hanging([&] {
    absl::Time start = absl::Now();
    absl::StatusOr<HttpResponse> response = client_.Send({.url = server_.Url("/hang")});
    EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  });
  ASSERT_TRUE(server_.WaitForRequests(2, absl::Seconds(5)));

  server_.Stop();
  hanging.join();

  EXPECT_THAT(client_.Send({.url = server_.Url("/ping")}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot connect")));
  server_.Stop();  // idempotent
}

TEST(GzipTest, ProducesAGzipStream) {
  std::string compressed = Gzip(std::string(10000, 'a'));

  ASSERT_GE(compressed.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
  EXPECT_LT(compressed.size(), 200u);
}

}  // namespace
}  // namespace kiosk::testing
