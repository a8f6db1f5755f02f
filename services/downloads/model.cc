#include "services/downloads/model.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::downloads {

bool IsDownloadState(const std::string& state) {
  for (const char* s : {kAwaitingRelease, kQueued, kDownloading, kStalled, kPaused, kCompleted,
                        kImporting, kImported, kFailed, kRemoved}) {
    if (state == s) return true;
  }
  return false;
}

std::string SourceShownToRequester(const std::string& source) {
  if (absl::StartsWithIgnoreCase(source, "magnet:")) {
    for (absl::string_view part : absl::StrSplit(source.substr(source.find('?') + 1), '&')) {
      if (absl::StartsWithIgnoreCase(part, "xt=")) return absl::StrCat("magnet:?", part);
    }
    return "magnet:";
  }
  return source.substr(0, source.find_first_of("?#"));
}

RenameSettings DefaultRenameSettings(const std::string& media_type) {
  RenameSettings r;
  r.media_type = media_type;
  if (media_type == "tv") {
    r.folder_format = "{Series Title}";
    r.season_folder_format = "Season {season}";
    r.file_format = "{Series Title} - S{season:00}E{episode:00} - {Episode Title} {Quality Full}";
  } else {
    r.folder_format = "{Movie Title} ({Release Year})";
    r.file_format = "{Movie Title} ({Release Year}) {Quality Full}";
  }
  r.updated_at = absl::UnixEpoch();
  return r;
}

}  // namespace kiosk::downloads
