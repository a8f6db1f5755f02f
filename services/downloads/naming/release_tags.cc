#include "services/downloads/naming/release_tags.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"

namespace kiosk::downloads::naming {
namespace {

std::string Upper(absl::string_view s) { return absl::AsciiStrToUpper(s); }

template <size_t N>
std::string Lookup(absl::string_view word, const std::pair<const char*, const char*> (&table)[N]) {
  std::string upper = Upper(word);
  for (const auto& [spelling, tag] : table) {
    if (upper == spelling) return tag;
  }
  return "";
}

// Spellings joined before the split (case-insensitive, longest first where
// one is the prefix of another).
constexpr std::pair<const char*, const char*> kJoins[] = {
    {"WEB-DL", "WEBDL"},
    {"WEB.DL", "WEBDL"},
    {"WEB_DL", "WEBDL"},
    {"WEB-RIP", "WEBRip"},
    {"WEB.RIP", "WEBRip"},
    {"BLU-RAY", "BluRay"},
    {"BD-RIP", "BDRip"},
    {"BR-RIP", "BRRip"},
    {"DVD-RIP", "DVDRip"},
    {"HD-TV", "HDTV"},
    {"HD.TV", "HDTV"},
    {"H.264", "H264"},
    {"H.265", "H265"},
    {"H-264", "H264"},
    {"H-265", "H265"},
    {"X.264", "x264"},
    {"X.265", "x265"},
    {"DD5.1", "DD51"},
    {"DDP5.1", "DDP51"},
    {"DD+5.1", "DDP51"},
    {"AAC2.0", "AAC20"},
    {"AAC5.1", "AAC51"},
    {"DTS-HD", "DTSHD"},
    {"DTS-X", "DTSX"},
    {"DIRECTOR'S.CUT", "DirectorsCut"},
    {"DIRECTORS.CUT", "DirectorsCut"},
    {"DIRECTOR'S CUT", "DirectorsCut"},
    {"DIRECTORS CUT", "DirectorsCut"},
    {"DIRECTORS_CUT", "DirectorsCut"},
    {"EXTENDED.CUT", "ExtendedCut"},
    {"EXTENDED.EDITION", "ExtendedCut"},
    {"THEATRICAL.CUT", "TheatricalCut"},
    {"FINAL.CUT", "FinalCut"},
    {"SPECIAL.EDITION", "SpecialEdition"},
    {"ULTIMATE.EDITION", "UltimateEdition"},
    {"COLLECTORS.EDITION", "CollectorsEdition"},
    {"ANNIVERSARY.EDITION", "AnniversaryEdition"},
    {"VERSION.LONGUE", "VersionLongue"},
    {"OPEN.MATTE", "OpenMatte"},
    {"MULTI-VFF", "MULTi.VFF"},
    {"MULTI-VFQ", "MULTi.VFQ"},
    {"MULTI-VF2", "MULTi.VF2"},
    {"MULTI-VFI", "MULTi.VFI"},
    {"MULTI-TRUEFRENCH", "MULTi.TRUEFRENCH"},
    {"MULTI-FRENCH", "MULTi.FRENCH"},
    {"SUB.FRENCH", "SUBFRENCH"},
    {"SUBBED.FRENCH", "SUBFRENCH"},
    {"FRENCH.SUBBED", "SUBFRENCH"},
    {"VOST.FR", "VOSTFR"},
    {"VO.STFR", "VOSTFR"},
};

constexpr std::pair<const char*, const char*> kResolutions[] = {
    {"2160P", "2160p"}, {"4K", "2160p"},  {"UHD4K", "2160p"}, {"1080P", "1080p"},
    {"1080I", "1080p"}, {"FHD", "1080p"}, {"720P", "720p"},   {"720I", "720p"},
    {"576P", "576p"},   {"576I", "576p"}, {"480P", "480p"},   {"480I", "480p"},
    {"360P", "480p"},
};

constexpr std::pair<const char*, const char*> kSources[] = {
    {"BLURAY", "Bluray"},
    {"BDRIP", "Bluray"},
    {"BRRIP", "Bluray"},
    {"BDREMUX", "Remux"},
    {"REMUX", "Remux"},
    {"BD", "Bluray"},
    {"BDMV", "Bluray"},
    {"HDDVD", "Bluray"},
    {"WEBDL", "WEBDL"},
    {"WEB", "WEBDL"},
    {"WEBRIP", "WEBRip"},
    {"WEBHD", "WEBDL"},
    {"HDTV", "HDTV"},
    {"PDTV", "HDTV"},
    {"DSR", "HDTV"},
    {"SDTV", "HDTV"},
    {"TVRIP", "HDTV"},
    {"HDTVRIP", "HDTV"},
    {"DVDRIP", "DVD"},
    {"DVD", "DVD"},
    {"DVDR", "DVD"},
    {"DVD5", "DVD"},
    {"DVD9", "DVD"},
    {"NTSC", "DVD"},
    {"PAL", "DVD"},
    {"CAM", "CAM"},
    {"HDCAM", "CAM"},
    {"CAMRIP", "CAM"},
    {"TS", "TELESYNC"},
    {"TELESYNC", "TELESYNC"},
    {"HDTS", "TELESYNC"},
    {"TC", "TELECINE"},
    {"TELECINE", "TELECINE"},
    {"DVDSCR", "DVDSCR"},
    {"SCREENER", "DVDSCR"},
    {"SCR", "DVDSCR"},
    {"WORKPRINT", "WORKPRINT"},
};

constexpr std::pair<const char*, const char*> kCodecs[] = {
    {"X264", "x264"}, {"X265", "x265"}, {"H264", "h264"},   {"H265", "h265"}, {"AVC", "h264"},
    {"HEVC", "HEVC"}, {"AV1", "AV1"},   {"XVID", "XviD"},   {"DIVX", "DivX"}, {"VP9", "VP9"},
    {"VC1", "VC-1"},  {"VC-1", "VC-1"}, {"MPEG2", "MPEG2"},
};

// Language tags of French and international scene names. VF/VFF/VFQ/VFI/VF2:
// French dub (France, Québec, international, both); TRUEFRENCH: French dub
// from France; VOSTFR/SUBFRENCH: original audio with French subtitles.
constexpr std::pair<const char*, const char*> kLanguages[] = {
    {"FRENCH", "FRENCH"},
    {"FRENCH", "FRENCH"},
    {"FR", "FRENCH"},
    {"FRA", "FRENCH"},
    {"TRUEFRENCH", "TRUEFRENCH"},
    {"VFF", "VFF"},
    {"VFQ", "VFQ"},
    {"VFI", "VFI"},
    {"VF2", "VF2"},
    {"VF", "VF"},
    {"VOF", "VOF"},
    {"QUEBEC", "VFQ"},
    {"QC", "VFQ"},
    {"VOSTFR", "VOSTFR"},
    {"STFR", "VOSTFR"},
    {"VOSTF", "VOSTFR"},
    {"SUBFRENCH", "SUBFRENCH"},
    {"FRENCHSUB", "SUBFRENCH"},
    {"FASTSUB", "VOSTFR"},
    {"MULTI", "MULTI"},
    {"MULTI3", "MULTI"},
    {"DUAL", "DUAL"},
    {"DUALAUDIO", "DUAL"},
    {"VO", "VO"},
    {"VOST", "VOST"},
    {"ENGLISH", "ENGLISH"},
    {"ENG", "ENGLISH"},
    {"GERMAN", "GERMAN"},
    {"GER", "GERMAN"},
    {"DEUTSCH", "GERMAN"},
    {"SPANISH", "SPANISH"},
    {"ESP", "SPANISH"},
    {"CASTELLANO", "SPANISH"},
    {"LATINO", "LATINO"},
    {"ITALIAN", "ITALIAN"},
    {"ITA", "ITALIAN"},
    {"JAPANESE", "JAPANESE"},
    {"JAP", "JAPANESE"},
    {"DUTCH", "DUTCH"},
    {"NL", "DUTCH"},
    {"RUSSIAN", "RUSSIAN"},
    {"RUS", "RUSSIAN"},
    {"PORTUGUESE", "PORTUGUESE"},
    {"KOREAN", "KOREAN"},
    {"CHINESE", "CHINESE"},
    {"SWEDISH", "SWEDISH"},
    {"DANISH", "DANISH"},
    {"NORWEGIAN", "NORWEGIAN"},
    {"FINNISH", "FINNISH"},
    {"POLISH", "POLISH"},
    {"PL", "POLISH"},
    {"HINDI", "HINDI"},
    {"TURKISH", "TURKISH"},
    {"ARABIC", "ARABIC"},
    {"HEBREW", "HEBREW"},
};

constexpr std::pair<const char*, const char*> kEditions[] = {
    {"DIRECTORSCUT", "Director's Cut"},
    {"EXTENDEDCUT", "Extended"},
    {"EXTENDED", "Extended"},
    {"VERSIONLONGUE", "Extended"},
    {"UNRATED", "Unrated"},
    {"UNCUT", "Uncut"},
    {"THEATRICALCUT", "Theatrical"},
    {"THEATRICAL", "Theatrical"},
    {"REMASTERED", "Remastered"},
    {"IMAX", "IMAX"},
    {"CRITERION", "Criterion"},
    {"FINALCUT", "Final Cut"},
    {"SPECIALEDITION", "Special Edition"},
    {"ULTIMATEEDITION", "Ultimate Edition"},
    {"COLLECTORSEDITION", "Collector's Edition"},
    {"ANNIVERSARYEDITION", "Anniversary Edition"},
    {"OPENMATTE", "Open Matte"},
};

// Words that only appear after the title, so they end it when there is no
// year or episode number to go by. Short everyday words ("Final", "Real")
// are left out on purpose: they can be part of a title.
constexpr const char* kNoise[] = {
    "HDR",    "HDR10",    "HDR10PLUS", "DOVI",   "DOLBYVISION", "10BIT",    "8BIT",
    "HI10P",  "DTS",      "DTSHD",     "DTSX",   "AC3",         "EAC3",     "AAC",
    "AAC20",  "AAC51",    "DD51",      "DDP",    "DDP51",       "TRUEHD",   "ATMOS",
    "FLAC",   "AMZN",     "NF",        "DSNP",   "HMAX",        "ATVP",     "PCOK",
    "PMTP",   "INTERNAL", "READNFO",   "NFOFIX", "SUBBED",      "COMPLETE", "INTEGRALE",
    "PROPER", "REPACK",   "RERIP",     "UHD",    "HYBRID",      "DUBBED",
};

}  // namespace

std::string NormalizeReleaseWords(absl::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    bool joined = false;
    for (const auto& [spelling, word] : kJoins) {
      absl::string_view s(spelling);
      if (i + s.size() > name.size() || !absl::EqualsIgnoreCase(name.substr(i, s.size()), s))
        continue;
      // Only whole words: the character before and after must not be a letter or digit.
      bool starts_word = i == 0 || !absl::ascii_isalnum(static_cast<unsigned char>(name[i - 1]));
      bool ends_word = i + s.size() == name.size() ||
                       !absl::ascii_isalnum(static_cast<unsigned char>(name[i + s.size()]));
      if (!starts_word || !ends_word) continue;
      out += word;
      i += s.size();
      joined = true;
      break;
    }
    if (!joined) out.push_back(name[i++]);
  }
  return out;
}

