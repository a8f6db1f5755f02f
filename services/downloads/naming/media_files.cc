#include "services/downloads/naming/media_files.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/naming/release_name.h"

namespace kiosk::downloads::naming {
namespace {

constexpr absl::string_view kVideoExtensions[] = {".mkv", ".mp4",  ".avi",  ".m4v",
                                                  ".mov", ".wmv",  ".ts",   ".m2ts",
                                                  ".mpg", ".mpeg", ".webm", ".flv"};
constexpr absl::string_view kSubtitleExtensions[] = {".srt", ".ass", ".ssa", ".sub", ".vtt"};
// Folders Plex and Radarr treat as extras, never as the main video.
constexpr absl::string_view kExtraFolders[] = {"sample",
                                               "samples",
                                               "extras",
                                               "extra",
                                               "featurettes",
                                               "featurette",
                                               "behind the scenes",
                                               "deleted scenes",
                                               "interviews",
                                               "scenes",
                                               "shorts",
                                               "trailers",
                                               "trailer",
                                               "bonus",
                                               "bonus features",
                                               "other",
                                               "others",
                                               "making of",
                                               "bonus"};
// Words in a file name that mark an extra: "movie-sample.mkv", "Trailer.mkv".
constexpr absl::string_view kExtraWords[] = {"sample",  "trailer",   "featurette",
                                             "extras",  "bonus",     "behindthescenes",
                                             "deleted", "interview", "teaser"};
// A video smaller than 1/kSmallRatio of the largest one is an extra or a
// sample (relative, so tiny test torrents and big 4K files both work).
constexpr int64_t kSmallRatio = 10;

struct Language {
  absl::string_view code;
  std::vector<absl::string_view> spellings;
};
const std::vector<Language>& Languages() {
  static const auto* languages = new std::vector<Language>{
      {"fr",
       {"fr", "fre", "fra", "french", "francais", "français", "vf", "vff", "vfq", "vostfr",
        "truefrench"}},
      {"en", {"en", "eng", "english", "anglais"}},
      {"es", {"es", "spa", "esp", "spanish", "espanol", "español", "castellano"}},
      {"de", {"de", "ger", "deu", "german", "deutsch", "allemand"}},
      {"it", {"it", "ita", "italian", "italiano"}},
      {"pt", {"pt", "por", "portuguese", "pt-br", "ptbr", "brazilian"}},
      {"nl", {"nl", "dut", "nld", "dutch"}},
      {"ja", {"ja", "jpn", "japanese"}},
      {"ko", {"ko", "kor", "korean"}},
      {"zh", {"zh", "chi", "zho", "chinese"}},
      {"ru", {"ru", "rus", "russian"}},
      {"ar", {"ar", "ara", "arabic"}},
      {"sv", {"sv", "swe", "swedish"}},
      {"da", {"da", "dan", "danish"}},
      {"no", {"no", "nor", "norwegian"}},
      {"fi", {"fi", "fin", "finnish"}},
      {"pl", {"pl", "pol", "polish"}},
      {"tr", {"tr", "tur", "turkish"}},
      {"he", {"he", "heb", "hebrew"}},
  };
  return *languages;
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string ExtensionOf(absl::string_view file_name) {
  size_t dot = file_name.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return "";
  return Lower(file_name.substr(dot));
}

bool OneOf(absl::string_view value, const auto& list) {
  return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> words;
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" ._-[]()"), absl::SkipEmpty())) {
    words.push_back(Lower(w));
  }
  return words;
}

bool IsExtra(const std::vector<absl::string_view>& folders, absl::string_view stem) {
  for (absl::string_view folder : folders) {
    if (OneOf(Lower(folder), kExtraFolders)) return true;
  }
  for (const std::string& word : Words(stem)) {
    if (OneOf(word, kExtraWords)) return true;
  }
  // Plex's extra suffixes: "Name-trailer", "Name-behindthescenes", ...
  std::string lower = Lower(stem);
  for (absl::string_view suffix : {"-trailer", "-featurette", "-deleted", "-behindthescenes",
                                   "-interview", "-scene", "-short", "-other", "-sample"}) {
    if (absl::EndsWith(lower, suffix)) return true;
  }
  return false;
}

