#include "tests/security/security_suite.h"

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kiosk::testing {
namespace {

constexpr char kAdminPassword[] = "security admin pw 1";
constexpr char kAlicePassword[] = "alice security pw 1";
constexpr char kBobPassword[] = "bob security pw 1";

absl::StatusOr<int64_t> UserId(const SuiteClient& rest, const std::string& token) {
  nlohmann::json me = Json(rest.Call("GET", "/api/v1/auth/me", token));
  int64_t id = 0;
  if (!me.is_object() || !me.contains("id") ||
      !absl::SimpleAtoi(me["id"].get<std::string>(), &id)) {
    return absl::InternalError(absl::StrCat("GET /api/v1/auth/me: ", me.dump()));
  }
  return id;
}

absl::Status Start(SecuritySuite& s) {
  DoublesOptions doubles_options;
  doubles_options.tmdb_api_key = "tmdb-key-security-7f3a9c";
  doubles_options.qbittorrent_password = "qbittorrent-pw-security-51d2";
  doubles_options.plex_token = "plex-token-security-b8e4f0";
  absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles =
      ExternalDoubles::Start(doubles_options);
  if (!doubles.ok()) return doubles.status();
  s.doubles = *std::move(doubles);
  SuiteOptions options;
  options.secret_key = "security-suite-secret-key-9d7e5b3a1c";
  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start(options);
  if (!suite.ok()) return suite.status();
  s.suite = *std::move(suite);
  s.rest = SuiteClient(s.suite->gateway_port());

  absl::StatusOr<std::string> admin = s.rest.FirstAdminLogin(kAdminPassword);
  if (!admin.ok()) return admin.status();
  s.admin = *admin;
  if (absl::Status used = s.rest.UseDoubles(s.admin, *s.doubles); !used.ok()) return used;
  absl::StatusOr<std::string> alice = s.rest.CreateUser(s.admin, "alice", kAlicePassword);
  if (!alice.ok()) return alice.status();
  s.alice = *alice;
  absl::StatusOr<std::string> bob = s.rest.CreateUser(s.admin, "bob", kBobPassword);
  if (!bob.ok()) return bob.status();
  s.bob = *bob;
  absl::StatusOr<int64_t> alice_id = UserId(s.rest, s.alice);
  if (!alice_id.ok()) return alice_id.status();
  s.alice_id = *alice_id;
  absl::StatusOr<int64_t> bob_id = UserId(s.rest, s.bob);
  if (!bob_id.ok()) return bob_id.status();
  s.bob_id = *bob_id;

  s.secrets = {options.secret_key,
               doubles_options.tmdb_api_key,
               doubles_options.qbittorrent_password,
               doubles_options.plex_token,
               kAdminPassword,
               kAlicePassword,
               kBobPassword,
               absl::StrCat(kAlicePassword, " (first)"),
               s.admin,
               s.alice,
               s.bob};
  for (const std::string& service : RunningSuite::ServiceNames()) {
    s.secrets.push_back(s.suite->ServiceDatabaseUrl(service).password);
  }
  return absl::OkStatus();
}

SecuritySuite* started = nullptr;

}  // namespace

SecuritySuite& SecuritySuite::Get() {
  if (started == nullptr) {
    started = new SecuritySuite();
    started->status = Start(*started);
  }
  return *started;
}

// Stops the suite at exit (a static's destructor would run too late for
// gtest's output).
class SecuritySuiteStopper : public ::testing::Environment {
 public:
  void TearDown() override {
    if (started == nullptr) return;
    started->suite.reset();
    started->doubles.reset();
  }
};
const auto* const kStopper = ::testing::AddGlobalTestEnvironment(new SecuritySuiteStopper);

}  // namespace kiosk::testing
