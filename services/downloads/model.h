// Plain structs of kiosk-downloads (no protobuf, gRPC or pqxx types).
#ifndef KIOSK_SERVICES_DOWNLOADS_MODEL_H_
#define KIOSK_SERVICES_DOWNLOADS_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace kiosk::downloads {

// downloads.downloads.state
inline constexpr char kAwaitingRelease[] = "awaiting_release";
inline constexpr char kQueued[] = "queued";
inline constexpr char kDownloading[] = "downloading";
inline constexpr char kStalled[] = "stalled";
inline constexpr char kPaused[] = "paused";
inline constexpr char kCompleted[] = "completed";
inline constexpr char kImporting[] = "importing";
inline constexpr char kImported[] = "imported";
inline constexpr char kFailed[] = "failed";
inline constexpr char kRemoved[] = "removed";

bool IsDownloadState(const std::string& state);

// A release link as the requester (not an admin) may see it: a magnet keeps
// only its info-hash (trackers may carry a private passkey), a URL loses its
// query and fragment (Jackett's and Prowlarr's links carry their API key).
std::string SourceShownToRequester(const std::string& source);

struct Download {
  int64_t id = 0;
  int64_t request_id = 0;
  int64_t user_id = 0;  // the request's owner; 0 = unknown
  std::string state;
  std::string torrent_hash;  // "" until qBittorrent took the release
  std::string name;
  std::string source;  // "" while awaiting a release
  std::string save_path;
  std::string content_path;
  double progress = 0;
  int64_t size_bytes = 0;
  int64_t downloaded_bytes = 0;
  int64_t download_speed = 0;
  int64_t eta_seconds = 0;
  std::string client_state;
  std::string error;
  std::string stage_message;
  std::string reported_status;
  double ratio = 0;
  int64_t seeding_seconds = 0;
  std::string library_path;
  int attempts = 0;
  absl::Time created_at;
  absl::Time updated_at;
  std::optional<absl::Time> completed_at;
  std::optional<absl::Time> last_progress_at;
  std::optional<absl::Time> stalled_since;
  std::optional<absl::Time> plex_refreshed_at;
  std::optional<absl::Time> imported_at;
  std::optional<absl::Time> client_removed_at;
  // The grabbed release (release search, issue 13): its name on the indexer,
  // the indexer's name, and whether the automatic grab chose it.
  std::string release_title;
  std::string indexer;
  bool auto_grabbed = false;
};

// What one monitor pass learnt about a download.
struct DownloadProgress {
  std::string state;
  std::string name;
  std::string client_state;
  double progress = 0;
  int64_t size_bytes = 0;
  int64_t downloaded_bytes = 0;
  int64_t download_speed = 0;
  int64_t eta_seconds = 0;
  double ratio = 0;
  int64_t seeding_seconds = 0;
  std::string save_path;
  std::string content_path;
  std::string stage_message;
  std::string error;  // with state failed
  bool progressed = false;  // bytes grew since the last pass
  std::optional<absl::Time> stalled_since;
};

struct RenameSettings {
  std::string media_type;  // "movie" or "tv"
  std::string folder_format;
  std::string season_folder_format;
  std::string file_format;
  std::string illegal_char_mode = "replace";  // "replace" or "remove"
  std::string colon_mode = "smart";
  std::string transfer_mode = "hardlink_or_copy";
  std::string library_root;  // "" = the library.* setting
  bool enabled = true;
  std::string on_existing = "fail";
  absl::Time updated_at;
};

// Radarr's (movie) and Sonarr's (tv) default formats, Smart colons,
// illegal characters replaced, hardlink_or_copy, no library root: what a
// media type without a rename_settings row uses.
RenameSettings DefaultRenameSettings(const std::string& media_type);

struct RenameSettingsPatch {
  std::optional<std::string> folder_format, season_folder_format, file_format, illegal_char_mode,
      colon_mode, transfer_mode, library_root, on_existing;
  std::optional<bool> enabled;
};

struct TransferRecord {
  int64_t id = 0;
  int64_t download_id = 0;
  std::string source_path;
  std::string destination_path;
  std::string kind = "video";
  std::string mode_requested;
  std::string mode;
  bool fell_back = false;
  int64_t size_bytes = 0;
  std::string status;
  std::string error;
  int64_t duration_ms = 0;
  absl::Time started_at;
  std::optional<absl::Time> finished_at;
};

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_MODEL_H_
