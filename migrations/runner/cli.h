// kiosk-migrate's command line: Alembic's verbs plus check, doctor, reset and
// import-sqlite. Parsing and running are separate so both can be tested.
//
//   absl::StatusOr<CliOptions> options = ParseCli(argc, argv);
//   return RunCli(*options, ProcessEnv, std::cout, std::cerr);
#ifndef KIOSK_MIGRATIONS_RUNNER_CLI_H_
#define KIOSK_MIGRATIONS_RUNNER_CLI_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/config/settings.h"

namespace kiosk::migrate {

// Exit codes, also listed by --help.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;      // database error, failed migration, refused operation
inline constexpr int kExitUsage = 2;       // bad arguments or configuration
inline constexpr int kExitAttention = 3;   // check: pending or drift; doctor: problems found

struct CliOptions {
  bool help = false;
  std::string verb;
  std::vector<std::string> args;  // positional arguments after the verb
  std::optional<std::string> database_url;
  std::optional<std::string> migrations_dir;
  std::optional<std::string> message;  // revision -m
  bool dry_run = false;
  bool yes = false;
  bool replace = false;
};

absl::StatusOr<CliOptions> ParseCli(int argc, const char* const* argv);
int RunCli(const CliOptions& options, const config::EnvLookup& env, std::ostream& out,
           std::ostream& err);
std::string CliUsage();

}  // namespace kiosk::migrate

#endif  // KIOSK_MIGRATIONS_RUNNER_CLI_H_
