#include "services/downloads/naming/release_name.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/naming/release_tags.h"

namespace kiosk::downloads::naming {
namespace {

constexpr const char* kExtensions[] = {
    ".mkv", ".mp4",     ".avi", ".m4v", ".mov", ".wmv", ".ts",  ".m2ts", ".mpg", ".mpeg", ".webm",
    ".iso", ".torrent", ".nzb", ".srt", ".ass", ".ssa", ".sub", ".vtt",  ".idx", ".nfo"};
constexpr size_t kMaxEpisodeRange = 60;

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

int ToInt(absl::string_view digits) {
  int value = 0;
  (void)absl::SimpleAtoi(digits, &value);
  return value;
}

// Reads digits at *pos, advancing it; -1 if there are none.
int ReadNumber(absl::string_view s, size_t* pos, size_t max_digits) {
  size_t start = *pos;
  while (*pos < s.size() && *pos - start < max_digits &&
         absl::ascii_isdigit(static_cast<unsigned char>(s[*pos]))) {
    ++*pos;
  }
  return *pos == start ? -1 : ToInt(s.substr(start, *pos - start));
}

struct EpisodeMark {
  int season = -1;
  std::vector<int> episodes;
  bool pack = false;
};

// "S01E02", "S01E02E03", "S01E02-E03", "S01E02-03", "S01", "S01-S03", "1x02".
bool ParseEpisodeWord(absl::string_view word, EpisodeMark* mark) {
  std::string w = absl::AsciiStrToUpper(word);
  size_t pos = 0;
  if (w.size() >= 2 && w[0] == 'S' && absl::ascii_isdigit(static_cast<unsigned char>(w[1]))) {
    pos = 1;
    int season = ReadNumber(w, &pos, 3);
    if (season < 0) return false;
    std::vector<int> episodes;
    bool range = false;
    while (pos < w.size()) {
      if (w[pos] == 'E') {
        ++pos;
      } else if (w[pos] == '-' && !episodes.empty()) {
        ++pos;
        range = true;
        if (pos < w.size() && w[pos] == 'E') ++pos;
      } else if (w[pos] == '-' && episodes.empty() && pos + 1 < w.size() && w[pos + 1] == 'S') {
        // Multi-season pack "S01-S03": the first season, as a pack.
        pos += 2;
        if (ReadNumber(w, &pos, 3) < 0 || pos != w.size()) return false;
        break;
      } else {
        return false;
      }
      int episode = ReadNumber(w, &pos, 4);
      if (episode < 0) return false;
      if (range && !episodes.empty() && episode > episodes.back() &&
          static_cast<size_t>(episode - episodes.back()) <= kMaxEpisodeRange) {
        for (int e = episodes.back() + 1; e <= episode; ++e) episodes.push_back(e);
      } else if (std::find(episodes.begin(), episodes.end(), episode) == episodes.end()) {
        episodes.push_back(episode);
      }
      range = false;
    }
    mark->season = season;
    mark->episodes = episodes;
    mark->pack = episodes.empty();
    return true;
  }
  // "1x02", "01x02-03"
  size_t x = w.find('X');
  if (x == std::string::npos || x == 0 || x > 2 || !IsDigits(w.substr(0, x))) return false;
  pos = x + 1;
  int episode = ReadNumber(w, &pos, 3);
  if (episode < 0 || pos - x - 1 < 2) return false;
  std::vector<int> episodes = {episode};
  if (pos < w.size()) {
    if (w[pos] != '-') return false;
    ++pos;
    int last = ReadNumber(w, &pos, 3);
    if (last <= episode || pos != w.size()) return false;
    for (int e = episode + 1; e <= last; ++e) episodes.push_back(e);
  }
  mark->season = ToInt(w.substr(0, x));
  mark->episodes = episodes;
  return true;
}

bool IsYear(absl::string_view word, int* year) {
  if (word.size() != 4 || !IsDigits(word)) return false;
  *year = ToInt(word);
  return *year >= 1900 && *year <= 2099;
}

std::string StripExtension(absl::string_view name) {
  for (const char* ext : kExtensions) {
    if (absl::EndsWithIgnoreCase(name, ext) && name.size() > absl::string_view(ext).size()) {
      return std::string(name.substr(0, name.size() - absl::string_view(ext).size()));
    }
  }
  return std::string(name);
}

// "-GROUP" at the end, or "[GROUP]" at the end or the start (anime).
std::string TakeGroup(std::string* name) {
  std::string& n = *name;
  if (!n.empty() && n.back() == ']') {
    size_t open = n.rfind('[');
    if (open != std::string::npos) {
      std::string group = n.substr(open + 1, n.size() - open - 2);
      if (!group.empty() && std::all_of(group.begin(), group.end(), [](char c) {
            return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
          })) {
        n.erase(open);
        return group;
      }
    }
  }
  size_t dash = n.rfind('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 >= n.size()) return "";
  std::string group = n.substr(dash + 1);
  bool word = std::all_of(group.begin(), group.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '@';
  });
  EpisodeMark ignored;
  int year = 0;
  std::string upper = absl::AsciiStrToUpper(group);
  if (!word || IsDigits(group) || IsYear(group, &year) ||
      ParseEpisodeWord("S01" + upper, &ignored) || !ResolutionTag(group).empty() || upper == "DL" ||
      upper == "RIP" || upper == "HD") {
    return "";
  }
  n.erase(dash);
  return group;
}

std::vector<std::string> SplitWords(absl::string_view name) {
  std::vector<std::string> words;
  std::string current;
  for (char c : name) {
    if (c == '.' || c == '_' || c == ' ' || c == '[' || c == ']' || c == '(' || c == ')' ||
        c == '{' || c == '}' || c == ',' || c == '+') {
      if (!current.empty()) words.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) words.push_back(current);
  return words;
}

// "WEBDL-1080p", "Bluray-2160p" (our own quality titles) are two tags; a
// dashed title word ("Spider-Man") and an episode range stay whole.
std::vector<std::string> ExpandDashedTags(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const std::string& word : words) {
    EpisodeMark mark;
    std::vector<std::string> parts = absl::StrSplit(word, '-', absl::SkipEmpty());
    bool tags = parts.size() > 1 && !ParseEpisodeWord(word, &mark) &&
                std::any_of(parts.begin(), parts.end(), [](const std::string& p) {
                  return !ResolutionTag(p).empty() || !SourceTag(p).empty() || !CodecTag(p).empty();
                });
    if (tags) {
      out.insert(out.end(), parts.begin(), parts.end());
    } else {
      out.push_back(word);
    }
  }
  return out;
}

enum class WordKind { kOther, kYear, kEpisode, kStrong, kWeak };

WordKind Classify(absl::string_view word) {
  int year = 0;
  EpisodeMark mark;
  if (IsYear(word, &year)) return WordKind::kYear;
  if (ParseEpisodeWord(word, &mark)) return WordKind::kEpisode;
  if (!ResolutionTag(word).empty() || !SourceTag(word).empty() || !CodecTag(word).empty() ||
      IsReleaseNoise(word)) {
    return WordKind::kStrong;
  }
  if (!LanguageTag(word).empty() || !EditionTag(word).empty()) return WordKind::kWeak;
  return WordKind::kOther;
}

bool IsSeasonWord(absl::string_view word) {
  return absl::EqualsIgnoreCase(word, "season") || absl::EqualsIgnoreCase(word, "saison");
}

}  // namespace

std::string ParsedRelease::QualityFull() const {
  if (quality.empty()) return "";
  if (repack) return quality + " Repack";
  if (proper) return quality + " Proper";
  return quality;
}

ParsedRelease ParseReleaseName(std::string_view raw_in) {
  absl::string_view raw = Av(raw_in);
  ParsedRelease r;
  absl::string_view base = raw;
  if (size_t slash = base.find_last_of("/\\"); slash != absl::string_view::npos)
    base = base.substr(slash + 1);
  std::string name = NormalizeReleaseWords(StripExtension(absl::StripAsciiWhitespace(base)));
  // Leading "[www.site.com]" / "[GROUP]" tags.
  std::string leading_group;
  while (!name.empty() && name[0] == '[') {
    size_t close = name.find(']');
    if (close == std::string::npos) break;
    std::string inner = name.substr(1, close - 1);
    if (inner.find('.') == std::string::npos && inner.find(' ') == std::string::npos)
      leading_group = inner;
    name = std::string(absl::StripLeadingAsciiWhitespace(name.substr(close + 1)));
    while (!name.empty() && (name[0] == '-' || name[0] == '.' || name[0] == ' ')) name.erase(0, 1);
  }
  r.group = TakeGroup(&name);
  if (r.group.empty()) r.group = leading_group;

  std::vector<std::string> words = ExpandDashedTags(SplitWords(name));
  std::vector<WordKind> kinds;
  for (const std::string& w : words) kinds.push_back(Classify(w));

  // Where the title ends: at the episode mark (series), else at the year
  // (the last one before the first technical word, so "Blade Runner 2049
  // 2017" keeps 2049), else at the first tag. Word 0 is always title.
  size_t n = words.size();
  size_t episode_at = n, strong_at = n, any_at = n, season_word_at = n;
  // A file named only "S01E02" or "03x07" is all episode mark, no title.
  if (n > 0 && kinds[0] == WordKind::kEpisode) episode_at = 0;
  for (size_t i = 1; i < n; ++i) {
    if (kinds[i] == WordKind::kEpisode && episode_at == n) episode_at = i;
    if (kinds[i] == WordKind::kStrong && strong_at == n) strong_at = i;
    if ((kinds[i] == WordKind::kStrong || kinds[i] == WordKind::kWeak ||
         kinds[i] == WordKind::kEpisode) &&
        any_at == n) {
      any_at = i;
    }
    if (IsSeasonWord(words[i]) && i + 1 < n && IsDigits(words[i + 1]) && words[i + 1].size() <= 2 &&
        season_word_at == n) {
      season_word_at = i;
    }
  }
  size_t title_end = n;
  size_t year_at = n;
  if (episode_at < n || season_word_at < n) {
    title_end = std::min(episode_at, season_word_at);
    size_t before = title_end;  // "Show (2020) - S01E02": look past the dash
    while (before > 0 && words[before - 1] == "-") --before;
    if (before >= 2 && kinds[before - 1] == WordKind::kYear) year_at = before - 1;
  } else {
    size_t limit = std::min(strong_at, n);
    for (size_t i = 1; i < limit; ++i) {
      if (kinds[i] == WordKind::kYear) year_at = i;
    }
    title_end = year_at < n ? year_at : any_at;
  }
  if (year_at < n) {
    int year = 0;
    IsYear(words[year_at], &year);
    r.year = year;
    title_end = std::min(title_end, year_at);
  }
  std::vector<std::string> title_words(words.begin(), words.begin() + std::min(title_end, n));
  while (!title_words.empty() && title_words.back() == "-") title_words.pop_back();
  while (!title_words.empty() && title_words.front() == "-") title_words.erase(title_words.begin());
  r.title = absl::StrJoin(title_words, " ");

  std::string raw_source;
  std::vector<std::string> editions;
  for (size_t i = title_end; i < n; ++i) {
    if (i == year_at) continue;
    const std::string& w = words[i];
    std::string upper = absl::AsciiStrToUpper(w);
    EpisodeMark mark;
    if (kinds[i] == WordKind::kEpisode && !r.season.has_value() && ParseEpisodeWord(w, &mark)) {
      r.season = mark.season;
      r.episodes = mark.episodes;
      r.season_pack = mark.pack;
      continue;
    }
    if (IsSeasonWord(w) && i + 1 < n && IsDigits(words[i + 1]) && !r.season.has_value()) {
      r.season = ToInt(words[i + 1]);
      r.season_pack = true;
      ++i;
      continue;
    }
    if (upper == "COMPLETE" || upper == "INTEGRALE") {
      r.season_pack = true;
      continue;
    }
    if (upper == "PROPER") r.proper = true;
    if (upper == "REPACK" || upper == "RERIP") r.repack = true;
    if (std::string tag = ResolutionTag(w); !tag.empty()) {
      if (r.resolution.empty()) r.resolution = tag;
      continue;
    }
    if (std::string tag = SourceTag(w); !tag.empty()) {
      if (tag == "Remux" || r.source.empty()) {
        r.source = tag;
        raw_source = upper;
      }
      continue;
    }
    if (std::string tag = CodecTag(w); !tag.empty()) {
      if (r.codec.empty()) r.codec = tag;
      continue;
    }
    if (std::string tag = LanguageTag(w); !tag.empty()) {
      if (std::find(r.languages.begin(), r.languages.end(), tag) == r.languages.end()) {
        r.languages.push_back(tag);
      }
      continue;
    }
    if (std::string tag = EditionTag(w); !tag.empty()) {
      if (std::find(editions.begin(), editions.end(), tag) == editions.end())
        editions.push_back(tag);
      continue;
    }
    if (upper == "UHD" && r.resolution.empty()) r.resolution = "2160p";
  }
  r.edition = absl::StrJoin(editions, " ");
  if (r.season.has_value() && r.episodes.empty()) r.season_pack = true;
  if (!r.source.empty() || !r.resolution.empty()) {
    r.quality = QualityTitle(r.source, r.resolution, raw_source);
  }
  return r;
}

}  // namespace kiosk::downloads::naming
