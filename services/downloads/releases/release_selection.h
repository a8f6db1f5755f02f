// Which releases fit a request, and in which order: the pure part of the
// release search (no I/O). Each candidate (a Torznab item) is parsed with
// naming::ParseReleaseName and checked; every failed check adds a sentence to
// `rejections`. Accepted releases come first, best first.
//
// Checks (each one a sentence when it fails):
//  * title: the parsed title, normalised (accents folded, only letters and
//    digits, lower-case), equals the request's French, English or original
//    title normalised the same way; the year, when the name has one, is the
//    request's year +/- 1;
//  * series: the season is one the request covers; a request for a whole
//    season wants a season pack, one for some episodes wants those episodes
//    (a pack is accepted too); a film never has SxxEyy;
//  * language of the request (tags from the release name):
//      fr  French audio: FRENCH, TRUEFRENCH, VFF, VFQ, VFI, VF2, VF, VOF, or MULTI
//          (MULTi releases of the French scene carry the French track);
//      en  no French-only audio (a French tag without MULTI is refused), no
//          other dub (GERMAN, ITALIAN... without MULTI); MULTI is fine;
//      vo  original audio: untagged, VO, VOST, VOSTFR, SUBFRENCH or MULTI;
//          a French-only dub is refused;
//  * quality: the resolution is in releases.quality_order; CAM, TELESYNC,
//    TELECINE, screeners and workprints are refused; samples are refused;
//  * size between releases.min_size_mb and releases.max_size_gb (0 = no
//    limit), and known;
//  * seeders at least releases.min_seeders;
//  * not blocklisted for this request (info-hash or title).
//
// Score (higher is better), compared in this order:
//   1. language match: 2 = what the request asked for exactly (fr: VFF,
//      TRUEFRENCH, FRENCH, VF, VFI, VF2, VOF or MULTI; en: untagged,
//      ENGLISH or MULTI; vo: VOSTFR/SUBFRENCH or untagged/VO), 1 = acceptable
//      (fr: VFQ only; en: VOSTFR; vo: MULTI);
//   2. quality: the position in releases.quality_order (first = best);
//   3. seeders (capped at 99 999);
//   4. size in MiB (bigger is better at the same resolution).
//   score = language * 10^16 + quality * 10^14 + seeders * 10^9 + MiB.
// Ties: the indexer's priority (1 first), then the title.
#ifndef KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SELECTION_H_
#define KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SELECTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/downloads/indexers/torznab_xml.h"

namespace kiosk::downloads::releases {

// What a request asks for (from kiosk-media's GetRequest).
struct WantedMedia {
  std::string media_type = "movie";  // "movie" or "tv"
  std::vector<std::string> titles;   // FR, EN, original
  int year = 0;                      // 0 = unknown
  std::string language = "fr";       // "fr", "en" or "vo"
  std::vector<std::pair<int, std::vector<int>>> seasons;  // season -> episodes (empty = all)
};

// From the settings releases.*.
struct SelectionRules {
  std::vector<std::string> quality_order = {"1080p", "720p", "2160p", "480p"};
  int min_seeders = 1;
  int64_t min_size_bytes = int64_t{100} << 20;
  int64_t max_size_bytes = 0;  // 0 = no limit
};

// "1080p,720p" -> {"1080p","720p"} (spaces and case forgiven, "" entries dropped).
std::vector<std::string> ParseQualityOrder(absl::string_view text);

struct BlockedRelease {
  std::string info_hash;  // lower-case hex or ""
  std::string title;
  std::string reason;
};

struct Candidate {
  indexers::TorznabItem item;
  int64_t indexer_id = 0;
  std::string indexer;
  int indexer_priority = 25;
};

struct EvaluatedRelease {
  std::string guid, title, link, info_hash;
  int64_t indexer_id = 0;
  std::string indexer;
  int indexer_priority = 25;
  int64_t size_bytes = 0;
  int seeders = 0, peers = 0;
  std::optional<absl::Time> published_at;
  std::string quality, resolution, source, codec, group;
  std::vector<std::string> languages;
  int season = 0;
  std::vector<int> episodes;
  int64_t score = 0;
  bool accepted = false;
  bool blocklisted = false;
  std::vector<std::string> rejections;
};

// Normalised title for comparisons: "Le Fabuleux Destin d'Amélie Poulain" ->
// "lefabuleuxdestindameliepoulain".
std::string NormalizeTitle(absl::string_view title);

// 2, 1 or 0 (refused) and, when refused, why.
int LanguageMatch(const std::vector<std::string>& tags, const std::string& language,
                  std::string* why);

EvaluatedRelease Evaluate(const Candidate& candidate, const WantedMedia& wanted,
                          const SelectionRules& rules, const std::vector<BlockedRelease>& blocklist);

// Every candidate evaluated, duplicates (same info-hash, or same title from
// the same indexer) merged keeping the best seeded; accepted first, best first.
std::vector<EvaluatedRelease> RankReleases(const std::vector<Candidate>& candidates,
                                           const WantedMedia& wanted, const SelectionRules& rules,
                                           const std::vector<BlockedRelease>& blocklist);

// "no release fits: 3 without French audio, 2 below 1 seeder, ..." for the
// download's stage message when nothing was accepted.
std::string ExplainNoneAccepted(const std::vector<EvaluatedRelease>& ranked);

}  // namespace kiosk::downloads::releases

#endif  // KIOSK_SERVICES_DOWNLOADS_RELEASES_RELEASE_SELECTION_H_
