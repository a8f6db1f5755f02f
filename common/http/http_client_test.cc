#include "common/http/http_client.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/http_test_server.h"
#include "common/testing/status_matchers.h"

namespace kiosk::http {
namespace {

using ::kiosk::testing::HttpTestServer;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::kiosk::testing::TestHttpRequest;
using ::kiosk::testing::TestHttpResponse;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;

// A loopback listener whose accept queue is full: the kernel drops further
// SYNs, so a connect neither succeeds nor fails (a host that drops packets).
class FullListener {
 public:
  FullListener() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 0) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    port_ = ntohs(address.sin_port);
    for (int i = 0; i < 3; ++i) {
      int filler = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      connect(filler, reinterpret_cast<sockaddr*>(&address), length);
      fillers_.push_back(filler);
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  ~FullListener() {
    for (int fd : fillers_) close(fd);
    close(listener_);
  }
  int port() const { return port_; }

 private:
  int listener_ = -1;
  int port_ = 0;
  std::vector<int> fillers_;
};

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_THAT(server_.Start(), IsOk()); }

  // The port of a server that has stopped: nothing listens there.
  static int ClosedPort() {
    HttpTestServer gone;
    EXPECT_THAT(gone.Start(), IsOk());
    int port = gone.port();
    gone.Stop();
    return port;
  }

  HttpTestServer server_;
  CurlHttpClient client_;
};

TEST_F(CurlHttpClientTest, GetSendsHeadersAndReadsStatusHeadersAndBody) {
  server_.Handle("GET", "/identity", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Json(R"({"MediaContainer":{}})", 200);
    response.headers = {
        {"X-Plex-Protocol", "1.0"}, {"Set-Cookie", "a=1; Path=/"}, {"Set-Cookie", "b=2; Path=/"}};
    return response;
  });

  absl::StatusOr<HttpResponse> response = client_.Send(
      {.url = server_.Url("/identity?X-Plex-Token=tok&x=a%20b"),
       .headers = {{"Accept", "application/json"}, {"X-Plex-Client-Identifier", "kiosk-1"}}});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, R"({"MediaContainer":{}})");
  EXPECT_EQ(response->Header("Content-Type"), "application/json");
  EXPECT_EQ(response->Header("x-plex-protocol"), "1.0");
  EXPECT_EQ(response->Header("X-Missing"), "");
  EXPECT_THAT(response->Headers("SET-COOKIE"), ElementsAre("a=1; Path=/", "b=2; Path=/"));
  for (const auto& [name, value] : response->headers) {
    EXPECT_EQ(name, absl::AsciiStrToLower(name));
  }

  ASSERT_EQ(server_.request_count(), 1u);
  TestHttpRequest seen = server_.requests()[0];
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.path, "/identity");
  EXPECT_EQ(seen.target, "/identity?X-Plex-Token=tok&x=a%20b");
  EXPECT_EQ(seen.QueryParam("X-Plex-Token"), "tok");
  EXPECT_EQ(seen.QueryParam("x"), "a b");
  EXPECT_EQ(seen.Header("accept"), "application/json");
  EXPECT_EQ(seen.Header("x-plex-client-identifier"), "kiosk-1");
  EXPECT_EQ(seen.Header("user-agent"), "plex-kiosk/" KIOSK_VERSION);
  EXPECT_THAT(seen.Header("accept-encoding"), HasSubstr("gzip"));
  EXPECT_EQ(seen.Header("content-length"), "");
  EXPECT_EQ(seen.body, "");
}

TEST_F(CurlHttpClientTest, MethodsWithBodiesArriveAsSent) {
  server_.HandlePrefix("*", "/api/", [](const TestHttpRequest& request) {
    return TestHttpResponse::Text(absl::StrCat(request.method, " ", request.body));
  });
  for (const char* method : {"POST", "PUT", "PATCH", "DELETE"}) {
    server_.ClearRequests();
    std::string body = absl::StrCat(R"({"method":")", method, R"("})");

    absl::StatusOr<HttpResponse> response =
        client_.Send({.method = method,
                      .url = server_.Url("/api/v1/item/7"),
                      .headers = {{"Content-Type", "application/json"}, {"X-Request-Id", "r-1"}},
                      .body = body});

    ASSERT_THAT(response, IsOk()) << method;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, absl::StrCat(method, " ", body));
    ASSERT_EQ(server_.request_count(), 1u);
    TestHttpRequest seen = server_.requests()[0];
    EXPECT_EQ(seen.method, method);
    EXPECT_EQ(seen.path, "/api/v1/item/7");
    EXPECT_EQ(seen.body, body);
    EXPECT_EQ(seen.Header("content-type"), "application/json");
    EXPECT_EQ(seen.Header("content-length"), std::to_string(body.size()));
    EXPECT_EQ(seen.Header("x-request-id"), "r-1");
    EXPECT_EQ(seen.Header("expect"), "");
  }
}

