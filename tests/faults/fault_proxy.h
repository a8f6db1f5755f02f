// A fault-injecting HTTP proxy between our services and an external system's
// double (Plex, qBittorrent, TMDB): point the service's URL setting at it and
// switch what it does while the test runs.
//
//   FaultProxy proxy(doubles->qbittorrent_url());
//   ASSERT_TRUE(proxy.Start().ok());        // settings: qbittorrent.url = proxy.url()
//   proxy.Set(FaultMode::kServerError);     // every call answered 500
//   proxy.Refuse();                         // listener closed: connection refused
//   proxy.Set(FaultMode::kPass);            // listening again on the same port, forwarding
//
// Modes: pass (forward as is: method, target, headers, body; the answer's
// status, headers and body back), 500, hang (accept and never answer: the
// client's time-out), garbage (200 with a body that is not JSON nor XML),
// 401 (as a server whose session or token was revoked), refused (nothing
// listens on the port).
#ifndef KIOSK_TESTS_FAULTS_FAULT_PROXY_H_
#define KIOSK_TESTS_FAULTS_FAULT_PROXY_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "common/http/http_client.h"
#include "common/testing/http_test_server.h"

namespace kiosk::testing {

enum class FaultMode { kPass, kServerError, kHang, kGarbage, kUnauthorized, kRefused };
const char* FaultModeName(FaultMode mode);

class FaultProxy {
 public:
  // `upstream`: "http://127.0.0.1:<port>", no trailing slash.
  explicit FaultProxy(std::string upstream);
  ~FaultProxy();

  absl::Status Start();
  // Any mode; from kRefused to another the proxy listens again on its port.
  absl::Status Set(FaultMode mode);
  FaultMode mode() const { return mode_.load(); }

  // "http://127.0.0.1:<port>" (the same in every mode).
  std::string url() const;
  // Calls answered with a fault / forwarded, since the start.
  int faulted() const { return faulted_.load(); }
  int forwarded() const { return forwarded_.load(); }
  // Calls forwarded to "METHOD /path" (no query), e.g. "POST /api/v2/torrents/add".
  int ForwardedTo(const std::string& method_and_path) const;

 private:
  TestHttpResponse Answer(const TestHttpRequest& request);
  absl::Status Listen();

  const std::string upstream_;
  http::CurlHttpClient client_;
  std::mutex mu_;  // guards server_ replacement
  std::unique_ptr<HttpTestServer> server_;
  int port_ = 0;
  std::atomic<FaultMode> mode_{FaultMode::kPass};
  std::atomic<int> faulted_{0};
  std::atomic<int> forwarded_{0};
  mutable std::mutex counts_mu_;
  std::map<std::string, int> forwarded_by_path_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_FAULT_PROXY_H_