// Language and flags of a subtitle: the last words of its name ("Movie.fr.forced",
// "2_English", "French (SDH)").
void ReadSubtitleTags(absl::string_view stem, ImportFile* file) {
  std::vector<std::string> words = Words(stem);
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    const std::string& w = *it;
    if (w == "forced" || w == "foreign") {
      file->forced = true;
      continue;
    }
    if (w == "sdh" || w == "hi" || w == "cc") {
      file->hearing_impaired = true;
      continue;
    }
    // The first word that is not a flag is the language or nothing: a title
    // word ("It") further left is never read as one.
    for (const Language& language : Languages()) {
      if (OneOf(absl::string_view(w), language.spellings)) {
        file->language = std::string(language.code);
        break;
      }
    }
    return;
  }
}

}  // namespace

absl::Status ValidateRelativePath(std::string_view path_in) {
  absl::string_view path = Av(path_in);
  if (path.empty()) return absl::InvalidArgumentError("a file path in the torrent is empty");
  if (path.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("a file path in the torrent contains a NUL byte");
  }
  if (path.front() == '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("torrent file path \"", path,
                     "\" is absolute; only paths inside the download folder are imported"));
  }
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "torrent file path \"", path, "\" has a \"", part,
          "\" component and could point outside the download folder; it is not imported"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ImportFile>> SelectImportFiles(const std::vector<TorrentFile>& files) {
  for (const TorrentFile& f : files) {
    if (absl::Status s = ValidateRelativePath(f.path); !s.ok()) return s;
  }
  struct Candidate {
    const TorrentFile* file;
    ImportFile import;
  };
  std::vector<Candidate> videos, subtitles;
  for (const TorrentFile& f : files) {
    std::vector<absl::string_view> parts = absl::StrSplit(f.path, '/');
    absl::string_view file_name = parts.back();
    parts.pop_back();
    std::string extension = ExtensionOf(file_name);
    absl::string_view stem = file_name.substr(0, file_name.size() - extension.size());
    bool video = OneOf(absl::string_view(extension), kVideoExtensions);
    bool subtitle = OneOf(absl::string_view(extension), kSubtitleExtensions);
    if ((!video && !subtitle) || IsExtra(parts, stem)) continue;
    ImportFile import{
        .source = f.path, .kind = video ? "video" : "subtitle", .extension = extension};
    ParsedRelease parsed = ParseReleaseName(Sv(stem));
    if (!parsed.season.has_value() || parsed.episodes.empty()) {
      // "Show.S01/Show.S01E02.mkv" has it in the name; "Season 1/02 - Title.mkv" does not.
      for (absl::string_view folder : parts) {
        ParsedRelease from_folder = ParseReleaseName(Sv(folder));
        if (!parsed.season.has_value() && from_folder.season.has_value())
          parsed.season = from_folder.season;
      }
    }
    import.season = parsed.season;
    import.episodes = parsed.episodes;
    if (subtitle) {
      ReadSubtitleTags(stem, &import);
      subtitles.push_back({&f, std::move(import)});
    } else {
      videos.push_back({&f, std::move(import)});
    }
  }
  int64_t largest = 0;
  for (const Candidate& c : videos) largest = std::max(largest, c.file->size);
  std::vector<ImportFile> chosen;
  for (Candidate& c : videos) {
    if (c.file->size * kSmallRatio < largest) continue;
    chosen.push_back(std::move(c.import));
  }
  auto by_path = [](const ImportFile& a, const ImportFile& b) { return a.source < b.source; };
  std::sort(chosen.begin(), chosen.end(), by_path);
  size_t video_count = chosen.size();
  if (video_count > 0) {
    for (Candidate& c : subtitles) chosen.push_back(std::move(c.import));
    std::sort(chosen.begin() + video_count, chosen.end(), by_path);
  }
  return chosen;
}

std::string SubtitleSuffix(const ImportFile& subtitle) {
  std::string suffix;
  if (!subtitle.language.empty()) absl::StrAppend(&suffix, ".", subtitle.language);
  if (subtitle.forced) absl::StrAppend(&suffix, ".forced");
  if (subtitle.hearing_impaired) absl::StrAppend(&suffix, ".sdh");
  absl::StrAppend(&suffix, subtitle.extension);
  return suffix;
}

}  // namespace kiosk::downloads::naming
