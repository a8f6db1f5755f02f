// A small REST client of a RunningSuite's gateway for end-to-end tests: calls
// with a bearer token, JSON parsing, and the steps every flow starts with
// (the admin's first sign-in, pointing the settings at the external doubles,
// creating a user who has changed his first password).
//
//   SuiteClient rest(suite->gateway_port());
//   absl::StatusOr<std::string> admin = rest.FirstAdminLogin("new admin pw");
//   ASSERT_TRUE(rest.UseDoubles(*admin, *doubles).ok());
//   HttpTestResponse r = rest.Call("GET", "/api/v1/requests", *admin);
#ifndef KIOSK_TESTS_SUITE_SUITE_CLIENT_H_
#define KIOSK_TESTS_SUITE_SUITE_CLIENT_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/testing/http_test_client.h"
#include "tests/suite/external_doubles.h"

namespace kiosk::testing {

using ::kiosk::gateway::testing::HttpTestResponse;

// The body as JSON; a discarded value when it is not JSON.
nlohmann::json Json(const HttpTestResponse& response);

class SuiteClient {
 public:
  explicit SuiteClient(int gateway_port) : port_(gateway_port) {}

  // One call; an empty token sends no Authorization header, a null body none.
  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const std::string& token, const nlohmann::json& body = nullptr) const;

  // POST /api/v1/auth/login: the session's access token, or why not.
  absl::StatusOr<std::string> Login(const std::string& username, const std::string& password) const;
  // POST /api/v1/auth/password: the new session's access token.
  absl::StatusOr<std::string> ChangePassword(const std::string& token, const std::string& current,
                                             const std::string& replacement) const;
  // The seeded admin (admin/admin) signs in and sets `new_password`.
  absl::StatusOr<std::string> FirstAdminLogin(const std::string& new_password) const;
  // The admin creates a ROLE_USER, who signs in and changes his password to
  // `password`: his access token.
  absl::StatusOr<std::string> CreateUser(const std::string& admin_token,
                                         const std::string& username,
                                         const std::string& password) const;
  // PATCH /api/v1/settings and the movie/tv rename settings so every service
  // talks to the doubles and the library lives in their media folder.
  absl::Status UseDoubles(const std::string& admin_token, const ExternalDoubles& doubles) const;

  // Calls GET `target` until `done` holds on its JSON (or `timeout`): the
  // last JSON seen.
  nlohmann::json PollJson(const std::string& target, const std::string& token,
                          const std::function<bool(const nlohmann::json&)>& done,
                          absl::Duration timeout = absl::Seconds(30),
                          absl::Duration interval = absl::Milliseconds(250)) const;

 private:
  int port_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SUITE_SUITE_CLIENT_H_
