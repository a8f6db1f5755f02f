#include "services/users/settings_schema.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kiosk::users {
namespace {

using T = SettingType;

absl::Status Invalid(const SettingDef& def, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("setting ", def.key, ": ", why));
}

bool IsHttpUrl(const std::string& url) {
  for (const char* scheme : {"http://", "https://"}) {
    if (absl::StartsWith(url, scheme)) {
      std::string rest = url.substr(std::string(scheme).size());
      std::string host = rest.substr(0, rest.find_first_of("/?#"));
      return !host.empty() && host.find(' ') == std::string::npos && host.front() != ':';
    }
  }
  return false;
}

}  // namespace

const std::vector<SettingDef>& SettingDefinitions() {
  static const auto* defs = new std::vector<SettingDef>{
      {"app.title", T::kString, "name shown on the kiosk page", "Plex Kiosk"},
      {"app.url", T::kUrl, "public address of the kiosk page", nullptr},
      {"plex.url", T::kUrl, "Plex Media Server, e.g. http://plex:32400", nullptr},
      {"plex.token", T::kSecret, "X-Plex-Token of the server owner", nullptr},
      {"qbittorrent.url", T::kUrl, "qBittorrent WebUI, e.g. http://qbittorrent:8080", nullptr},
      {"qbittorrent.username", T::kString, "qBittorrent WebUI user", nullptr},
      {"qbittorrent.password", T::kSecret, "qBittorrent WebUI password", nullptr},
      {"tmdb.api_key", T::kSecret, "TMDB v3 API key or v4 read access token", nullptr},
      {"tmdb.default_language", T::kLanguage, "language of search results: fr or en", "fr"},
      {"library.movies_path", T::kAbsolutePath, "Plex library folder for films", nullptr},
      {"library.tv_path", T::kAbsolutePath, "Plex library folder for series", nullptr},
      {"downloads.path", T::kAbsolutePath, "where qBittorrent saves downloads", nullptr},
      {"quota.movie_limit", T::kInteger, "films a user may request per window (0 = no limit)", 0, 0,
       10000},
      {"quota.movie_days", T::kInteger, "length of the film quota window in days", 7, 1, 3650},
      {"quota.tv_limit", T::kInteger, "series a user may request per window (0 = no limit)", 0, 0,
       10000},
      {"quota.tv_days", T::kInteger, "length of the series quota window in days", 7, 1, 3650},
      {"new_users.auto_approve", T::kBoolean, "requests of new users are approved at once", false},
  };
  return *defs;
}

const SettingDef* FindSetting(absl::string_view key) {
  for (const SettingDef& def : SettingDefinitions()) {
    if (def.key == key) return &def;
  }
  return nullptr;
}

absl::string_view SettingTypeName(SettingType type) {
  switch (type) {
    case T::kString:
      return "string";
    case T::kUrl:
      return "url";
    case T::kSecret:
      return "secret";
    case T::kAbsolutePath:
      return "path";
    case T::kInteger:
      return "integer";
    case T::kBoolean:
      return "boolean";
    case T::kLanguage:
      return "language";
  }
  return "string";
}

absl::StatusOr<nlohmann::json> ValidateSetting(const SettingDef& def, const nlohmann::json& value) {
  switch (def.type) {
    case T::kInteger: {
      if (!value.is_number_integer()) return Invalid(def, "must be a whole number");
      int64_t v = value.get<int64_t>();
      if (v < def.min || v > def.max) {
        return Invalid(def, absl::StrCat("must be from ", def.min, " to ", def.max));
      }
      return value;
    }
    case T::kBoolean:
      if (!value.is_boolean()) return Invalid(def, "must be true or false");
      return value;
    default:
      break;
  }
  if (!value.is_string()) return Invalid(def, "must be a string");
  std::string text = value.get<std::string>();
  if (text.empty() || text.size() > 2048) return Invalid(def, "must have 1 to 2048 characters");
  switch (def.type) {
    case T::kUrl:
      if (!IsHttpUrl(text)) return Invalid(def, "must be an http:// or https:// URL with a host");
      // Kept without a trailing slash so clients can append paths.
      while (text.size() > 1 && text.back() == '/') text.pop_back();
      return nlohmann::json(text);
    case T::kAbsolutePath:
      if (text.front() != '/') return Invalid(def, "must be an absolute path (start with /)");
      if (absl::StrContains(text, "/../") || absl::EndsWith(text, "/..")) {
        return Invalid(def, "must not contain ..");
      }
      return value;
    case T::kLanguage:
      if (text != "fr" && text != "en") return Invalid(def, "must be fr or en");
      return value;
    default:
      return value;
  }
}

}  // namespace kiosk::users
