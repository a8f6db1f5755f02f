#include "services/downloads/testing/torznab_double.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/http/url.h"

namespace kiosk::downloads::testing {
namespace {

using kiosk::testing::TestHttpRequest;
using kiosk::testing::TestHttpResponse;

constexpr char kBasePath[] = "/api/v2.0/indexers/all/results/torznab";

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

TestHttpResponse Xml(std::string body, int status = 200) {
  TestHttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = "application/rss+xml; charset=utf-8";
  return response;
}

std::string ErrorXml(int code, absl::string_view description) {
  return absl::StrCat("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<error code=\"", code,
                      "\" description=\"", XmlEscape(description), "\" />");
}

// Jackett's caps document for an aggregate ("all") indexer.
std::string CapsXml(bool id_search) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<caps>\n"
      "  <server title=\"Jackett\" />\n"
      "  <limits default=\"100\" max=\"100\" />\n"
      "  <searching>\n"
      "    <search available=\"yes\" supportedParams=\"q\" />\n"
      "    <tv-search available=\"yes\" supportedParams=\"",
      id_search ? "q,season,ep,tvdbid" : "q,season,ep", "\" />\n",
      "    <movie-search available=\"yes\" supportedParams=\"", id_search ? "q,imdbid" : "q",
      "\" />\n"
      "    <music-search available=\"no\" supportedParams=\"q\" />\n"
      "    <audio-search available=\"no\" supportedParams=\"q\" />\n"
      "    <book-search available=\"no\" supportedParams=\"q\" />\n"
      "  </searching>\n"
      "  <categories>\n"
      "    <category id=\"2000\" name=\"Movies\">\n"
      "      <subcat id=\"2030\" name=\"Movies/SD\" />\n"
      "      <subcat id=\"2040\" name=\"Movies/HD\" />\n"
      "      <subcat id=\"2045\" name=\"Movies/UHD\" />\n"
      "    </category>\n"
      "    <category id=\"5000\" name=\"TV\">\n"
      "      <subcat id=\"5030\" name=\"TV/SD\" />\n"
      "      <subcat id=\"5040\" name=\"TV/HD\" />\n"
      "    </category>\n"
      "  </categories>\n"
      "</caps>\n");
}

// Lower-case letters and digits only, accents dropped ("Amélie" -> "amelie").
std::string Fold(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC3 && i + 1 < text.size()) {  // Latin-1 supplement letters
      unsigned char d = static_cast<unsigned char>(text[++i]) | 0x20;  // À -> à
      if (d >= 0xA0 && d <= 0xA5) out += 'a';
      else if (d >= 0xA8 && d <= 0xAB) out += 'e';
      else if (d >= 0xAC && d <= 0xAF) out += 'i';
      else if (d >= 0xB2 && d <= 0xB6) out += 'o';
      else if (d >= 0xB9 && d <= 0xBC) out += 'u';
      else if (d == 0xA7) out += 'c';
      else out += ' ';
      continue;
    }
    out += std::isalnum(c) ? static_cast<char>(std::tolower(c)) : ' ';
  }
  return out;
}

bool MatchesQuery(const TorznabRelease& release, absl::string_view q) {
  const std::string title = absl::StrCat(" ", Fold(release.title), " ");
  for (absl::string_view word : absl::StrSplit(Fold(q), ' ', absl::SkipEmpty())) {
    if (!absl::StrContains(title, absl::StrCat(" ", word, " "))) return false;
  }
  return true;
}

// "S01E02" / "S01" in a release name.
bool MatchesEpisode(const TorznabRelease& release, int season, int ep) {
  if (season <= 0) return true;
  const std::string upper = absl::AsciiStrToUpper(release.title);
  const std::string s = absl::StrFormat("S%02d", season);
  size_t at = upper.find(s);
  while (at != std::string::npos) {
    const size_t end = at + s.size();
    const bool pack = end >= upper.size() || upper[end] == '.' || upper[end] == ' ';
    if (ep <= 0) return true;
    if (pack) return true;  // a season pack holds the episode
    if (upper.compare(end, 3, absl::StrFormat("E%02d", ep)) == 0) return true;
    at = upper.find(s, end);
  }
  return false;
}

bool MatchesCategories(const TorznabRelease& release, const std::string& cat) {
  if (cat.empty()) return true;
  for (absl::string_view c : absl::StrSplit(cat, ',', absl::SkipEmpty())) {
    int id = 0;
    if (!absl::SimpleAtoi(c, &id)) continue;
    if (id == release.category || id == release.category / 1000 * 1000) return true;
  }
  return false;
}

