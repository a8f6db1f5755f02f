// DestinationPath, the default formats and the preview sample.
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/naming/naming_format.h"

namespace kiosk::downloads::naming {
namespace {

// Linux (ext4, xfs, btrfs, tmpfs) limit for one path component, in bytes.
constexpr size_t kMaxNameBytes = 255;

absl::Status CheckName(absl::string_view what, absl::string_view format, absl::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " format \"", format, "\" gives an empty name for this title: ",
                     "add a token that is known, e.g. {Movie Title} or {Series Title}"));
  }
  if (name.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " format \"", format, "\" gives a name of ", name.size(),
                     " bytes (the limit is ", kMaxNameBytes,
                     "): shorten it or truncate a title, e.g. {Movie Title:80}"));
  }
  return absl::OkStatus();
}

// ".mkv", or a subtitle's ".fr.forced.srt" (SubtitleSuffix): dot-separated
// parts of letters, digits and '-', never a '/' or an empty part.
absl::Status CheckExtension(absl::string_view extension) {
  bool ok = extension.size() >= 2 && extension.size() <= 32 && extension[0] == '.';
  for (size_t i = 1; ok && i < extension.size(); ++i) {
    char c = extension[i];
    ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         (c == '.' && extension[i - 1] != '.');
  }
  ok = ok && extension.back() != '.';
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "file extension \"", extension,
        "\" is not valid: give a dot and letters or digits, e.g. \".mkv\" or \".fr.srt\""));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> DestinationPath(const RenameFormats& formats,
                                            const NamingContext& context,
                                            const NamingOptions& options,
                                            std::string_view extension_in) {
  absl::string_view extension = Av(extension_in);
  if (absl::Status s = CheckExtension(extension); !s.ok()) return s;
  auto folder = RenderFormat(formats.folder_format, context, options);
  if (!folder.ok()) return folder.status();
  if (absl::Status s = CheckName("folder", formats.folder_format, *folder); !s.ok()) return s;
  std::string path = *folder;
  if (!formats.season_folder_format.empty() && context.season.has_value()) {
    // Sonarr's SpecialsFolderFormat: season 0 goes to "Specials", which Plex reads as season 0.
    std::string season_folder = "Specials";
    if (*context.season != 0) {
      auto rendered = RenderFormat(formats.season_folder_format, context, options);
      if (!rendered.ok()) return rendered.status();
      if (absl::Status s = CheckName("season folder", formats.season_folder_format, *rendered);
          !s.ok()) {
        return s;
      }
      season_folder = *rendered;
    }
    absl::StrAppend(&path, "/", season_folder);
  }
  auto file = RenderFormat(formats.file_format, context, options);
  if (!file.ok()) return file.status();
  std::string file_name = absl::StrCat(*file, extension);
  if (absl::Status s = CheckName("file", formats.file_format, file->empty() ? "" : file_name);
      !s.ok()) {
    return s;
  }
  absl::StrAppend(&path, "/", file_name);
  return path;
}

RenameFormats DefaultFormats(std::string_view media_type) {
  std::string type = absl::AsciiStrToLower(Av(media_type));
  if (type == "tv" || type == "series" || type == "show") {
    // Sonarr's standard episode format, with the year in the series name and
    // two-digit season folders as Plex's naming guide shows them.
    return {.folder_format = "{Series TitleYear}",
            .season_folder_format = "Season {season:00}",
            .file_format =
                "{Series TitleYear} - S{season:00}E{episode:00} - {Episode Title} {Quality Full}"};
  }
  // Radarr's defaults (MovieFolderFormat, StandardMovieFormat).
  return {.folder_format = "{Movie Title} ({Release Year})",
          .season_folder_format = "",
          .file_format = "{Movie Title} ({Release Year}) {Quality Full}"};
}

NamingContext SampleContext(std::string_view media_type) {
  std::string type = absl::AsciiStrToLower(Av(media_type));
  NamingContext c;
  if (type == "tv" || type == "series" || type == "show") {
    c.title = "Le Bureau des Légendes";
    c.title_fr = "Le Bureau des Légendes";
    c.title_en = "The Bureau";
    c.original_title = "Le Bureau des Légendes";
    c.year = 2015;
    c.imdb_id = "tt4063800";
    c.tmdb_id = 62852;
    c.tvdb_id = 295730;
    c.season = 1;
    c.episodes = {2};
    c.episode_title = "Épisode 2";
    c.air_date = "2015-04-27";
    c.release =
        ParseReleaseName("Le.Bureau.des.Legendes.S01E02.FRENCH.1080p.WEB-DL.H264-FRATERNiTY");
    return c;
  }
  c.title = "The Matrix";
  c.title_fr = "Matrix";
  c.title_en = "The Matrix";
  c.original_title = "The Matrix";
  c.year = 1999;
  c.imdb_id = "tt0133093";
  c.tmdb_id = 603;
  c.release = ParseReleaseName("The.Matrix.1999.REMASTERED.1080p.BluRay.x264-SPARKS");
  return c;
}

}  // namespace kiosk::downloads::naming
