#include "services/downloads/naming/clean_file_name.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"

namespace kiosk::downloads::naming {
namespace {

bool IsSeparator(char c) { return c == '-' || c == ' ' || c == '.' || c == '_'; }

std::string ColonReplacement(ColonMode mode) {
  switch (mode) {
    case ColonMode::kDelete:
      return "";
    case ColonMode::kDash:
      return "-";
    case ColonMode::kSpaceDash:
      return " -";
    case ColonMode::kSpaceDashSpace:
      return " - ";
    case ColonMode::kSmart:
      return "-";
  }
  return "";
}

// "con", "COM1", "lpt9" ... (case-insensitive).
bool IsReservedDeviceName(absl::string_view word) {
  std::string lower = absl::AsciiStrToLower(word);
  if (lower == "aux" || lower == "con" || lower == "nul" || lower == "prn") return true;
  return lower.size() == 4 && (lower.rfind("com", 0) == 0 || lower.rfind("lpt", 0) == 0) &&
         lower[3] >= '1' && lower[3] <= '9';
}

}  // namespace

std::string CleanTokenText(absl::string_view text, const NamingOptions& options) {
  std::string result(text);
  if (options.replace_illegal) {
    if (options.colon == ColonMode::kSmart) {
      result = absl::StrReplaceAll(result, {{": ", " - "}});
    }
    result = absl::StrReplaceAll(result, {{":", ColonReplacement(options.colon)}});
  } else {
    result = absl::StrReplaceAll(result, {{":", ""}});
  }
  static constexpr char kBad[] = {'\\', '/', '<', '>', '?', '*', '|', '"'};
  static constexpr const char* kGood[] = {"+", "+", "", "", "!", "-", "", ""};
  std::string mapped;
  mapped.reserve(result.size());
  for (char c : result) {
    // Control characters (newlines, NUL) are never useful in a file name.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) continue;
    bool bad = false;
    for (size_t i = 0; i < sizeof(kBad); ++i) {
      if (c == kBad[i]) {
        if (options.replace_illegal) mapped += kGood[i];
        bad = true;
        break;
      }
    }
    if (!bad) mapped.push_back(c);
  }
  size_t start = 0;
  while (start < mapped.size() && (mapped[start] == ' ' || mapped[start] == '.')) ++start;
  size_t end = mapped.size();
  while (end > start && mapped[end - 1] == ' ') --end;
  return mapped.substr(start, end - start);
}

std::string FinishFileName(absl::string_view name) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(name);
  // FileNameCleanupRegex ([- ._])\1+ -> the first character.
  std::string collapsed;
  for (char c : trimmed) {
    if (IsSeparator(c) && !collapsed.empty() && collapsed.back() == c) continue;
    collapsed.push_back(c);
  }
  // TrimSeparatorsRegex [- ._]$ (applied once, like Radarr; repeats are already collapsed).
  while (!collapsed.empty() && IsSeparator(collapsed.back())) collapsed.pop_back();
  // Leading dots would hide the file; CleanTokenText already strips them from
  // values, a literal one in a format is stripped here.
  size_t lead = 0;
  while (lead < collapsed.size() && (collapsed[lead] == '.' || collapsed[lead] == ' ')) ++lead;
  collapsed.erase(0, lead);
  // ReservedDeviceNamesRegex ^(?:aux|com[1-9]|con|lpt[1-9]|nul|prn)\. -> "_"
  size_t dot = collapsed.find('.');
  absl::string_view head = absl::string_view(collapsed).substr(0, dot);
  if (IsReservedDeviceName(head)) {
    if (dot == std::string::npos) {
      collapsed += '_';
    } else {
      collapsed[dot] = '_';
    }
  }
  return collapsed;
}

std::string CleanFileName(std::string_view name, const NamingOptions& options) {
  return FinishFileName(CleanTokenText(Av(name), options));
}

}  // namespace kiosk::downloads::naming
