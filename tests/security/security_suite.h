// The one running suite every security test of this binary shares (starting
// it costs seconds): the doubles of TMDB, qBittorrent and Plex with known
// secrets, the suite (each service on its own database role), the settings
// pointed at the doubles, and three accounts: the admin and two users, alice
// and bob, signed in with their first password changed.
//
//   const SecuritySuite& s = SecuritySuite::Get();   // ASSERT_TRUE(s.ok())
//   s.rest.Call("GET", "/api/v1/users", s.alice);     // -> 403
#ifndef KIOSK_TESTS_SECURITY_SECURITY_SUITE_H_
#define KIOSK_TESTS_SECURITY_SECURITY_SUITE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace kiosk::testing {

struct SecuritySuite {
  // Started on first use, stopped at exit.
  static SecuritySuite& Get();

  absl::Status status;  // why the start failed
  bool ok() const { return status.ok(); }

  std::unique_ptr<ExternalDoubles> doubles;
  std::unique_ptr<RunningSuite> suite;
  SuiteClient rest{0};
  std::string admin, alice, bob;  // access tokens
  int64_t alice_id = 0, bob_id = 0;
  // Every secret this run configured or handed out (keys, passwords,
  // tokens): none may appear in any log.
  std::vector<std::string> secrets;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SECURITY_SECURITY_SUITE_H_
