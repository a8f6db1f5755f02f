#include "services/downloads/releases/release_selection.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/downloads/naming/release_name.h"

namespace kiosk::downloads::releases {
namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

// French audio (dubbed or original French), by tag of release_tags.cc.
const std::set<std::string>& FrenchAudio() {
  static const std::set<std::string> kTags = {"FRENCH", "TRUEFRENCH", "VFF", "VFQ",
                                              "VFI",    "VF2",        "VF",  "VOF"};
  return kTags;
}
bool IsMulti(const std::string& tag) { return tag == "MULTI" || tag == "DUAL"; }
bool IsFrenchSubs(const std::string& tag) { return tag == "VOSTFR" || tag == "SUBFRENCH"; }
bool IsOriginal(const std::string& tag) { return tag == "VO" || tag == "VOST" || tag == "ENGLISH"; }

bool Has(const std::vector<std::string>& tags, bool (*pred)(const std::string&)) {
  return std::any_of(tags.begin(), tags.end(), pred);
}
bool HasFrenchAudio(const std::vector<std::string>& tags) {
  return std::any_of(tags.begin(), tags.end(),
                     [](const std::string& t) { return FrenchAudio().count(t) > 0; });
}
// A dub in another language (GERMAN, ITALIAN...): not French, not a
// subtitle/original marker, not MULTI.
std::string OtherDub(const std::vector<std::string>& tags) {
  for (const std::string& t : tags) {
    if (!FrenchAudio().count(t) && !IsMulti(t) && !IsFrenchSubs(t) && !IsOriginal(t)) return t;
  }
  return "";
}

bool IsSample(absl::string_view title) {
  for (absl::string_view word : absl::StrSplit(title, absl::ByAnyChar(".-_ []()"), absl::SkipEmpty())) {
    if (absl::EqualsIgnoreCase(word, "sample")) return true;
  }
  return false;
}

bool IsBadSource(const std::string& source) {
  return source == "CAM" || source == "TELESYNC" || source == "TELECINE" || source == "DVDSCR" ||
         source == "WORKPRINT" || source == "REGIONAL";
}

std::string Size(int64_t bytes) {
  if (bytes >= (int64_t{1} << 30)) {
    return absl::StrCat(absl::StrFormat("%.1f", static_cast<double>(bytes) / (int64_t{1} << 30)),
                        " GB");
  }
  return absl::StrCat(bytes / kMiB, " MB");
}

std::string ListEpisodes(const std::vector<int>& episodes) {
  return absl::StrJoin(episodes, ", ");
}

void CheckSeries(const naming::ParsedRelease& parsed, const WantedMedia& wanted,
                 std::vector<std::string>& rejections) {
  if (wanted.media_type != "tv") {
    if (parsed.season.has_value()) {
      rejections.push_back("an episode or season of a series; the request is a film");
    }
    return;
  }
  if (!parsed.season.has_value()) {
    rejections.push_back("no season or episode in the name (SxxEyy); the request is a series");
    return;
  }
  const int season = *parsed.season;
  auto wanted_season = std::find_if(wanted.seasons.begin(), wanted.seasons.end(),
                                    [&](const auto& s) { return s.first == season; });
  if (!wanted.seasons.empty() && wanted_season == wanted.seasons.end()) {
    std::vector<int> seasons;
    for (const auto& s : wanted.seasons) seasons.push_back(s.first);
    rejections.push_back(absl::StrCat("season ", season, "; the request covers season",
                                      seasons.size() > 1 ? "s " : " ", ListEpisodes(seasons)));
    return;
  }
  const bool pack = parsed.episodes.empty();
  const std::vector<int> want_episodes =
      wanted_season == wanted.seasons.end() ? std::vector<int>{} : wanted_season->second;
  if (want_episodes.empty()) {
    if (!pack) {
      rejections.push_back(absl::StrCat("episode ", ListEpisodes(parsed.episodes),
                                        " only; the request wants the whole season ", season));
    }
    return;
  }
  for (int e : parsed.episodes) {
    if (std::find(want_episodes.begin(), want_episodes.end(), e) == want_episodes.end()) {
      rejections.push_back(absl::StrCat("episode ", e, " of season ", season,
                                        " is not requested (wanted: ",
                                        ListEpisodes(want_episodes), ")"));
      return;
    }
  }
}

}  // namespace

std::vector<std::string> ParseQualityOrder(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::string q = absl::AsciiStrToLower(absl::StripAsciiWhitespace(part));
    if (!q.empty() && std::find(out.begin(), out.end(), q) == out.end()) out.push_back(q);
  }
  return out;
}

