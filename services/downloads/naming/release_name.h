// Parses a scene/P2P release name ("Amelie.2001.FRENCH.1080p.BluRay.x264-LOST")
// into title, year, season/episodes, quality, codec, group, edition and
// language tags, the way Radarr/Sonarr read them:
//
//   ParsedRelease r = ParseReleaseName("Show.S01E02E03.MULTi.1080p.WEB-DL-GRP");
//   r.season == 1, r.episodes == {2, 3}, r.languages == {"MULTI"}, r.quality == "WEBDL-1080p"
//
// Never fails: unknown parts are left empty.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_NAME_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_NAME_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kiosk::downloads::naming {

struct ParsedRelease {
  std::string title;  // "The Matrix" (dots/underscores to spaces)
  std::optional<int> year;
  std::optional<int> season;  // S01E02 -> 1; a season pack "S02" -> 2
  std::vector<int> episodes;  // S01E02E03 / S01E02-E03 -> {2,3}; empty for a pack/movie
  std::string resolution;     // "2160p", "1080p", "720p", "480p" or ""
  std::string source;         // "Bluray", "WEBDL", "WEBRip", "HDTV", "DVD", "Remux", ...
  std::string quality;  // Radarr's quality title, e.g. "Bluray-1080p", "WEBDL-720p", "Remux-2160p"
  std::string codec;    // "x264", "x265", "h264", "HEVC", "AV1", ...
  std::string group;    // release group ("SPARKS"), "" if none
  std::string edition;  // "Director's Cut", "Extended", ... "" if none
  std::vector<std::string>
      languages;  // normalised tags in order found: "FRENCH", "TRUEFRENCH", "VFF",
                  // "VFQ", "VFI", "VF2", "VOSTFR", "SUBFRENCH", "MULTI", "VO", "ENGLISH", ...
  bool proper = false;
  bool repack = false;
  // Added: a whole season (or series) pack: "S02", "S01.COMPLETE", "Saison 1", "INTEGRALE".
  bool season_pack = false;
  // Added: the quality as Radarr's {Quality Full} shows it: "Bluray-1080p Proper".
  std::string QualityFull() const;
};

ParsedRelease ParseReleaseName(std::string_view name);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_NAME_H_