TEST_F(CurlHttpClientTest, DeleteWithoutBodySendsNoBody) {
  server_.Handle("DELETE", "/thing",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("", 204); });

  absl::StatusOr<HttpResponse> response =
      client_.Send({.method = "DELETE", .url = server_.Url("/thing")});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(server_.requests()[0].method, "DELETE");
  EXPECT_EQ(server_.requests()[0].body, "");
}

TEST_F(CurlHttpClientTest, PostWithoutContentTypeSendsNoneAndEmptyPostSendsLengthZero) {
  server_.Handle("POST", "/p", [](const TestHttpRequest&) { return TestHttpResponse::Text("ok"); });

  ASSERT_THAT(client_.Send({.method = "POST", .url = server_.Url("/p"), .body = "raw"}), IsOk());
  ASSERT_THAT(client_.Send({.method = "POST", .url = server_.Url("/p")}), IsOk());

  std::vector<TestHttpRequest> seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].Header("content-type"), "");
  EXPECT_EQ(seen[0].body, "raw");
  EXPECT_EQ(seen[1].Header("content-length"), "0");
  EXPECT_EQ(seen[1].body, "");
}

TEST_F(CurlHttpClientTest, FormPostArrivesAsFormParameters) {
  server_.Handle("POST", "/api/v2/auth/login", [](const TestHttpRequest& request) {
    auto form = request.FormParams();
    bool good =
        form.find("username")->second == "admin" && form.find("password")->second == "p@ss word&=";
    return TestHttpResponse::Text(good ? "Ok." : "Fails.");
  });

  absl::StatusOr<HttpResponse> response =
      client_.Send({.method = "POST",
                    .url = server_.Url("/api/v2/auth/login"),
                    .headers = {{"Content-Type", "application/x-www-form-urlencoded"}},
                    .body = FormEncode({{"username", "admin"}, {"password", "p@ss word&="}})});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, "Ok.");
}

TEST_F(CurlHttpClientTest, LargeBodyIsSentWithoutWaitingForContinue) {
  server_.Handle("PUT", "/big", [](const TestHttpRequest& request) {
    return TestHttpResponse::Text(std::to_string(request.body.size()));
  });
  std::string body(2 << 20, 'x');

  absl::StatusOr<HttpResponse> response =
      client_.Send({.method = "PUT", .url = server_.Url("/big"), .body = body});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, std::to_string(body.size()));
  EXPECT_EQ(server_.requests()[0].Header("expect"), "");
}

TEST_F(CurlHttpClientTest, HeadReadsHeadersWithoutBody) {
  server_.Handle("GET", "/file",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("0123456789"); });

  absl::StatusOr<HttpResponse> response =
      client_.Send({.method = "HEAD", .url = server_.Url("/file")});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-length"), "10");
  EXPECT_EQ(response->body, "");
  EXPECT_EQ(server_.requests()[0].method, "HEAD");
}

TEST_F(CurlHttpClientTest, EmptyHeaderValueIsSentAndUserAgentCanBeReplaced) {
  server_.Handle("GET", "/h", [](const TestHttpRequest&) { return TestHttpResponse::Text(""); });

  ASSERT_THAT(client_.Send({.url = server_.Url("/h"),
                            .headers = {{"X-Empty", ""}, {"User-Agent", "Radarr/5"}}}),
              IsOk());

  TestHttpRequest seen = server_.requests()[0];
  EXPECT_THAT(seen.headers, ::testing::Contains(Pair("x-empty", "")));
  EXPECT_EQ(seen.Header("user-agent"), "Radarr/5");
}

TEST_F(CurlHttpClientTest, NonSuccessStatusIsAResponseNotAnError) {
  server_.Handle("GET", "/forbidden",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("Forbidden", 403); });
  server_.Handle("GET", "/broken", [](const TestHttpRequest&) {
    return TestHttpResponse::Json(R"({"error":"boom"})", 500);
  });

  absl::StatusOr<HttpResponse> forbidden = client_.Send({.url = server_.Url("/forbidden")});
  absl::StatusOr<HttpResponse> broken = client_.Send({.url = server_.Url("/broken")});
  absl::StatusOr<HttpResponse> missing = client_.Send({.url = server_.Url("/nowhere")});

  ASSERT_THAT(forbidden, IsOk());
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(forbidden->body, "Forbidden");
  ASSERT_THAT(broken, IsOk());
  EXPECT_EQ(broken->status, 500);
  EXPECT_EQ(broken->body, R"({"error":"boom"})");
  ASSERT_THAT(missing, IsOk());
  EXPECT_EQ(missing->status, 404);
}

