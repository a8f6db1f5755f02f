// An in-process HTTP/1.1 server for tests and for the wire-faithful doubles of
// Plex, qBittorrent, TMDB and indexers. It listens on 127.0.0.1 on a free
// port, serves keep-alive connections on its own threads, answers each request
// from the handler registered for its method and path, and records every
// request so tests can check what the client sent.
//
//   HttpTestServer server;
//   server.Handle("POST", "/api/v2/auth/login", [](const TestHttpRequest& request) {
//     TestHttpResponse response = TestHttpResponse::Text("Ok.");
//     response.headers.push_back({"Set-Cookie", "SID=abc; HttpOnly; path=/"});
//     return response;
//   });
//   ASSERT_THAT(server.Start(), IsOk());
//   ... client.Send({.url = server.Url("/api/v2/auth/login"), ...}) ...
//   EXPECT_EQ(server.requests()[0].FormParams().count("username"), 1);
//
// Routing: an exact path beats the longest matching prefix; "*" matches any
// method and a GET route also answers HEAD. A path with routes for other
// methods only gets 405 (with Allow), an unknown path 404. Paths are matched
// as sent (not percent-decoded). A handler that throws gets a 500. Handlers
// run on the server's threads and may be (re)registered at any time; a delayed
// answer does not hold a thread. "Expect: 100-continue" is answered.
#ifndef KIOSK_COMMON_TESTING_HTTP_TEST_SERVER_H_
#define KIOSK_COMMON_TESTING_HTTP_TEST_SERVER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::testing {

struct TestHttpRequest {
  std::string method{};  // "GET", as sent
  std::string target{};  // "/api/v2/torrents/info?filter=all", as sent
  std::string path{};    // "/api/v2/torrents/info": the target without the query
  std::multimap<std::string, std::string> query{};             // decoded ("+" is a space)
  std::vector<std::pair<std::string, std::string>> headers{};  // names lower-case, in order
  std::string body{};
  // The client's "ip:port": two requests with the same peer came over the
  // same connection.
  std::string peer{};

  // The first value of a header, "" when absent; `name` in any case.
  std::string Header(absl::string_view name) const;
  // The first value of a query parameter, "" when absent.
  std::string QueryParam(absl::string_view name) const;
  // The body decoded as application/x-www-form-urlencoded (qBittorrent's
  // POST parameters).
  std::multimap<std::string, std::string> FormParams() const;
};

struct TestHttpResponse {
  int status = 200;
  std::string body{};
  // Sent as Content-Type unless empty or `headers` has one.
  std::string content_type = "text/plain; charset=utf-8";
  // Extra headers, in order; a name may repeat (several Set-Cookie). A
  // Content-Length here is sent as is instead of the body's size, and
  // "Connection: close" closes the connection after the answer.
  std::vector<std::pair<std::string, std::string>> headers{};
  // Wait this long before answering (or closing), without holding a thread.
  absl::Duration delay = absl::ZeroDuration();
  // Close the connection instead of answering (a crashed or reset server).
  bool close_without_answer = false;

  static TestHttpResponse Json(std::string body, int status = 200);
  static TestHttpResponse Text(std::string body, int status = 200);
  // A redirect to `location` (302 unless told).
  static TestHttpResponse Redirect(std::string location, int status = 302);
};

using TestHttpHandler = std::function<TestHttpResponse(const TestHttpRequest&)>;

// `data` compressed in the gzip format, for a body sent with
// Content-Encoding: gzip.
std::string Gzip(absl::string_view data);

class HttpTestServer {
 public:
  explicit HttpTestServer(int threads = 2);
  ~HttpTestServer();  // Stop()
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  // Binds 127.0.0.1 on `port` (0 = a free port; a fixed one for demo
  // doubles) and starts serving. Call once.
  absl::Status Start(int port = 0);
  // Closes the listener and every connection, drops delayed answers, joins
  // the threads. Later connections are refused. Idempotent.
  void Stop();

  int port() const;
  // "http://127.0.0.1:<port>" followed by `path_and_query` ("/x?a=1").
  std::string Url(absl::string_view path_and_query = "") const;

  // Answers `method` ("GET", ..., or "*") on exactly `path` with `handler`,
  // replacing an earlier handler for the same method and path.
  void Handle(absl::string_view method, absl::string_view path, TestHttpHandler handler);
  // Same for every path that starts with `prefix`.
  void HandlePrefix(absl::string_view method, absl::string_view prefix, TestHttpHandler handler);

  // Every request received, in order of arrival (also those answered 404 or
  // never answered).
  std::vector<TestHttpRequest> requests() const;
  size_t request_count() const;
  void ClearRequests();
  // Waits until at least `count` requests have arrived; false on timeout.
  bool WaitForRequests(size_t count, absl::Duration timeout) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_HTTP_TEST_SERVER_H_
