#include "common/path_map.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kiosk {
namespace {

std::string Trimmed(absl::string_view path) {
  path = absl::StripAsciiWhitespace(path);
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return std::string(path);
}

// Replaces the longest `from` prefix of `path` by its `to`.
std::string Translate(absl::string_view path,
                      const std::vector<std::pair<std::string, std::string>>& entries,
                      bool to_remote) {
  const std::pair<std::string, std::string>* best = nullptr;
  size_t best_len = 0;
  for (const auto& entry : entries) {
    const std::string& from = to_remote ? entry.second : entry.first;
    if (PathHasPrefix(path, from) && (best == nullptr || from.size() > best_len)) {
      best = &entry;
      best_len = from.size();
    }
  }
  if (best == nullptr) return std::string(path);
  const std::string& from = to_remote ? best->second : best->first;
  const std::string& to = to_remote ? best->first : best->second;
  absl::string_view rest = path.substr(from == "/" ? 0 : from.size());
  if (to == "/") return rest.empty() ? "/" : std::string(rest);
  return absl::StrCat(to, rest);
}

}  // namespace

bool PathHasPrefix(absl::string_view path, absl::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix.empty() || !absl::StartsWith(path, prefix)) return false;
  return prefix == "/" || path.size() == prefix.size() || path[prefix.size()] == '/';
}

absl::StatusOr<PathMap> PathMap::Parse(absl::string_view text, absl::string_view setting,
                                       absl::string_view remote) {
  PathMap map;
  for (absl::string_view entry : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
    std::vector<absl::string_view> sides = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    if (sides.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(setting, " entry \"", entry, "\" has no \"=\"; write <", remote,
                       " path>=<local path>;..."));
    }
    std::string theirs = Trimmed(sides[0]), local = Trimmed(sides[1]);
    if (!absl::StartsWith(theirs, "/") || !absl::StartsWith(local, "/")) {
      return absl::InvalidArgumentError(
          absl::StrCat(setting, " entry \"", entry, "\": both paths must be absolute"));
    }
    map.entries_.emplace_back(std::move(theirs), std::move(local));
  }
  return map;
}

std::string PathMap::ToRemote(absl::string_view local_path) const {
  return Translate(local_path, entries_, /*to_remote=*/true);
}

std::string PathMap::ToLocal(absl::string_view remote_path) const {
  return Translate(remote_path, entries_, /*to_remote=*/false);
}

}  // namespace kiosk
