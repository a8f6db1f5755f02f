// Forged access tokens (expired, tampered, alg none, another secret, HS384,
// an RS256 header, garbage) are refused everywhere: 401 on every REST route
// the gateway documents (except the public ones), UNAUTHENTICATED on every
// gRPC method of every service called directly (except Login and Refresh,
// which take no token). The real token is accepted, so the refusals are the
// forgeries' doing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "absl/strings/str_cat.h"
#include "tests/security/forged_tokens.h"
#include "tests/security/grpc_methods.h"
#include "tests/security/security_suite.h"
#include "tests/suite/openapi_routes.h"

namespace kiosk::testing {
namespace {

// gRPC methods that need no token (documented public in the protos).
const std::set<std::string>& PublicGrpcMethods() {
  static const auto* methods = new std::set<std::string>{
      "/kiosk.users.v1.UsersService/Login",
      "/kiosk.users.v1.UsersService/Refresh",
  };
  return *methods;
}

class TokenForgeryTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(s_.ok()) << s_.status; }
  std::vector<ForgedToken> Forged() const {
    return ForgeTokens(s_.alice, s_.suite->options().secret_key);
  }
  SecuritySuite& s_ = SecuritySuite::Get();
};

TEST_F(TokenForgeryTest, TheRealTokenIsAcceptedAndEveryKindOfForgeryIsMade) {
  EXPECT_EQ(s_.rest.Call("GET", "/api/v1/auth/me", s_.alice).status, 200);
  EXPECT_EQ(Forged().size(), 8u);
}

TEST_F(TokenForgeryTest, EveryRestRouteAnswers401ToEveryForgedToken) {
  absl::StatusOr<std::vector<RestRoute>> routes = FetchRestRoutes(s_.suite->gateway_port());
  ASSERT_TRUE(routes.ok()) << routes.status();
  int checked = 0;
  for (const RestRoute& route : *routes) {
    if (route.is_public) continue;
    const std::string target = FillPath(route.path, "1");
    const nlohmann::json body = route.method == "GET" || route.method == "DELETE"
                                    ? nlohmann::json(nullptr)
                                    : nlohmann::json::object();
    for (const ForgedToken& forged : Forged()) {
      HttpTestResponse r = s_.rest.Call(route.method, target, forged.token, body);
      EXPECT_EQ(r.status, 401) << route.Name() << " with a " << forged.kind << " token: " << r.body;
      ++checked;
    }
    HttpTestResponse none = s_.rest.Call(route.method, target, "", body);
    EXPECT_EQ(none.status, 401) << route.Name() << " without a token: " << none.body;
  }
  EXPECT_GT(checked, 8 * 50) << "fewer routes than expected in /openapi.json";
}

TEST_F(TokenForgeryTest, EveryGrpcMethodOfEveryServiceAnswersUnauthenticated) {
  std::vector<GrpcMethod> methods = AllKioskGrpcMethods();
  ASSERT_GT(methods.size(), 60u);
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels;
  for (const std::string& binary : RunningSuite::ServiceNames()) {
    channels[binary] =
        grpc::CreateChannel(s_.suite->address(binary), grpc::InsecureChannelCredentials());
  }
  std::set<std::string> binaries;
  for (const GrpcMethod& method : methods) {
    ASSERT_TRUE(channels.count(method.binary)) << method.path;
    binaries.insert(method.binary);
    if (PublicGrpcMethods().count(method.path)) continue;
    for (const ForgedToken& forged : Forged()) {
      grpc::Status status = CallWithEmptyRequest(channels[method.binary], method.path,
                                                 {{"authorization", "Bearer " + forged.token}});
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method.path << " with a " << forged.kind << " token: " << status.error_message();
    }
    grpc::Status none = CallWithEmptyRequest(channels[method.binary], method.path, {});
    EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << method.path << " without a token: " << none.error_message();
  }
  EXPECT_EQ(binaries.size(), RunningSuite::ServiceNames().size());
}

}  // namespace
}  // namespace kiosk::testing
