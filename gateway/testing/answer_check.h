// The checks a fuzz test makes on every answer of the gateway (the gateway's
// own fuzz test over the test Bookstore, and tests/fuzz over the running
// suite): complete, a known status, JSON in the agreed shapes.
#ifndef KIOSK_GATEWAY_TESTING_ANSWER_CHECK_H_
#define KIOSK_GATEWAY_TESTING_ANSWER_CHECK_H_

#include <string>

#include "gateway/testing/http_test_client.h"

namespace kiosk::gateway::testing {

// A request for a failure message, clipped and escaped.
std::string Describe(const std::string& method, const std::string& target, const std::string& body);

// What is wrong with an answer ("" = nothing): it must be complete, have a
// known status (2xx, 4xx; no 5xx: nothing upstream is told to fail) and be
// JSON in the agreed shapes (a google.rpc.Status for every error). `head`:
// the answer to a HEAD request (no body).
std::string ProblemWith(const HttpTestResponse& response, bool head);

}  // namespace kiosk::gateway::testing

#endif  // KIOSK_GATEWAY_TESTING_ANSWER_CHECK_H_
