// Plain structs of kiosk-media: requests, their history, title mappings and
// search results. No protobuf, gRPC or pqxx types.
#ifndef KIOSK_SERVICES_MEDIA_MODEL_H_
#define KIOSK_SERVICES_MEDIA_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace kiosk::media {

// A season of a series request; no episode = the whole season.
struct SeasonSelection {
  int season_number = 0;
  std::vector<int> episode_numbers;
};

// Per-episode progress of a series request.
struct EpisodeTally {
  int requested = 0;                            // episodes the request covers; 0 = unknown
  std::vector<SeasonSelection> available;       // the requested ones that are in
};

struct RequestProgress {
  double percent = 0;
  int64_t speed = 0;        // bytes per second
  int64_t eta_seconds = 0;  // 0 = unknown
  std::string stage;
  std::string message;
  std::optional<absl::Time> updated_at;
};

struct MediaRequest {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string media_type;  // "movie" or "tv"
  int tmdb_id = 0;
  std::string imdb_id;
  int tvdb_id = 0;
  std::string title;  // in the request's language
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  int year = 0;
  std::string language;                 // "fr", "en" or "vo"
  std::vector<SeasonSelection> seasons;  // series; empty = every season
  std::string status;
  std::string status_reason;
  int64_t approved_by = 0;
  std::optional<absl::Time> approved_at;
  absl::Time created_at;
  absl::Time updated_at;
  RequestProgress progress;
  std::string poster_path;
  // Series: see EpisodeTally.
  int episodes_requested = 0;
  std::vector<SeasonSelection> available_episodes;
};

// Who moved a request: a user (admin or owner) or a service.
struct Actor {
  int64_t user_id = 0;
  std::string service;  // "kiosk-plex", "kiosk-downloads", "kiosk-media"
};

struct Transition {
  int64_t id = 0;
  int64_t request_id = 0;
  std::string from_status;  // "" for the creation
  std::string to_status;
  Actor actor;
  std::string reason;
  absl::Time at;
};

struct TitleMapping {
  int64_t id = 0;
  std::string media_type;
  int tmdb_id = 0;
  std::string title_fr;
  std::string title_en;
  std::string original_title;
  int year = 0;
  std::string source;  // "tmdb" or "manual"
  absl::Time created_at;
  absl::Time updated_at;
};

struct RequestFilter {
  int64_t user_id = 0;     // 0 = everybody
  std::string status;      // "" = any
  std::string media_type;  // "" = any
  std::string language;    // "" = any
  std::string sort = "added";  // "added" (created_at) or "modified" (updated_at), newest first
  int page = 1;
  int page_size = 20;
};

struct RequestPage {
  std::vector<MediaRequest> requests;
  int page = 1;
  int pages = 0;
  int64_t results = 0;
};

// A title by its ids, as kiosk-plex knows it.
struct TitleKey {
  std::string media_type;
  int tmdb_id = 0;
  std::string imdb_id;
  int tvdb_id = 0;
};

// What kiosk-plex holds of one title.
struct PlexPresence {
  TitleKey key;
  bool present = false;
  std::string rating_key;
  std::vector<SeasonSelection> seasons;  // series: seasons and episodes present
};

// One user as kiosk-media needs him (from kiosk-users).
struct UserInfo {
  int64_t id = 0;
  bool is_admin = false;
  bool auto_approve = false;
  std::string preferred_language;  // "fr" or "en"
  std::optional<int> movie_quota_limit;
  std::optional<int> movie_quota_days;
  std::optional<int> tv_quota_limit;
  std::optional<int> tv_quota_days;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MODEL_H_