std::string NormalizeTitle(absl::string_view title) {
  std::string out;
  for (size_t i = 0; i < title.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(title[i]);
    if (c == 0xC3 && i + 1 < title.size()) {  // Latin-1 letters in UTF-8: fold the accent
      const unsigned char d = static_cast<unsigned char>(title[++i]) | 0x20;  // upper -> lower
      if (d >= 0xA0 && d <= 0xA5) out += 'a';
      else if (d == 0xA6) out += "ae";
      else if (d == 0xA7) out += 'c';
      else if (d >= 0xA8 && d <= 0xAB) out += 'e';
      else if (d >= 0xAC && d <= 0xAF) out += 'i';
      else if (d == 0xB1) out += 'n';
      else if (d >= 0xB2 && d <= 0xB6) out += 'o';
      else if (d == 0xB8) out += 'o';
      else if (d >= 0xB9 && d <= 0xBC) out += 'u';
      else if (d == 0xBD || d == 0xBF) out += 'y';
      continue;
    }
    if (c == 0xC5 && i + 1 < title.size()) {  // œ / Œ
      const unsigned char d = static_cast<unsigned char>(title[++i]);
      if (d == 0x93 || d == 0x92) out += "oe";
      continue;
    }
    if (c == '&') {
      out += "and";
      continue;
    }
    if (std::isalnum(c)) out += static_cast<char>(std::tolower(c));
  }
  return out;
}

int LanguageMatch(const std::vector<std::string>& tags, const std::string& language,
                  std::string* why) {
  const bool multi = Has(tags, IsMulti);
  const bool french = HasFrenchAudio(tags);
  const bool subs = Has(tags, IsFrenchSubs);
  const std::string other = OtherDub(tags);
  const std::string shown = tags.empty() ? "no language tag" : absl::StrJoin(tags, ", ");
  if (language == "fr") {
    if (multi) return 2;
    if (french) {
      const bool only_quebec = std::all_of(tags.begin(), tags.end(), [](const std::string& t) {
        return !FrenchAudio().count(t) || t == "VFQ";
      });
      return only_quebec ? 1 : 2;
    }
    *why = absl::StrCat("no French audio (", shown,
                        "); a French request needs FRENCH, TRUEFRENCH, VFF, VFQ, VFI, VF2 or MULTI");
    return 0;
  }
  if (language == "en" || language == "vo") {
    if (multi) return language == "en" ? 2 : 1;
    if (french) {
      *why = absl::StrCat("French audio only (", shown, "); the request wants the ",
                          language == "en" ? "English" : "original", " version");
      return 0;
    }
    if (!other.empty()) {
      *why = absl::StrCat("dubbed in ", other, "; the request wants the ",
                          language == "en" ? "English" : "original", " version");
      return 0;
    }
    if (language == "en") return subs ? 1 : 2;
    return 2;  // vo: untagged, VO, VOSTFR, SUBFRENCH
  }
  *why = absl::StrCat("the request's language '", language, "' is not fr, en or vo");
  return 0;
}

