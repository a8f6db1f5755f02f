// The rename engine: renders Radarr/Sonarr naming formats such as
// "{Movie Title} ({Release Year}) {Quality Full}" into file and folder names.
//
//   NamingContext c = SampleContext("movie");
//   RenderFormat("{Movie.CleanTitle}{.Release.Year}", c, {})  -> "The.Matrix.1999"
//   DestinationPath(DefaultFormats("movie"), c, {}, ".mkv")
//       -> "The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv"
//
// Token syntax (as Radarr's TitleRegex): {prefix Token Name:format suffix} where
// the prefix is any of "- ._[(" and the suffix any of "- ._)]", kept only when
// the token is not empty; a separator inside the name ({Movie.Title},
// {Movie_Title}, {Air-Date}) replaces the spaces of the value; ":N" truncates,
// ":FR"/":EN" picks the title language, ":00" pads numbers; an all-lowercase
// token name lowercases the value, an all-uppercase one uppercases it; "{{" and
// "}}" are literal braces; {imdb-{ImdbId}}, {tmdb-{TmdbId}}, {tvdb-{TvdbId}} and
// {edition-{Edition Tags}} are Plex tags, dropped when the value is empty.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_FORMAT_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/downloads/naming/release_name.h"

namespace kiosk::downloads::naming {

enum class ColonMode { kDelete, kDash, kSpaceDash, kSpaceDashSpace, kSmart };
struct NamingOptions {
  ColonMode colon = ColonMode::kSmart;
  bool replace_illegal =
      true;  // rename_settings.illegal_char_mode: "replace" (true) or "remove" (false)
};
// Everything the tokens can use. Empty string / nullopt / 0 = unknown (the token renders empty and
// its braces' prefix/suffix are dropped).
struct NamingContext {
  std::string title;           // {Movie Title} / {Series Title}: title in the request's language
  std::string title_fr;        // {Movie Title:FR}
  std::string title_en;        // {Movie Title:EN}
  std::string original_title;  // {Movie OriginalTitle}
  std::optional<int> year;     // {Release Year}
  std::string imdb_id;         // "tt0133093"
  int tmdb_id = 0;
  int tvdb_id = 0;
  std::optional<int> season;  // {season:00}
  std::vector<int> episodes;  // {episode:00} (multi-episode rendered Sonarr-style, e.g. E01-E02)
  std::string episode_title;  // {Episode Title}
  std::string air_date;       // {Air-Date} "2024-01-31"
  ParsedRelease release;      // {Quality Full}, {Quality Title}, {Release Group}, {Edition Tags}
};
// Renders `format` (a Radarr/Sonarr naming format). INVALID_ARGUMENT with a message naming the
// problem for an unbalanced brace or an unknown token. The result is a file/folder NAME: each
// rendered token is passed through CleanFileName semantics (no '/' can appear from a title).
absl::StatusOr<std::string> RenderFormat(std::string_view format, const NamingContext& context,
                                         const NamingOptions& options);
// Radarr's CleanFileName: illegal characters, colon mode, trimming, collapsing, Windows reserved
// names.
std::string CleanFileName(std::string_view name, const NamingOptions& options);

// The relative destination of one video file inside the library root, e.g.
// "The Matrix (1999)/The Matrix (1999) Bluray-1080p.mkv" or
// "Show (2020)/Season 01/Show (2020) - S01E02 - Title WEBDL-1080p.mkv".
struct RenameFormats {
  std::string folder_format;  // rename_settings.folder_format
  std::string
      season_folder_format;  // rename_settings.season_folder_format ("" = no season folders)
  std::string file_format;   // rename_settings.file_format (without extension)
};
absl::StatusOr<std::string> DestinationPath(const RenameFormats& formats,
                                            const NamingContext& context,
                                            const NamingOptions& options,
                                            std::string_view extension);
// Default formats (Radarr/Sonarr defaults) for "movie" and "tv".
RenameFormats DefaultFormats(std::string_view media_type);
// Sample context for previews ("movie": The Matrix 1999 / "tv": a series episode), so an admin sees
// the result of a format before saving.
NamingContext SampleContext(std::string_view media_type);

// Added: parses "delete", "dash", "space_dash", "space_dash_space", "smart" (the
// rename_settings.colon_mode values); INVALID_ARGUMENT otherwise.
absl::StatusOr<ColonMode> ParseColonMode(std::string_view name);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_FORMAT_H_