std::string Rfc822(int days_ago) {
  const absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 11, 1, 20, 15, 0), absl::UTCTimeZone()) -
                       absl::Hours(24 * days_ago);
  return absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", t, absl::UTCTimeZone());
}

}  // namespace

std::string TorznabRelease::InfoHash() const {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(title.data()), title.size(), digest);
  std::string hex;
  for (unsigned char b : digest) absl::StrAppendFormat(&hex, "%02x", b);
  return hex;
}

std::string TorznabRelease::Magnet() const {
  return absl::StrCat("magnet:?xt=urn:btih:", InfoHash(), "&dn=", http::UrlEncode(title),
                      "&tr=", http::UrlEncode("udp://tracker.opentrackr.org:1337/announce"));
}

std::vector<TorznabRelease> TorznabDouble::BuiltInCatalogue() {
  constexpr int64_t kGb = int64_t{1} << 30;
  constexpr int64_t kMb = int64_t{1} << 20;
  const std::string amelie = "tt0211915";
  return {
      // Amélie (fr): the FRENCH 1080p wins for a French request, the MULTi
      // 1080p comes next (fewer seeders).
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP", amelie, 0, 2040,
       9 * kGb, 45, 52},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.MULTi.1080p.BluRay.x264-LOST", amelie, 0, 2040,
       10 * kGb, 20, 24},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.720p.BluRay.x264-GROUP", amelie, 0, 2040,
       4 * kGb, 30, 31},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.2160p.UHD.BluRay.x265-SUPPLY", amelie, 0,
       2045, 38 * kGb, 8, 9},
      {"Amelie.2001.VOSTFR.720p.WEB.x264-NOTAG", amelie, 0, 2040, 3 * kGb, 12, 13},
      {"Amelie.2001.1080p.BluRay.x264-AMIABLE", amelie, 0, 2040, 8 * kGb, 60, 70},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.TRUEFRENCH.1080p.WEB-DL.H264-DEAD", amelie, 0,
       2040, 5 * kGb, 0, 0},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.CAM.x264-NOGRP", amelie, 0, 2030,
       700 * kMb, 3, 3},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.1080p.BluRay.x264-GROUP.sample", amelie, 0,
       2040, 40 * kMb, 5, 5},
      {"Amelie.Poulain.Returns.2019.FRENCH.1080p.WEB.x264-FAKE", amelie, 0, 2040, 4 * kGb, 25, 25},
      {"Le.Fabuleux.Destin.d.Amelie.Poulain.2001.FRENCH.480p.DVDRip.XviD-OLD", amelie, 0, 2030, 0,
       6, 6, /*magnet_attr=*/false},
      // Intouchables (fr).
      {"Intouchables.2011.FRENCH.1080p.BluRay.x264-ROUGH", "tt1675434", 0, 2040, 8 * kGb, 33, 35},
      {"The.Intouchables.2011.VOSTFR.1080p.BluRay.x264-SUBS", "tt1675434", 0, 2040, 8 * kGb, 7, 7},
      // The Matrix (en).
      {"The.Matrix.1999.1080p.BluRay.x264-SPARKS", "tt0133093", 0, 2040, 10 * kGb, 80, 90},
      {"Matrix.1999.MULTi.1080p.BluRay.x264-ULTIMATE", "tt0133093", 0, 2040, 11 * kGb, 30, 33},
      {"The.Matrix.1999.TRUEFRENCH.720p.BluRay.x264-FRG", "tt0133093", 0, 2040, 5 * kGb, 40, 41},
      // Breaking Bad (tvdb 81189).
      {"Breaking.Bad.S01.MULTi.1080p.BluRay.x264-ROVERS", "tt0903747", 81189, 5040, 30 * kGb, 25,
       30},
      {"Breaking.Bad.S01E01.FRENCH.720p.HDTV.x264-FRG", "tt0903747", 81189, 5040, 900 * kMb, 10,
       10},
      {"Breaking.Bad.S01E02.VOSTFR.1080p.WEB.x264-NTB", "tt0903747", 81189, 5040, 2 * kGb, 15, 15},
      {"Breaking.Bad.S02.VOSTFR.1080p.BluRay.x264-ROVERS", "tt0903747", 81189, 5040, 40 * kGb, 18,
       18},
      // Lupin (tvdb 375952).
      {"Lupin.S01.FRENCH.1080p.NF.WEB-DL.DDP5.1.x264-FRATERNiTY", "tt2531336", 375952, 5040,
       12 * kGb, 40, 44},
      {"Lupin.S01E01.MULTi.1080p.WEB.H264-LOST", "tt2531336", 375952, 5040, 2 * kGb, 22, 22},
      {"Lupin.S02.MULTi.2160p.NF.WEB-DL.x265-FLUX", "tt2531336", 375952, 5040, 35 * kGb, 9, 9},
  };
}

