#include "common/config/settings.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"

namespace kiosk::config {

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::string FlagName(absl::string_view env_name) {
  return absl::StrCat("--", absl::StrReplaceAll(absl::AsciiStrToLower(env_name), {{"_", "-"}}));
}

absl::StatusOr<Settings> Settings::FromArgs(int argc, const char* const* argv,
                                            std::vector<SettingSpec> specs, const EnvLookup& env) {
  Settings settings;
  settings.specs_ = std::move(specs);
  for (const SettingSpec& spec : settings.specs_) {
    if (std::optional<std::string> value = env(spec.name)) settings.values_[spec.name] = *value;
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      settings.help_requested_ = true;
      continue;
    }
    absl::string_view flag = arg;
    std::optional<std::string> value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      flag = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    }
    const SettingSpec* match = nullptr;
    for (const SettingSpec& spec : settings.specs_) {
      if (FlagName(spec.name) == flag) match = &spec;
    }
    if (match == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown argument \"", arg, "\"; see --help for the accepted flags"));
    }
    if (!value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(absl::StrCat(flag, " needs a value"));
      }
      value = argv[++i];
    }
    settings.values_[match->name] = *value;
  }
  return settings;
}

const SettingSpec& Settings::Spec(absl::string_view name) const {
  for (const SettingSpec& spec : specs_) {
    if (spec.name == name) return spec;
  }
  // A programming error, not a user error: every getter names a declared setting.
  std::fprintf(stderr, "setting %.*s was never declared\n", static_cast<int>(name.size()),
               name.data());
  std::abort();
}

std::optional<std::string> Settings::Explicit(absl::string_view name) const {
  Spec(name);
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Settings::Get(absl::string_view name) const {
  std::optional<std::string> value = Explicit(name);
  return value ? *value : Spec(name).default_value;
}

std::string Settings::Shown(absl::string_view name, absl::string_view value) const {
  if (Spec(name).secret) return "(hidden)";
  return absl::StrCat("\"", value, "\"");
}

absl::StatusOr<int> Settings::GetInt(absl::string_view name, int min, int max) const {
  std::string raw = Get(name);
  int value = 0;
  if (!absl::SimpleAtoi(raw, &value) || value < min || value > max) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s must be a whole number from %d to %d, got %s", name, min, max, Shown(name, raw)));
  }
  return value;
}

absl::StatusOr<bool> Settings::GetBool(absl::string_view name) const {
  std::string raw = absl::AsciiStrToLower(Get(name));
  if (raw == "true" || raw == "1" || raw == "yes" || raw == "on") return true;
  if (raw == "false" || raw == "0" || raw == "no" || raw == "off") return false;
  return absl::InvalidArgumentError(
      absl::StrFormat("%s must be true or false, got %s", name, Shown(name, Get(name))));
}

absl::StatusOr<absl::Duration> Settings::GetSeconds(absl::string_view name, absl::Duration min,
                                                    absl::Duration max) const {
  std::string raw = Get(name);
  double seconds = 0;
  if (absl::SimpleAtod(raw, &seconds)) {
    absl::Duration value = absl::Seconds(seconds);
    if (value >= min && value <= max) return value;
  }
  return absl::InvalidArgumentError(
      absl::StrFormat("%s must be a number of seconds from %s to %s, got %s", name,
                      absl::FormatDuration(min), absl::FormatDuration(max), Shown(name, raw)));
}

std::string Settings::Usage(absl::string_view binary, absl::string_view summary,
                            const std::vector<SettingSpec>& specs) {
  std::string out = absl::StrCat(binary, " - ", summary, "\n\nUsage: ", binary,
                                 " [--flag=value ...]\n\n"
                                 "Settings come from the environment; a flag overrides its "
                                 "variable.\n\n");
  for (const SettingSpec& spec : specs) {
    std::string shown_default =
        spec.secret ? "(secret)" : (spec.default_value.empty() ? "(empty)" : spec.default_value);
    absl::StrAppendFormat(&out, "  %-24s %s\n  %-24s   %s (default: %s)\n", spec.name,
                          FlagName(spec.name), "", spec.help, shown_default);
  }
  return out;
}

}  // namespace kiosk::config
