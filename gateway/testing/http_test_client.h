// A deliberately simple blocking HTTP/1.1 client on a raw socket, for tests
// that must control the bytes on the wire (pipelining, malformed requests,
// huge bodies) and read every header of the answer.
//
//   HttpTestResponse r = HttpCall(port, "GET", "/healthz");
//   EXPECT_EQ(r.status, 200);
//   std::vector<HttpTestResponse> two = HttpRaw(port, raw_bytes, /*responses=*/2);
#ifndef KIOSK_GATEWAY_TESTING_HTTP_TEST_CLIENT_H_
#define KIOSK_GATEWAY_TESTING_HTTP_TEST_CLIENT_H_

#include <map>
#include <string>
#include <vector>

namespace kiosk::gateway::testing {

struct HttpTestResponse {
  int status = 0;                              // 0: no (complete) answer
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One request with "Connection: close"; `headers` are "Name: value" lines.
HttpTestResponse HttpCall(int port, const std::string& method, const std::string& target,
                          const std::string& body = "",
                          const std::vector<std::string>& headers = {});

// Writes `raw` as is and reads up to `responses` answers from the connection.
std::vector<HttpTestResponse> HttpRaw(int port, const std::string& raw, int responses);

}  // namespace kiosk::gateway::testing

#endif  // KIOSK_GATEWAY_TESTING_HTTP_TEST_CLIENT_H_