TEST_F(CurlHttpClientTest, ConnectionRefusedIsUnavailableNamingHostAndPort) {
  int port = ClosedPort();

  absl::StatusOr<HttpResponse> response =
      client_.Send({.url = absl::StrCat("http://127.0.0.1:", port, "/x?X-Plex-Token=secret")});

  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(StartsWith(absl::StrCat("cannot connect to 127.0.0.1:", port, ": ")),
                             Not(HasSubstr("secret")))));
}

TEST_F(CurlHttpClientTest, ConnectTimeoutIsUnavailableAfterAboutTheConnectTimeout) {
  FullListener listener;

  absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response =
      client_.Send({.url = absl::StrCat("http://127.0.0.1:", listener.port(), "/"),
                    .connect_timeout = absl::Milliseconds(300)});
  absl::Duration elapsed = absl::Now() - start;

  EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable,
                                 StartsWith(absl::StrCat("cannot connect to 127.0.0.1:",
                                                         listener.port(), " within 0.3 s"))));
  EXPECT_GE(elapsed, absl::Milliseconds(290));
  EXPECT_LT(elapsed, absl::Seconds(2));
}

TEST_F(CurlHttpClientTest, UnresolvableHostIsUnavailable) {
  absl::StatusOr<HttpResponse> response = client_.Send(
      {.url = "http://plex.invalid:32400/identity", .connect_timeout = absl::Seconds(2)});

  EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable,
                                 HasSubstr("cannot connect to plex.invalid:32400")));
}

TEST_F(CurlHttpClientTest, SlowAnswerIsDeadlineExceededAfterAboutTheTimeout) {
  server_.Handle("GET", "/slow", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("late");
    response.delay = absl::Seconds(5);
    return response;
  });
  std::string url = server_.Url("/slow?api_key=secret");

  absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response =
      client_.Send({.url = url, .timeout = absl::Milliseconds(300)});
  absl::Duration elapsed = absl::Now() - start;

  EXPECT_THAT(
      response,
      StatusIs(
          absl::StatusCode::kDeadlineExceeded,
          AllOf(HasSubstr(absl::StrCat("no answer from ", server_.Url("/slow"), " within 0.3 s")),
                Not(HasSubstr("secret")))));
  EXPECT_GE(elapsed, absl::Milliseconds(290));
  EXPECT_LT(elapsed, absl::Seconds(2));
}

TEST_F(CurlHttpClientTest, TimeoutOnAReusedConnectionIsStillDeadlineExceeded) {
  server_.Handle("GET", "/fast",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("ok"); });
  server_.Handle("GET", "/slow", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("late");
    response.delay = absl::Seconds(5);
    return response;
  });

  ASSERT_THAT(client_.Send({.url = server_.Url("/fast")}), IsOk());
  absl::StatusOr<HttpResponse> response =
      client_.Send({.url = server_.Url("/slow"), .timeout = absl::Milliseconds(300)});

  EXPECT_THAT(response, StatusIs(absl::StatusCode::kDeadlineExceeded));
  std::vector<TestHttpRequest> seen = server_.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].peer, seen[1].peer);
}

TEST_F(CurlHttpClientTest, ConnectionClosedWithoutAnswerIsUnavailable) {
  server_.Handle("GET", "/crash", [](const TestHttpRequest&) {
    TestHttpResponse response;
    response.close_without_answer = true;
    return response;
  });

  absl::StatusOr<HttpResponse> response = client_.Send({.url = server_.Url("/crash?t=secret")});

  EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable,
                                 AllOf(HasSubstr(absl::StrCat("127.0.0.1:", server_.port())),
                                       Not(HasSubstr("secret")))));
}

