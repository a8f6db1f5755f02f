// The vocabulary of release names: which word is a resolution, a source, a
// codec, a language tag, an edition, and how Radarr names the quality.
// Words are compared case-insensitively, after "WEB-DL", "Blu-Ray", "H.264"
// and friends have been joined into one word by NormalizeReleaseWords.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_TAGS_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_TAGS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kiosk::downloads::naming {

// Joins the multi-part words of release names so a split on '.', '_' and ' '
// keeps them whole: "WEB-DL" -> "WEBDL", "Blu-Ray" -> "BluRay", "H.264" -> "H264",
// "DD5.1" -> "DD51", "Director's.Cut" -> "DirectorsCut", "Version.Longue" -> "VersionLongue".
std::string NormalizeReleaseWords(absl::string_view name);

// Each returns the normalised tag for `word`, or "" when it is not one.
std::string ResolutionTag(absl::string_view word);  // "2160p", "1080p", "720p", "576p", "480p"
std::string SourceTag(
    absl::string_view word);  // "Bluray", "Remux", "WEBDL", "WEBRip", "HDTV", "DVD", ...
std::string CodecTag(absl::string_view word);  // "x264", "x265", "h264", "h265", "HEVC", "AV1", ...
std::string LanguageTag(
    absl::string_view word);  // "FRENCH", "TRUEFRENCH", "VFF", "MULTI", "VOSTFR", ...
std::string EditionTag(absl::string_view word);  // "Director's Cut", "Extended", "IMAX", ...
// Other words that only appear after the title: HDR, 10bit, DTS, AMZN, iNTERNAL, ...
bool IsReleaseNoise(absl::string_view word);

// Radarr's quality title from the parsed source and resolution:
// ("Bluray", "1080p") -> "Bluray-1080p", ("Remux", "") -> "Remux-1080p",
// ("HDTV", "480p") -> "SDTV", ("", "720p") -> "HDTV-720p", ("", "") -> "Unknown".
std::string QualityTitle(absl::string_view source, absl::string_view resolution,
                         absl::string_view raw_source);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_RELEASE_TAGS_H_
