// Raw settings of a binary: environment variables, overridable by flags.
//
// Each setting is declared once (name, default, help). A flag is the
// variable's name in lower case with '-' for '_': `--listen-addr=:0`
// overrides LISTEN_ADDR. `--help` is recognised; any other flag is an error.
//
//   ASSIGN_OR_RETURN(Settings s, Settings::FromArgs(argc, argv, specs));
//   if (s.help_requested()) { std::cout << Settings::Usage(...); return 0; }
//   ASSIGN_OR_RETURN(int size, s.GetInt("DB_POOL_SIZE", 1, 1000));
//
// Typed getters return InvalidArgument with one line naming the variable,
// what is expected and what was given (secrets are not echoed).
#ifndef KIOSK_COMMON_CONFIG_SETTINGS_H_
#define KIOSK_COMMON_CONFIG_SETTINGS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::config {

struct SettingSpec {
  std::string name;           // environment variable, e.g. "DB_POOL_SIZE"
  std::string default_value;  // used when neither env nor flag sets it
  std::string help;           // one line for --help
  bool secret = false;        // never echoed in errors or --help defaults
};

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> ProcessEnv(const std::string& name);

class Settings {
 public:
  static absl::StatusOr<Settings> FromArgs(int argc, const char* const* argv,
                                           std::vector<SettingSpec> specs,
                                           const EnvLookup& env = ProcessEnv);

  bool help_requested() const { return help_requested_; }

  // The flag or env value; nullopt when neither is set (defaults not applied).
  std::optional<std::string> Explicit(absl::string_view name) const;
  // The flag or env value, else the declared default.
  std::string Get(absl::string_view name) const;

  absl::StatusOr<int> GetInt(absl::string_view name, int min, int max) const;
  absl::StatusOr<bool> GetBool(absl::string_view name) const;
  // Seconds, possibly fractional ("0.5"), within [min, max].
  absl::StatusOr<absl::Duration> GetSeconds(absl::string_view name, absl::Duration min,
                                            absl::Duration max) const;

  // --help text: summary, then every setting with its flag, default and help.
  static std::string Usage(absl::string_view binary, absl::string_view summary,
                           const std::vector<SettingSpec>& specs);

 private:
  const SettingSpec& Spec(absl::string_view name) const;
  std::string Shown(absl::string_view name, absl::string_view value) const;

  std::vector<SettingSpec> specs_;
  std::map<std::string, std::string, std::less<>> values_;  // explicit values only
  bool help_requested_ = false;
};

// "LISTEN_ADDR" -> "--listen-addr".
std::string FlagName(absl::string_view env_name);

}  // namespace kiosk::config

#endif  // KIOSK_COMMON_CONFIG_SETTINGS_H_