EvaluatedRelease Evaluate(const Candidate& candidate, const WantedMedia& wanted,
                          const SelectionRules& rules, const std::vector<BlockedRelease>& blocklist) {
  const indexers::TorznabItem& item = candidate.item;
  const naming::ParsedRelease parsed = naming::ParseReleaseName(item.title);
  EvaluatedRelease r;
  r.guid = item.guid;
  r.title = item.title;
  r.link = item.DownloadLink();
  r.info_hash = item.info_hash;
  r.indexer_id = candidate.indexer_id;
  r.indexer = candidate.indexer;
  r.indexer_priority = candidate.indexer_priority;
  r.size_bytes = item.size_bytes;
  r.seeders = std::max(0, item.seeders);
  r.peers = std::max(0, item.peers);
  r.published_at = item.published_at;
  r.quality = parsed.quality;
  r.resolution = parsed.resolution;
  r.source = parsed.source;
  r.codec = parsed.codec;
  r.group = parsed.group;
  r.languages = parsed.languages;
  r.season = parsed.season.value_or(0);
  r.episodes = parsed.episodes;
  std::vector<std::string>& why = r.rejections;

  // Title and year.
  const std::string title = NormalizeTitle(parsed.title);
  bool title_ok = false;
  std::vector<std::string> shown;
  for (const std::string& t : wanted.titles) {
    if (t.empty()) continue;
    if (std::find(shown.begin(), shown.end(), t) == shown.end()) shown.push_back(t);
    if (!title.empty() && NormalizeTitle(t) == title) title_ok = true;
  }
  if (!title_ok) {
    why.push_back(absl::StrCat("title \"", parsed.title, "\" is not the requested one (",
                               absl::StrJoin(shown, " / "), ")"));
  }
  if (wanted.year > 0 && parsed.year.has_value() && std::abs(*parsed.year - wanted.year) > 1 &&
      wanted.media_type == "movie") {
    why.push_back(absl::StrCat("year ", *parsed.year, "; the film is from ", wanted.year));
  }
  CheckSeries(parsed, wanted, why);

  // Language.
  std::string language_why;
  const int language = LanguageMatch(parsed.languages, wanted.language, &language_why);
  if (language == 0) why.push_back(language_why);

  // Quality.
  int quality_rank = 0;
  if (IsBadSource(parsed.source)) {
    why.push_back(absl::StrCat("a ", absl::AsciiStrToLower(parsed.source),
                               " recording, not a proper release"));
  }
  if (IsSample(item.title)) why.push_back("a sample, not the whole release");
  const std::string resolution = absl::AsciiStrToLower(parsed.resolution);
  auto pos = std::find(rules.quality_order.begin(), rules.quality_order.end(), resolution);
  if (pos == rules.quality_order.end()) {
    why.push_back(absl::StrCat(
        resolution.empty() ? std::string("unknown resolution") : absl::StrCat("resolution ", resolution),
        " is not in releases.quality_order (", absl::StrJoin(rules.quality_order, ","), ")"));
  } else {
    quality_rank = static_cast<int>(rules.quality_order.end() - pos);  // first = highest
  }

  // Size and seeders.
  if (item.size_bytes <= 0) {
    why.push_back("the indexer gives no size");
  } else if (item.size_bytes < rules.min_size_bytes) {
    why.push_back(absl::StrCat("too small: ", Size(item.size_bytes), " (minimum ",
                               Size(rules.min_size_bytes), ", releases.min_size_mb)"));
  } else if (rules.max_size_bytes > 0 && item.size_bytes > rules.max_size_bytes) {
    why.push_back(absl::StrCat("too large: ", Size(item.size_bytes), " (maximum ",
                               Size(rules.max_size_bytes), ", releases.max_size_gb)"));
  }
  if (item.seeders < 0) {
    why.push_back("the indexer gives no seeder count");
  } else if (item.seeders < rules.min_seeders) {
    why.push_back(absl::StrCat(item.seeders, " seeder", item.seeders == 1 ? "" : "s",
                               "; at least ", rules.min_seeders, " wanted (releases.min_seeders)"));
  }

  // Blocklist.
  const std::string normalized = NormalizeTitle(item.title);
  for (const BlockedRelease& b : blocklist) {
    if ((!b.info_hash.empty() && b.info_hash == item.info_hash) ||
        (!b.title.empty() && NormalizeTitle(b.title) == normalized)) {
      r.blocklisted = true;
      why.push_back(absl::StrCat("blocklisted", b.reason.empty() ? "" : ": ", b.reason));
      break;
    }
  }

  r.accepted = why.empty();
  const int64_t seeders = std::min<int64_t>(r.seeders, 99999);
  const int64_t mib = std::min<int64_t>(std::max<int64_t>(item.size_bytes, 0) / kMiB, 999999999);
  r.score = language * 10'000'000'000'000'000LL + quality_rank * 100'000'000'000'000LL +
            seeders * 1'000'000'000LL + mib;
  return r;
}

std::vector<EvaluatedRelease> RankReleases(const std::vector<Candidate>& candidates,
                                           const WantedMedia& wanted, const SelectionRules& rules,
                                           const std::vector<BlockedRelease>& blocklist) {
  std::vector<EvaluatedRelease> all;
  all.reserve(candidates.size());
  for (const Candidate& c : candidates) all.push_back(Evaluate(c, wanted, rules, blocklist));
  auto better = [](const EvaluatedRelease& a, const EvaluatedRelease& b) {
    if (a.accepted != b.accepted) return a.accepted;
    if (a.score != b.score) return a.score > b.score;
    if (a.indexer_priority != b.indexer_priority) return a.indexer_priority < b.indexer_priority;
    return a.title < b.title;
  };
  std::sort(all.begin(), all.end(), better);
  // The same release from several indexers (or twice from one): keep the first.
  std::vector<EvaluatedRelease> out;
  std::set<std::string> seen;
  for (EvaluatedRelease& r : all) {
    const std::string key = r.info_hash.empty() ? absl::StrCat(r.indexer_id, "/", r.title) : r.info_hash;
    if (!seen.insert(key).second) continue;
    out.push_back(std::move(r));
  }
  return out;
}

std::string ExplainNoneAccepted(const std::vector<EvaluatedRelease>& ranked) {
  if (ranked.empty()) return "no release found on the indexers";
  std::vector<std::string> closest;
  for (size_t i = 0; i < ranked.size() && closest.size() < 3; ++i) {
    if (ranked[i].rejections.empty()) continue;
    closest.push_back(absl::StrCat(ranked[i].title, " (", ranked[i].rejections.front(), ")"));
  }
  return absl::StrCat("none of the ", ranked.size(), " releases found fits; the closest: ",
                      absl::StrJoin(closest, "; "));
}

}  // namespace kiosk::downloads::releases