std::string ResolutionTag(absl::string_view word) { return Lookup(word, kResolutions); }
std::string SourceTag(absl::string_view word) { return Lookup(word, kSources); }
std::string CodecTag(absl::string_view word) { return Lookup(word, kCodecs); }
std::string LanguageTag(absl::string_view word) { return Lookup(word, kLanguages); }
std::string EditionTag(absl::string_view word) { return Lookup(word, kEditions); }

bool IsReleaseNoise(absl::string_view word) {
  for (const char* noise : kNoise) {
    if (absl::EqualsIgnoreCase(word, noise)) return true;
  }
  return false;
}

std::string QualityTitle(absl::string_view source, absl::string_view resolution,
                         absl::string_view raw_source) {
  std::string raw = Upper(raw_source);
  if (source == "Remux") return absl::StrCat("Remux-", resolution.empty() ? "1080p" : resolution);
  if (source == "Bluray") {
    if (!resolution.empty()) return absl::StrCat("Bluray-", resolution);
    // Radarr reads an unmarked BDRip/BRRip as SD, a BluRay as 720p.
    return raw == "BDRIP" || raw == "BRRIP" ? "Bluray-480p" : "Bluray-720p";
  }
  if (source == "WEBDL" || source == "WEBRip") {
    return absl::StrCat(source, "-", resolution.empty() ? "480p" : resolution);
  }
  if (source == "HDTV") {
    if (resolution == "2160p" || resolution == "1080p" || resolution == "720p") {
      return absl::StrCat("HDTV-", resolution);
    }
    return "SDTV";
  }
  if (source == "DVD") return raw == "DVDR" || raw == "DVD5" || raw == "DVD9" ? "DVD-R" : "DVD";
  if (!source.empty()) return std::string(source);  // CAM, TELESYNC, TELECINE, DVDSCR, WORKPRINT
  // A resolution alone: Sonarr's guess.
  if (resolution == "2160p" || resolution == "1080p" || resolution == "720p") {
    return absl::StrCat("HDTV-", resolution);
  }
  if (!resolution.empty()) return "SDTV";
  return "Unknown";
}

}  // namespace kiosk::downloads::naming
