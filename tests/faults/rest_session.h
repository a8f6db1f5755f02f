// REST calls through a gateway with a bearer token, and the first steps every
// fault test needs: the admin's first sign-in (password change) and the
// system settings that point the services at the external systems.
//
//   RestSession admin = *RestSession::FirstAdminLogin(port);
//   admin.Call("PATCH", "/api/v1/settings", {{"values", {...}}});
#ifndef KIOSK_TESTS_FAULTS_REST_SESSION_H_
#define KIOSK_TESTS_FAULTS_REST_SESSION_H_

#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::testing {

using ::kiosk::gateway::testing::HttpTestResponse;

// The body as JSON (discarded value when it is not JSON).
nlohmann::json Json(const HttpTestResponse& r);

class RestSession {
 public:
  RestSession(int port, std::string token) : port_(port), token_(std::move(token)) {}

  // admin/admin, then the required password change; the new token.
  static absl::StatusOr<RestSession> FirstAdminLogin(int port);
  // Creates a user (as this admin) and signs it in, password changed.
  absl::StatusOr<RestSession> CreateUser(const std::string& username);

  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const nlohmann::json& body = nullptr) const;
  // Same call on another gateway (replicas share the token secret).
  HttpTestResponse CallOn(int port, const std::string& method, const std::string& target,
                          const nlohmann::json& body = nullptr) const;
  // PATCH /api/v1/settings with these values.
  absl::Status SetSettings(const nlohmann::json& values) const;

  int port() const { return port_; }
  void set_port(int port) { port_ = port; }
  const std::string& token() const { return token_; }

 private:
  int port_;
  std::string token_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_REST_SESSION_H_
