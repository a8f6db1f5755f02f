// An environment for tests: config::EnvLookup over a fixed map.
//
//   Settings::FromArgs(argc, argv, specs, FakeEnv({{"DB_POOL_SIZE", "3"}}));
#ifndef KIOSK_COMMON_TESTING_FAKE_ENV_H_
#define KIOSK_COMMON_TESTING_FAKE_ENV_H_

#include <map>
#include <optional>
#include <string>

#include "common/config/settings.h"

namespace kiosk::testing {

inline config::EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_FAKE_ENV_H_
