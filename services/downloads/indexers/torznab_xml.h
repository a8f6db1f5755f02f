// Reading Torznab answers (the Newznab API with torrent attributes, as served
// by Jackett and Prowlarr). Pure functions over the XML text (pugixml); the
// HTTP side is torznab_client.h.
//
//   absl::StatusOr<TorznabCaps> caps = ParseTorznabCaps(body);
//   absl::StatusOr<TorznabFeed> feed = ParseTorznabFeed(body);  // items + skipped count
//
// Wire facts (torznab.github.io spec, Jackett's TorznabCapabilities /
// ResultPage, Prowlarr's NewznabRssParser):
// * t=caps answers <caps><searching><search available="yes"
//   supportedParams="q"/><tv-search available="yes" supportedParams="q,season,ep,tvdbid"/>
//   <movie-search available="yes" supportedParams="q,imdbid"/></searching>
//   <categories><category id="2000" name="Movies"><subcat id="2040" .../></category>...
// * searches answer RSS 2.0: <rss><channel><item> with title, guid, link,
//   pubDate (RFC 822), size, <enclosure url length type="application/x-bittorrent"/>
//   and <torznab:attr name="seeders" value="12"/> (namespace
//   http://torznab.com/schemas/2015/feed): seeders, peers (seeders included),
//   size, infohash, magneturl, imdb (digits, no "tt"), imdbid, tvdbid, category.
// * failures answer <error code="100" description="Invalid API Key"/>
//   (100-102 credentials, 200-203 parameters/functions, 429 too many
//   requests on some trackers, 900 other).
#ifndef KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_XML_H_
#define KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_XML_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::downloads::indexers {

// One search mode of t=caps.
struct TorznabMode {
  bool available = false;
  std::vector<std::string> params;  // lower-case: "q", "imdbid", "tvdbid", "season", "ep"
  bool Supports(absl::string_view param) const;
};

struct TorznabCaps {
  TorznabMode search;        // t=search
  TorznabMode movie_search;  // t=movie
  TorznabMode tv_search;     // t=tvsearch
  std::vector<int> categories;  // every category and subcategory id offered
  // "search, movie-search (imdbid), tv-search (tvdbid, season, ep)": the
  // modes available with their id/season parameters ("q" left out).
  std::string Summary() const;
  std::string ToJson() const;
  static TorznabCaps FromJson(absl::string_view json);  // {} or bad -> nothing available
};

struct TorznabItem {
  std::string title;
  std::string guid;
  std::string link;         // <link> or the enclosure URL (http(s) .torrent or magnet)
  std::string magnet_url;   // torznab:attr magneturl, or a magnet <link>
  std::string info_hash;    // lower-case hex, "" when not given
  int64_t size_bytes = 0;   // <size>, torznab size or enclosure length
  int seeders = -1;         // -1 when missing
  int peers = -1;
  std::optional<absl::Time> published_at;
  std::string imdb_id;      // "tt0211915" form, "" when missing
  int tvdb_id = 0;
  std::vector<int> categories;
  // The link to hand to qBittorrent: the magnet when there is one, else the
  // .torrent URL.
  std::string DownloadLink() const;
};

struct TorznabFeed {
  std::vector<TorznabItem> items;
  int skipped = 0;                    // items without a title or a link
  std::vector<std::string> problems;  // why they were skipped (first few)
};

// INVALID_ARGUMENT for a body that is not Torznab XML (HTML error page,
// truncated XML), with a hint; the Torznab <error> answer -> its status
// (TorznabErrorStatus).
absl::StatusOr<TorznabCaps> ParseTorznabCaps(absl::string_view body);
absl::StatusOr<TorznabFeed> ParseTorznabFeed(absl::string_view body);

// The status of a Torznab <error code description/>: 100-102 ->
// PERMISSION_DENIED, 200-203 -> INVALID_ARGUMENT, 429 -> RESOURCE_EXHAUSTED,
// else UNAVAILABLE; the message quotes the code and description.
absl::Status TorznabErrorStatus(int code, absl::string_view description);

// RFC 822 dates of RSS ("Sat, 03 Feb 2024 10:00:00 +0100"); nullopt if not one.
std::optional<absl::Time> ParseRfc822(absl::string_view text);

// "tt0211915" from "0211915", "211915" or "tt0211915" (7 digits at least);
// "" for anything else.
std::string NormalizeImdbId(absl::string_view text);

}  // namespace kiosk::downloads::indexers

#endif  // KIOSK_SERVICES_DOWNLOADS_INDEXERS_TORZNAB_XML_H_