TEST_F(CurlHttpClientTest, BodyCutShortIsUnavailable) {
  server_.Handle("GET", "/short", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("only ten b");
    response.headers = {{"Content-Length", "1000"}, {"Connection", "close"}};
    return response;
  });

  EXPECT_THAT(client_.Send({.url = server_.Url("/short")}),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(CurlHttpClientTest, RedirectIsReturnedUnlessFollowingIsAsked) {
  server_.Handle("GET", "/old", [](const TestHttpRequest&) {
    return TestHttpResponse::Redirect("/new?x=1", 301);
  });
  server_.Handle("GET", "/new", [](const TestHttpRequest& request) {
    return TestHttpResponse::Text(absl::StrCat("new ", request.QueryParam("x")));
  });

  absl::StatusOr<HttpResponse> not_followed = client_.Send({.url = server_.Url("/old")});
  absl::StatusOr<HttpResponse> followed =
      client_.Send({.url = server_.Url("/old"), .follow_redirects = true});

  ASSERT_THAT(not_followed, IsOk());
  EXPECT_EQ(not_followed->status, 301);
  EXPECT_EQ(not_followed->Header("location"), "/new?x=1");
  ASSERT_THAT(followed, IsOk());
  EXPECT_EQ(followed->status, 200);
  EXPECT_EQ(followed->body, "new 1");
  EXPECT_EQ(followed->Header("location"), "");  // the last answer's headers only
  EXPECT_EQ(server_.request_count(), 3u);
}

TEST_F(CurlHttpClientTest, FollowedSeeOtherTurnsPostIntoGet) {
  server_.Handle("POST", "/form",
                 [](const TestHttpRequest&) { return TestHttpResponse::Redirect("/done", 303); });
  server_.Handle("GET", "/done",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("done"); });

  absl::StatusOr<HttpResponse> response = client_.Send(
      {.method = "POST", .url = server_.Url("/form"), .body = "a=1", .follow_redirects = true});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->body, "done");
  EXPECT_EQ(server_.requests()[1].method, "GET");
}

TEST_F(CurlHttpClientTest, RedirectLoopIsFailedPrecondition) {
  server_.Handle("GET", "/loop",
                 [](const TestHttpRequest&) { return TestHttpResponse::Redirect("/loop"); });

  EXPECT_THAT(client_.Send({.url = server_.Url("/loop"), .follow_redirects = true}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("redirects")));
}

TEST_F(CurlHttpClientTest, GzipBodyIsDecoded) {
  std::string json = "[";
  for (int i = 0; i < 500; ++i)
    absl::StrAppend(&json, i ? "," : "", R"({"title":"Movie )", i, R"("})");
  json += "]";
  server_.Handle("GET", "/library", [&json](const TestHttpRequest& request) {
    TestHttpResponse response = TestHttpResponse::Json(json);
    if (absl::StrContains(request.Header("accept-encoding"), "gzip")) {
      response.body = kiosk::testing::Gzip(json);
      response.headers = {{"Content-Encoding", "gzip"}};
    }
    return response;
  });

  absl::StatusOr<HttpResponse> response = client_.Send({.url = server_.Url("/library")});

  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->Header("content-encoding"), "gzip");
  EXPECT_LT(std::stoul(response->Header("content-length")), json.size());
  EXPECT_EQ(response->body, json);
}

