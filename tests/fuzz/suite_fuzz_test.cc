// Fuzzing the REST surface of the real suite: thousands of requests on every
// route the gateway documents in /openapi.json, with mutated paths (odd ids,
// encodings, traversal, extra segments), query strings, JSON bodies (shaped
// after each route's schema with wrong types, deep nesting, huge numbers,
// invalid UTF-8, NUL characters, truncation), headers (tokens of every kind,
// content types, junk) and raw malformed HTTP, against the gateway built with
// AddressSanitizer and UBSan (tests/fuzz/run_suite_fuzz.sh builds it and
// passes it in KIOSK_FUZZ_GATEWAY; without it this build's gateway is used).
//
// Every answer must be complete and JSON: a google.rpc.Status for every error,
// never a 500 (an internal error) and never an answer that leaks internals;
// at the end the gateway still answers, exits cleanly on SIGTERM and wrote no
// sanitizer report. Deterministic for a seed:
//
//   KIOSK_FUZZ_SEED=7 KIOSK_FUZZ_ITERATIONS=20000 KIOSK_FUZZ_VERBOSE=1 suite_fuzz_test
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "gateway/testing/answer_check.h"
#include "gateway/testing/http_test_client.h"
#include "tests/fuzz/request_mutator.h"
#include "tests/suite/openapi_routes.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

using ::kiosk::gateway::testing::Describe;
using ::kiosk::gateway::testing::HttpCall;
using ::kiosk::gateway::testing::HttpRaw;
using ::kiosk::gateway::testing::ProblemWith;

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

// Words that give internals away in an error message.
constexpr const char* kInternalWords[] = {"pqxx",
                                          "SQLSTATE",
                                          "syntax error at",
                                          "DETAIL:",
                                          "CONTEXT:",
                                          "Failing row",
                                          "portal parameter",
                                          "std::",
                                          "terminate called",
                                          "exception",
                                          "Segmentation",
                                          "/work/",
                                          ".cc:"};

// What is wrong with an answer of the real suite ("" = nothing): the
// gateway's own checks, except that an upstream may be unavailable (503/504
// with a google.rpc.Status), and no message may give internals away.
std::string SuiteProblemWith(const gateway::testing::HttpTestResponse& response, bool head) {
  for (const char* word : kInternalWords) {
    if (absl::StrContains(response.body, word)) {
      return absl::StrCat("status ", response.status, ": internals in the answer: ", response.body);
    }
  }
  if (response.status == 503 || response.status == 504) {
    nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
    if (json.is_object() && json.contains("code") && json.contains("message")) return "";
  }
  return ProblemWith(response, head);
}

TEST(SuiteFuzzTest, EveryAnswerIsWellFormedAndTheSanitizedGatewaySurvives) {
  const uint64_t seed = EnvNumber("KIOSK_FUZZ_SEED", 20261130);
  const int iterations = static_cast<int>(EnvNumber("KIOSK_FUZZ_ITERATIONS", 10000));
  const bool verbose = EnvNumber("KIOSK_FUZZ_VERBOSE", 0) != 0;
  const std::filesystem::path reports =
      std::filesystem::temp_directory_path() / absl::StrCat("kiosk-fuzz-", getpid());
  std::filesystem::create_directories(reports);

  SuiteOptions options;
  if (const char* gateway = std::getenv("KIOSK_FUZZ_GATEWAY"); gateway != nullptr && *gateway) {
    options.gateway_binary = gateway;
  }
  // A report goes to a file (and aborts); LeakSanitizer checks at exit.
  options.gateway_env = {
      {"ASAN_OPTIONS",
       absl::StrCat("detect_leaks=1:abort_on_error=1:log_path=", reports.string(), "/asan")},
      {"UBSAN_OPTIONS",
       absl::StrCat("halt_on_error=1:print_stacktrace=1:log_path=", reports.string(), "/ubsan")},
  };
  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start(options);
  ASSERT_TRUE(suite.ok()) << suite.status();
  const int port = (*suite)->gateway_port();
  std::cout << "gateway: "
            << (options.gateway_binary.empty() ? "this build's" : options.gateway_binary)
            << ", seed " << seed << ", " << iterations << " requests" << std::endl;

  SuiteClient rest(port);
  absl::StatusOr<std::string> admin = rest.FirstAdminLogin("fuzz admin password");
  ASSERT_TRUE(admin.ok()) << admin.status();
  absl::StatusOr<std::string> user = rest.CreateUser(*admin, "fuzzuser", "fuzz user password");
  ASSERT_TRUE(user.ok()) << user.status();
  absl::StatusOr<std::vector<RestRoute>> routes = FetchRestRoutes(port);
  ASSERT_TRUE(routes.ok()) << routes.status();
  absl::StatusOr<nlohmann::json> openapi = FetchOpenApi(port);
  ASSERT_TRUE(openapi.ok()) << openapi.status();

  RequestMutator mutator(*routes, *openapi, {*admin, *user});
  std::map<int, int> statuses;
  std::set<std::string> routes_hit;
  int failures = 0;
  for (int i = 0; i < iterations && failures < 10; ++i) {
    FuzzRequest request = mutator.Make(seed, i);
    routes_hit.insert(request.route);
    gateway::testing::HttpTestResponse response;
    if (request.raw.empty()) {
      response = HttpCall(port, request.method, request.target, request.body, request.headers);
    } else {
      std::vector<gateway::testing::HttpTestResponse> answers = HttpRaw(port, request.raw, 1);
      if (!answers.empty()) response = answers[0];
      // Bytes the server may rightly wait on or drop: only an answer given is checked.
      if (response.status == 0) {
        ++statuses[0];
        continue;
      }
    }
    ++statuses[response.status];
    const std::string problem = SuiteProblemWith(response, request.method == "HEAD");
    if (verbose) {
      std::cout << i << ": " << Describe(request.method, request.target, request.body) << " -> "
                << response.status << " " << response.body.substr(0, 200) << "\n";
    }
    if (!problem.empty()) {
      ++failures;
      ADD_FAILURE() << "seed " << seed << " iteration " << i << ": " << problem << "\n  request: "
                    << (request.raw.empty() ? Describe(request.method, request.target, request.body)
                                            : Describe("raw", request.raw, ""))
                    << " headers [" << absl::StrJoin(request.headers, " | ") << "]";
    }
  }
  std::cout << "answers by status:";
  for (const auto& [status, count] : statuses) std::cout << " " << status << "x" << count;
  std::cout << "\nroutes hit: " << routes_hit.size() << " of " << routes->size() << std::endl;
  EXPECT_EQ(routes_hit.size(), routes->size()) << "every documented route is fuzzed";

  // Still serving, then a clean exit (LeakSanitizer runs then).
  EXPECT_EQ(HttpCall(port, "GET", "/healthz").status, 200);
  absl::StatusOr<int> exit_code = (*suite)->Stop("kiosk-gateway");
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << (*suite)->Logs();
  std::string sanitizer_reports;
  for (const auto& entry : std::filesystem::directory_iterator(reports)) {
    std::ifstream in(entry.path());
    absl::StrAppend(&sanitizer_reports, "==== ", entry.path().string(), "\n",
                    std::string(std::istreambuf_iterator<char>(in), {}));
  }
  EXPECT_EQ(sanitizer_reports, "") << "sanitizer reports";
  const std::string logs = (*suite)->Logs();
  EXPECT_FALSE(absl::StrContains(logs, "runtime error:")) << logs;
  EXPECT_FALSE(absl::StrContains(logs, "AddressSanitizer")) << logs;
  std::filesystem::remove_all(reports);
}

}  // namespace
}  // namespace kiosk::testing
