#include "services/plex/guid.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace kiosk::plex {
namespace {

// "170?lang=en" or "74205/1/1?lang=en" -> "170" / "74205".
absl::string_view LeadingId(absl::string_view rest) {
  size_t end = rest.find_first_of("/?#");
  return end == absl::string_view::npos ? rest : rest.substr(0, end);
}

int PositiveInt(absl::string_view text) {
  int value = 0;
  if (!absl::SimpleAtoi(text, &value) || value <= 0) return 0;
  return value;
}

bool IsImdbId(absl::string_view id) {
  if (id.size() < 3 || !absl::StartsWith(id, "tt")) return false;
  for (char c : id.substr(2)) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

void AddGuid(absl::string_view guid, ExternalIds& ids) {
  size_t sep = guid.find("://");
  if (sep == absl::string_view::npos) return;
  absl::string_view scheme = guid.substr(0, sep);
  absl::string_view id = LeadingId(guid.substr(sep + 3));
  // Legacy agents: com.plexapp.agents.<name>
  absl::ConsumePrefix(&scheme, "com.plexapp.agents.");
  if (scheme == "imdb") {
    if (ids.imdb_id.empty() && IsImdbId(id)) ids.imdb_id = std::string(id);
  } else if (scheme == "tmdb" || scheme == "themoviedb") {
    if (ids.tmdb_id == 0) ids.tmdb_id = PositiveInt(id);
  } else if (scheme == "tvdb" || scheme == "thetvdb") {
    if (ids.tvdb_id == 0) ids.tvdb_id = PositiveInt(id);
  }
}

ExternalIds ResolveIds(absl::string_view guid, const std::vector<std::string>& children) {
  ExternalIds ids;
  for (const std::string& child : children) AddGuid(child, ids);
  AddGuid(guid, ids);
  return ids;
}

}  // namespace kiosk::plex
