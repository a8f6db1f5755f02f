// Chooses which files of a finished torrent go into the library: the videos
// (not samples, extras, trailers or files much smaller than the main video)
// and their subtitles with the language read from the file name.
//
//   ASSIGN_OR_RETURN(std::vector<ImportFile> files, SelectImportFiles(torrent_files));
//   for (const ImportFile& f : files) ... f.kind == "video" / "subtitle"
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_MEDIA_FILES_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_MEDIA_FILES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kiosk::downloads::naming {

struct TorrentFile {
  std::string path;
  int64_t size = 0;
};  // path relative to the torrent's save path
struct ImportFile {
  std::string source;     // relative path as in TorrentFile
  std::string kind;       // "video" or "subtitle"
  std::string language;   // subtitles: "fr", "en", ... from the file name ("" unknown)
  std::string extension;  // ".mkv", ".srt", ...
  std::optional<int> season;
  std::vector<int> episodes;  // parsed from the file name (series)
  // Added (subtitles): "forced" / "sdh" flags found in the name ("Movie.fr.forced.srt").
  bool forced = false;
  bool hearing_impaired = false;
};
// Chooses what to import: video files (ignoring samples, extras, .nfo, images, small files), plus
// subtitles (.srt/.ass/.ssa/.sub/.vtt) kept with their language. INVALID_ARGUMENT when a path
// escapes (absolute, "..", empty component) — never imported.
absl::StatusOr<std::vector<ImportFile>> SelectImportFiles(const std::vector<TorrentFile>& files);

// Added: checks one torrent-relative path (not empty, not absolute, no "", "."
// or ".." component, no NUL byte); INVALID_ARGUMENT naming the path otherwise.
absl::Status ValidateRelativePath(std::string_view path);

// Added: the suffix a subtitle gets after the video's base name, as Plex reads
// it: ".fr.srt", ".en.forced.srt", ".sdh.srt" (no language known) ...
std::string SubtitleSuffix(const ImportFile& subtitle);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_MEDIA_FILES_H_
