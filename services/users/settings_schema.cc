#include "services/users/settings_schema.h"

#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

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
      {"plex.path_map", T::kPathMap,
       "folders Plex sees under another path, e.g. /data/movies=/srv/media/movies;/data/tv=/srv/tv",
       nullptr},
      {"plex.sync_minutes", T::kInteger, "minutes between incremental library syncs", 5, 1, 1440},
      {"plex.full_sync_hours", T::kInteger, "hours between full library syncs", 24, 1, 720},
      {"qbittorrent.url", T::kUrl, "qBittorrent WebUI, e.g. http://qbittorrent:8080", nullptr},
      {"qbittorrent.username", T::kString, "qBittorrent WebUI user", nullptr},
      {"qbittorrent.password", T::kSecret, "qBittorrent WebUI password", nullptr},
      {"qbittorrent.category", T::kString, "qBittorrent category of plex-kiosk's torrents",
       "plex-kiosk"},
      {"qbittorrent.path_map", T::kPathMap,
       "folders qBittorrent sees under another path, e.g. /downloads=/srv/downloads", nullptr},
      {"tmdb.api_key", T::kSecret, "TMDB v3 API key or v4 read access token", nullptr},
      {"tmdb.url", T::kUrl, "TMDB API v3 base address", "https://api.themoviedb.org/3"},
      {"tmdb.default_language", T::kLanguage, "language of search results: fr or en", "fr"},
      {"library.movies_path", T::kAbsolutePath, "Plex library folder for films", nullptr},
      {"library.tv_path", T::kAbsolutePath, "Plex library folder for series", nullptr},
      {"downloads.path", T::kAbsolutePath, "where qBittorrent saves downloads", nullptr},
      {"downloads.stall_minutes", T::kInteger, "minutes without progress before a download is stalled",
       30, 1, 10080},
      {"downloads.seed_ratio", T::kNumber, "share ratio to reach before a torrent is removed", 1, 0,
       100},
      {"downloads.seed_minutes", T::kInteger, "minutes to seed before a torrent is removed", 0, 0,
       525600},
      {"downloads.remove_torrents", T::kBoolean, "remove torrents from qBittorrent once seeded",
       true},
      {"downloads.history_days", T::kInteger, "days of transfer history kept", 90, 1, 3650},
      {"releases.auto_grab", T::kBoolean,
       "search the indexers and grab the best release when a request is approved", true},
      {"releases.min_seeders", T::kInteger, "releases with fewer seeders are rejected", 1, 0, 100000},
      {"releases.quality_order", T::kString,
       "accepted qualities, best first, e.g. 1080p,720p,2160p,480p", "1080p,720p,2160p,480p"},
      {"releases.min_size_mb", T::kInteger,
       "smallest accepted film or episode release in MB (fakes and samples are smaller)", 100, 0,
       1000000},
      {"releases.max_size_gb", T::kNumber, "largest accepted release in GB (0 = no limit)", 0, 0,
       10000},
      {"releases.search_minutes", T::kInteger,
       "minutes between searches for requests still awaiting a release", 60, 5, 10080},
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
    case T::kNumber:
      return "number";
    case T::kBoolean:
      return "boolean";
    case T::kLanguage:
      return "language";
    case T::kPathMap:
      return "path_map";
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
    case T::kNumber: {
      if (!value.is_number()) return Invalid(def, "must be a number");
      double v = value.get<double>();
      if (!(v >= def.min && v <= def.max)) {
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
    case T::kPathMap:
      for (absl::string_view pair : absl::StrSplit(text, ';', absl::SkipWhitespace())) {
        std::vector<absl::string_view> sides = absl::StrSplit(pair, '=');
        if (sides.size() != 2 || !absl::StartsWith(absl::StripAsciiWhitespace(sides[0]), "/") ||
            !absl::StartsWith(absl::StripAsciiWhitespace(sides[1]), "/")) {
          return Invalid(def, absl::StrCat("\"", pair,
                                           "\" must be <remote path>=<local path>, both absolute"));
        }
      }
      return value;
    default:
      return value;
  }
}

}  // namespace kiosk::users