TEST_F(CurlHttpClientTest, CorruptGzipBodyIsUnavailable) {
  server_.Handle("GET", "/bad", [](const TestHttpRequest&) {
    TestHttpResponse response = TestHttpResponse::Text("this is not gzip at all");
    response.headers = {{"Content-Encoding", "gzip"}};
    return response;
  });

  EXPECT_THAT(client_.Send({.url = server_.Url("/bad")}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot decode")));
}

TEST_F(CurlHttpClientTest, BodyOverTheLimitIsResourceExhausted) {
  CurlHttpClient small({.max_response_bytes = 1000});
  server_.Handle("GET", "/huge", [](const TestHttpRequest&) {
    return TestHttpResponse::Text(std::string(5000, 'x'));
  });
  server_.Handle("GET", "/bomb", [](const TestHttpRequest&) {
    TestHttpResponse response =
        TestHttpResponse::Text(kiosk::testing::Gzip(std::string(1 << 20, 0)));
    response.headers = {{"Content-Encoding", "gzip"}};
    return response;
  });

  EXPECT_THAT(small.Send({.url = server_.Url("/huge")}),
              StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("larger than 1000 bytes")));
  EXPECT_THAT(small.Send({.url = server_.Url("/bomb")}),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(CurlHttpClientTest, BadRequestsAreInvalidArgument) {
  for (const char* url : {"", "not a url", "ftp://127.0.0.1/file", "http:///x", "127.0.0.1:80/x"}) {
    EXPECT_THAT(client_.Send({.url = url}), StatusIs(absl::StatusCode::kInvalidArgument)) << url;
  }
  std::string url = server_.Url("/x");
  EXPECT_THAT(client_.Send({.method = "GE T", .url = url}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("method")));
  EXPECT_THAT(client_.Send({.method = "", .url = url}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client_.Send({.url = url, .headers = {{"Bad Name", "x"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client_.Send({.url = url, .headers = {{"X-Api-Key", "secret\r\nX-Evil: 1"}}}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("X-Api-Key"), Not(HasSubstr("secret")))));
  EXPECT_THAT(client_.Send({.url = url, .timeout = absl::ZeroDuration()}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(client_.Send({.url = url, .timeout = absl::InfiniteDuration()}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(CurlHttpClientTest, HttpsToAPlainHttpServerIsUnavailableWithAHint) {
  absl::StatusOr<HttpResponse> response =
      client_.Send({.url = absl::StrCat("https://127.0.0.1:", server_.port(), "/?X-Plex-Token=s")});

  EXPECT_THAT(response,
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr(absl::StrCat("TLS with 127.0.0.1:", server_.port())),
                             HasSubstr("plain HTTP"), Not(HasSubstr("X-Plex-Token")))));
}

TEST_F(CurlHttpClientTest, SequentialCallsReuseTheConnection) {
  server_.Handle("GET", "/ping",
                 [](const TestHttpRequest&) { return TestHttpResponse::Text("pong"); });

  for (int i = 0; i < 3; ++i) ASSERT_THAT(client_.Send({.url = server_.Url("/ping")}), IsOk());
  std::thread other([&] { EXPECT_THAT(client_.Send({.url = server_.Url("/ping")}), IsOk()); });
  other.join();

  std::vector<TestHttpRequest> seen = server_.requests();
  ASSERT_EQ(seen.size(), 4u);
  for (const TestHttpRequest& request : seen) EXPECT_EQ(request.peer, seen[0].peer);
}

TEST_F(CurlHttpClientTest, NothingOfOneCallLeaksIntoTheNextOnTheSameConnection) {
  server_.Handle("*", "/a", [](const TestHttpRequest&) { return TestHttpResponse::Text("a"); });

  ASSERT_THAT(client_.Send({.method = "PUT",
                            .url = server_.Url("/a"),
                            .headers = {{"X-Api-Key", "k"}, {"Content-Type", "text/plain"}},
                            .body = "first",
                            .follow_redirects = true}),
              IsOk());
  ASSERT_THAT(client_.Send({.method = "HEAD", .url = server_.Url("/a")}), IsOk());
  absl::StatusOr<HttpResponse> last = client_.Send({.url = server_.Url("/a")});

  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(last->body, "a");
  std::vector<TestHttpRequest> seen = server_.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].peer, seen[0].peer);
  EXPECT_EQ(seen[2].method, "GET");
  EXPECT_EQ(seen[2].Header("x-api-key"), "");
  EXPECT_EQ(seen[2].Header("content-type"), "");
  EXPECT_EQ(seen[2].Header("content-length"), "");
  EXPECT_EQ(seen[2].body, "");
}

TEST_F(CurlHttpClientTest, ConcurrentCallsFromEightThreadsAllGetTheirOwnAnswer) {
  server_.Handle("POST", "/echo", [](const TestHttpRequest& request) {
    TestHttpResponse response = TestHttpResponse::Text(request.body);
    response.headers = {{"X-Id", request.QueryParam("id")}};
    return response;
  });
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 25;
  std::atomic<int> good{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        std::string id = absl::StrCat(t, "-", i);
        absl::StatusOr<HttpResponse> response = client_.Send(
            {.method = "POST", .url = server_.Url(absl::StrCat("/echo?id=", id)), .body = id});
        if (response.ok() && response->status == 200 && response->body == id &&
            response->Header("x-id") == id) {
          ++good;
        } else {
          ADD_FAILURE() << id << ": " << response.status();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(good.load(), kThreads * kCallsPerThread);
  EXPECT_EQ(server_.request_count(), static_cast<size_t>(kThreads * kCallsPerThread));
}

TEST(HttpResponseTest, HeaderLookupIgnoresCaseAndKeepsRepeats) {
  HttpResponse response{.status = 200,
                        .headers = {{"set-cookie", "a=1"}, {"x-a", "1"}, {"set-cookie", "b=2"}}};

  EXPECT_EQ(response.Header("Set-Cookie"), "a=1");
  EXPECT_THAT(response.Headers("set-cookie"), ElementsAre("a=1", "b=2"));
  EXPECT_THAT(response.Headers("x-none"), IsEmpty());
}

}  // namespace
}  // namespace kiosk::http
