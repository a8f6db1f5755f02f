// grpcurl-style calls against the whole running suite: tests/grpc/
// grpc_reflect.py lists and describes every service of every binary through
// server reflection and calls GetServiceInfo (and kiosk-users' Me) with the
// admin's token and without one. This driver starts the suite, signs the
// admin in over REST and runs the script with /usr/bin/python3.
#include <gtest/gtest.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "common/testing/subprocess.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {
namespace {

TEST(GrpcReflectionTest, EveryServiceListedDescribedAndCalledWithAndWithoutAToken) {
  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
  ASSERT_TRUE(suite.ok()) << suite.status();
  absl::StatusOr<std::string> admin =
      SuiteClient((*suite)->gateway_port()).FirstAdminLogin("grpc admin password");
  ASSERT_TRUE(admin.ok()) << admin.status();

  std::vector<std::string> argv = {"/usr/bin/python3", KIOSK_GRPC_REFLECT_SCRIPT, "check",
                                   "--token", *admin};
  for (const std::string& service : RunningSuite::ServiceNames()) {
    argv.push_back((*suite)->address(service));
  }
  absl::StatusOr<Subprocess> script = Subprocess::Start(argv, {});
  ASSERT_TRUE(script.ok()) << script.status();
  std::optional<int> exit_code = script->Wait(absl::Seconds(120));
  std::cout << script->Output();
  EXPECT_EQ(exit_code, 0) << script->Output();
  // Every binary answered reflection.
  for (const std::string& service : RunningSuite::ServiceNames()) {
    EXPECT_NE(script->Output().find(absl::StrCat((*suite)->address(service), ": reflection")),
              std::string::npos)
        << service;
  }
}

}  // namespace
}  // namespace kiosk::testing
