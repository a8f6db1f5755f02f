// kiosk-migrate: the migration job. See `kiosk-migrate --help`.
#include <iostream>

#include "migrations/runner/cli.h"

int main(int argc, char** argv) {
  absl::StatusOr<kiosk::migrate::CliOptions> options = kiosk::migrate::ParseCli(argc, argv);
  if (!options.ok()) {
    std::cerr << "kiosk-migrate: " << options.status().message() << "\nsee kiosk-migrate --help\n";
    return kiosk::migrate::kExitUsage;
  }
  return kiosk::migrate::RunCli(*options, kiosk::config::ProcessEnv, std::cout, std::cerr);
}