TorznabDouble::TorznabDouble(TorznabDoubleOptions options)
    : options_(std::move(options)), server_(options_.threads), releases_(BuiltInCatalogue()) {
  server_.HandlePrefix("GET", "/", [this](const TestHttpRequest& r) { return Route(r); });
}

TorznabDouble::~TorznabDouble() { Stop(); }

absl::Status TorznabDouble::Start(int port) { return server_.Start(port); }
void TorznabDouble::Stop() { server_.Stop(); }
std::string TorznabDouble::Url() const { return server_.Url(kBasePath); }
int TorznabDouble::port() const { return server_.port(); }

void TorznabDouble::SetFault(TorznabFault fault) {
  std::lock_guard<std::mutex> lock(mu_);
  fault_ = fault;
}

void TorznabDouble::AddRelease(TorznabRelease release) {
  std::lock_guard<std::mutex> lock(mu_);
  releases_.push_back(std::move(release));
}

std::vector<TorznabRelease> TorznabDouble::releases() const {
  std::lock_guard<std::mutex> lock(mu_);
  return releases_;
}

int TorznabDouble::searches() const {
  std::lock_guard<std::mutex> lock(mu_);
  return searches_;
}

TestHttpResponse TorznabDouble::Route(const TestHttpRequest& request) {
  // Jackett: /api/v2.0/indexers/<id>/results/torznab/api; Prowlarr: /<id>/api.
  const bool jackett = absl::StartsWith(request.path, "/api/v2.0/indexers/") &&
                       absl::EndsWith(request.path, "/results/torznab/api");
  const bool prowlarr = request.path.size() > 5 && absl::EndsWith(request.path, "/api") &&
                        std::all_of(request.path.begin() + 1, request.path.end() - 4,
                                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  if (!jackett && !prowlarr) {
    TestHttpResponse page = TestHttpResponse::Text("<html><body>Not Found</body></html>", 404);
    page.content_type = "text/html";
    return page;
  }
  std::lock_guard<std::mutex> lock(mu_);
  switch (fault_) {
    case TorznabFault::kNone:
      break;
    case TorznabFault::kHtmlPage: {
      TestHttpResponse page = TestHttpResponse::Text(
          "<!DOCTYPE html>\n<html><head><title>503 Service Temporarily Unavailable</title></head>"
          "<body><h1>Service Temporarily Unavailable</h1><p>cloudflare</p></body></html>",
          503);
      page.content_type = "text/html; charset=UTF-8";
      return page;
    }
    case TorznabFault::kTorznabError:
      return Xml(ErrorXml(900, "An error occurred while querying the tracker: Timeout"));
    case TorznabFault::kBrokenXml:
      return Xml("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>Cut");
    case TorznabFault::kHttp500:
      return TestHttpResponse::Text("Internal Server Error", 500);
    case TorznabFault::kSlow:
      break;
  }
  if (request.QueryParam("apikey") != options_.api_key) {
    return Xml(ErrorXml(100, "Invalid API Key"), 401);
  }
  const std::string t = request.QueryParam("t");
  TestHttpResponse response;
  if (t == "caps") {
    response = Xml(CapsXml(options_.id_search));
  } else if (t == "search" || t == "movie" || t == "tvsearch") {
    if (!options_.id_search &&
        (!request.QueryParam("imdbid").empty() || !request.QueryParam("tvdbid").empty())) {
      return Xml(ErrorXml(201, "Incorrect parameter: imdbid/tvdbid not supported"), 400);
    }
    ++searches_;
    response = Xml(Feed(request));
  } else {
    return Xml(ErrorXml(202, absl::StrCat("No such function (", t, ")")), 400);
  }
  if (fault_ == TorznabFault::kSlow) response.delay = options_.slow_delay;
  return response;
}

std::string TorznabDouble::Feed(const TestHttpRequest& request) const {
  const std::string imdb = request.QueryParam("imdbid");
  int tvdb = 0, season = 0, ep = 0;
  (void)absl::SimpleAtoi(request.QueryParam("tvdbid"), &tvdb);
  (void)absl::SimpleAtoi(request.QueryParam("season"), &season);
  (void)absl::SimpleAtoi(request.QueryParam("ep"), &ep);
  const std::string q = request.QueryParam("q");
  const std::string cat = request.QueryParam("cat");
  const std::string base = server_.Url();
  std::string items;
  int n = 0;
  for (const TorznabRelease& r : releases_) {
    // Jackett accepts imdbid with or without "tt".
    if (!imdb.empty() && r.imdb_id != imdb && r.imdb_id != absl::StrCat("tt", imdb)) continue;
    if (tvdb > 0 && r.tvdb_id != tvdb) continue;
    if (!q.empty() && !MatchesQuery(r, q)) continue;
    if (!MatchesEpisode(r, season, ep)) continue;
    if (!MatchesCategories(r, cat)) continue;
    const std::string hash = r.InfoHash();
    const std::string dl = absl::StrCat(base, "/dl/", hash, ".torrent?jackett_apikey=",
                                        options_.api_key);
    absl::StrAppend(&items, "    <item>\n      <title>", XmlEscape(r.title), "</title>\n",
                    "      <guid>", base, "/details/", hash, "</guid>\n",
                    "      <jackettindexer id=\"double\">Double</jackettindexer>\n",
                    "      <type>public</type>\n      <comments>", base, "/details/", hash,
                    "</comments>\n      <pubDate>", Rfc822(n++), "</pubDate>\n");
    if (r.magnet_attr) {
      absl::StrAppend(&items, "      <link>", XmlEscape(dl), "</link>\n");
    } else {
      absl::StrAppend(&items, "      <link>", XmlEscape(r.Magnet()), "</link>\n");
    }
    if (r.size > 0) absl::StrAppend(&items, "      <size>", r.size, "</size>\n");
    absl::StrAppend(&items, "      <category>", r.category / 1000 * 1000, "</category>\n",
                    "      <category>", r.category, "</category>\n");
    if (r.magnet_attr) {
      absl::StrAppend(&items, "      <enclosure url=\"", XmlEscape(dl), "\" length=\"", r.size,
                      "\" type=\"application/x-bittorrent\" />\n");
    }
    absl::StrAppend(&items, "      <torznab:attr name=\"category\" value=\"",
                    r.category / 1000 * 1000, "\" />\n", "      <torznab:attr name=\"category\" value=\"",
                    r.category, "\" />\n");
    if (!r.imdb_id.empty()) {
      absl::StrAppend(&items, "      <torznab:attr name=\"imdb\" value=\"", r.imdb_id.substr(2),
                      "\" />\n");
    }
    if (r.tvdb_id > 0) {
      absl::StrAppend(&items, "      <torznab:attr name=\"tvdbid\" value=\"", r.tvdb_id, "\" />\n");
    }
    absl::StrAppend(&items, "      <torznab:attr name=\"seeders\" value=\"", r.seeders, "\" />\n",
                    "      <torznab:attr name=\"peers\" value=\"", r.peers, "\" />\n",
                    "      <torznab:attr name=\"infohash\" value=\"", hash, "\" />\n");
    if (r.magnet_attr) {
      absl::StrAppend(&items, "      <torznab:attr name=\"magneturl\" value=\"",
                      XmlEscape(r.Magnet()), "\" />\n");
    }
    absl::StrAppend(&items, "      <torznab:attr name=\"downloadvolumefactor\" value=\"0\" />\n",
                    "      <torznab:attr name=\"uploadvolumefactor\" value=\"1\" />\n",
                    "    </item>\n");
  }
  // What real indexers also send: an item without a title, one without any
  // link, and one with garbage numbers (kept, its seeders unknown).
  absl::StrAppend(&items,
                  "    <item>\n      <guid>broken-1</guid>\n      <link>", base,
                  "/dl/broken.torrent</link>\n    </item>\n",
                  "    <item>\n      <title>No.Link.Release.2001.1080p.WEB.x264-NOLINK</title>\n"
                  "      <guid>broken-2</guid>\n    </item>\n");
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" "
      "xmlns:torznab=\"http://torznab.com/schemas/2015/feed\">\n"
      "  <channel>\n"
      "    <atom:link href=\"",
      base, kBasePath,
      "/api\" rel=\"self\" type=\"application/rss+xml\" />\n"
      "    <title>AggregateSearch</title>\n"
      "    <description>This feed includes all configured trackers</description>\n"
      "    <link>",
      base,
      "/</link>\n    <language>en-US</language>\n    <category>search</category>\n", items,
      "  </channel>\n</rss>\n");
}

}  // namespace kiosk::downloads::testing
