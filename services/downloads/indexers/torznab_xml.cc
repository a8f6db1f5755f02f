#include "services/downloads/indexers/torznab_xml.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"

namespace kiosk::downloads::indexers {
namespace {

constexpr int kMaxProblems = 5;

// pugixml names keep their prefix: "torznab:attr" (Jackett, Prowlarr) or
// "newznab:attr" (some Newznab-style feeds). Compare the local name.
absl::string_view LocalName(const char* name) {
  absl::string_view n(name);
  size_t colon = n.find(':');
  return colon == absl::string_view::npos ? n : n.substr(colon + 1);
}

bool LooksLikeHtml(absl::string_view body) {
  absl::string_view head = absl::StripLeadingAsciiWhitespace(body.substr(0, 512));
  return absl::StartsWithIgnoreCase(head, "<!doctype html") ||
         absl::StartsWithIgnoreCase(head, "<html") ||
         absl::AsciiStrToLower(head).find("<html") != std::string::npos;
}

absl::StatusOr<pugi::xml_node> LoadRoot(absl::string_view body, pugi::xml_document& doc) {
  if (LooksLikeHtml(body)) {
    return absl::InvalidArgumentError(
        "the indexer answered an HTML page, not Torznab XML (check that the URL is the Torznab "
        "feed, e.g. http://jackett:9117/api/v2.0/indexers/all/results/torznab)");
  }
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size());
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat("the indexer's answer is not valid XML (",
                                                   parsed.description(), " at byte ",
                                                   parsed.offset, ")"));
  }
  pugi::xml_node root = doc.document_element();
  if (LocalName(root.name()) == "error") {
    return TorznabErrorStatus(root.attribute("code").as_int(0),
                              root.attribute("description").as_string(""));
  }
  return root;
}

std::vector<std::string> SplitParams(const char* text) {
  std::vector<std::string> out;
  for (absl::string_view p : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    out.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(p)));
  }
  return out;
}

TorznabMode ReadMode(pugi::xml_node node) {
  TorznabMode mode;
  if (!node) return mode;
  mode.available = absl::EqualsIgnoreCase(node.attribute("available").as_string(""), "yes");
  mode.params = SplitParams(node.attribute("supportedParams").as_string(""));
  return mode;
}

std::string Lower(absl::string_view text) { return absl::AsciiStrToLower(text); }

bool IsHex40(absl::string_view text) {
  return text.size() == 40 &&
         std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

int Month(absl::string_view name) {
  static constexpr const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                            "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i) {
    if (absl::EqualsIgnoreCase(name.substr(0, 3), kMonths[i])) return i + 1;
  }
  return 0;
}

}  // namespace

bool TorznabMode::Supports(absl::string_view param) const {
  return available && std::find(params.begin(), params.end(), param) != params.end();
}

std::string TorznabCaps::Summary() const {
  std::vector<std::string> parts;
  auto add = [&](const char* name, const TorznabMode& mode) {
    if (!mode.available) return;
    std::vector<std::string> ids;
    for (const std::string& p : mode.params) {
      if (p != "q") ids.push_back(p);
    }
    parts.push_back(ids.empty() ? std::string(name)
                                : absl::StrCat(name, " (", absl::StrJoin(ids, ", "), ")"));
  };
  add("search", search);
  add("movie-search", movie_search);
  add("tv-search", tv_search);
  return parts.empty() ? "no search available" : absl::StrJoin(parts, ", ");
}

std::string TorznabCaps::ToJson() const {
  auto mode = [](const TorznabMode& m) {
    return nlohmann::json{{"available", m.available}, {"params", m.params}};
  };
  return nlohmann::json{{"search", mode(search)},
                        {"movie", mode(movie_search)},
                        {"tv", mode(tv_search)},
                        {"categories", categories}}
      .dump();
}

TorznabCaps TorznabCaps::FromJson(absl::string_view json) {
  TorznabCaps caps;
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object()) return caps;
  auto mode = [&](const char* key) {
    TorznabMode m;
    if (!j.contains(key) || !j[key].is_object()) return m;
    m.available = j[key].value("available", false);
    if (j[key].contains("params") && j[key]["params"].is_array()) {
      for (const auto& p : j[key]["params"]) {
        if (p.is_string()) m.params.push_back(p.get<std::string>());
      }
    }
    return m;
  };
  caps.search = mode("search");
  caps.movie_search = mode("movie");
  caps.tv_search = mode("tv");
  if (j.contains("categories") && j["categories"].is_array()) {
    for (const auto& c : j["categories"]) {
      if (c.is_number_integer()) caps.categories.push_back(c.get<int>());
    }
  }
  return caps;
}

std::string TorznabItem::DownloadLink() const {
  if (!magnet_url.empty()) return magnet_url;
  return link;
}

absl::Status TorznabErrorStatus(int code, absl::string_view description) {
  const std::string message =
      absl::StrCat("Torznab error ", code, description.empty() ? "" : ": ", description);
  if (code >= 100 && code <= 102) {
    return absl::PermissionDeniedError(
        absl::StrCat("the indexer refused the API key (", message, "); check the API key"));
  }
  if (code >= 200 && code <= 203) {
    return absl::InvalidArgumentError(
        absl::StrCat("the indexer refused the query (", message, ")"));
  }
  if (code == 429) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the indexer asks to slow down (", message, ")"));
  }
  return absl::UnavailableError(absl::StrCat("the indexer failed (", message, ")"));
}

absl::StatusOr<TorznabCaps> ParseTorznabCaps(absl::string_view body) {
  pugi::xml_document doc;
  absl::StatusOr<pugi::xml_node> root = LoadRoot(body, doc);
  if (!root.ok()) return root.status();
  if (LocalName(root->name()) != "caps") {
    return absl::InvalidArgumentError(absl::StrCat(
        "the indexer's t=caps answer has <", root->name(),
        "> instead of <caps> (is the URL a Torznab feed?)"));
  }
  TorznabCaps caps;
  pugi::xml_node searching = root->child("searching");
  caps.search = ReadMode(searching.child("search"));
  caps.movie_search = ReadMode(searching.child("movie-search"));
  caps.tv_search = ReadMode(searching.child("tv-search"));
  for (pugi::xml_node category : root->child("categories").children("category")) {
    if (int id = category.attribute("id").as_int(0); id > 0) caps.categories.push_back(id);
    for (pugi::xml_node sub : category.children("subcat")) {
      if (int id = sub.attribute("id").as_int(0); id > 0) caps.categories.push_back(id);
    }
  }
  return caps;
}

absl::StatusOr<TorznabFeed> ParseTorznabFeed(absl::string_view body) {
  pugi::xml_document doc;
  absl::StatusOr<pugi::xml_node> root = LoadRoot(body, doc);
  if (!root.ok()) return root.status();
  pugi::xml_node channel = root->child("channel");
  if (LocalName(root->name()) != "rss" || !channel) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the indexer's search answer has <", root->name(),
        "> instead of an RSS channel (is the URL a Torznab feed?)"));
  }
  TorznabFeed feed;
  int position = 0;
  for (pugi::xml_node node : channel.children("item")) {
    ++position;
    TorznabItem item;
    item.title = std::string(absl::StripAsciiWhitespace(node.child_value("title")));
    item.guid = std::string(absl::StripAsciiWhitespace(node.child_value("guid")));
    item.link = std::string(absl::StripAsciiWhitespace(node.child_value("link")));
    if (pugi::xml_node enclosure = node.child("enclosure")) {
      std::string url = enclosure.attribute("url").as_string("");
      if (item.link.empty()) item.link = url;
      item.size_bytes = enclosure.attribute("length").as_llong(0);
    }
    int64_t size = 0;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(node.child_value("size")), &size) && size > 0) {
      item.size_bytes = size;
    }
    item.published_at = ParseRfc822(node.child_value("pubDate"));
    for (pugi::xml_node attr : node.children()) {
      if (LocalName(attr.name()) != "attr") continue;
      const std::string name = Lower(attr.attribute("name").as_string(""));
      absl::string_view value = absl::StripAsciiWhitespace(attr.attribute("value").as_string(""));
      int64_t number = 0;
      const bool numeric = absl::SimpleAtoi(value, &number);
      if (name == "seeders" && numeric) item.seeders = static_cast<int>(number);
      else if (name == "peers" && numeric) item.peers = static_cast<int>(number);
      else if (name == "size" && numeric && number > 0) item.size_bytes = number;
      else if (name == "infohash" && IsHex40(value)) item.info_hash = Lower(value);
      else if (name == "magneturl") item.magnet_url = std::string(value);
      else if (name == "imdb" || name == "imdbid") {
        if (item.imdb_id.empty()) item.imdb_id = NormalizeImdbId(value);
      } else if (name == "tvdbid" && numeric) item.tvdb_id = static_cast<int>(number);
      else if (name == "category" && numeric) item.categories.push_back(static_cast<int>(number));
    }
    if (item.magnet_url.empty() && absl::StartsWithIgnoreCase(item.link, "magnet:")) {
      item.magnet_url = item.link;
    }
    if (item.guid.empty()) item.guid = item.link;
    std::string problem;
    if (item.title.empty()) {
      problem = absl::StrCat("item ", position, " has no title");
    } else if (item.DownloadLink().empty()) {
      problem = absl::StrCat("item ", position, " (", item.title, ") has no link or magnet");
    }
    if (!problem.empty()) {
      ++feed.skipped;
      if (feed.problems.size() < kMaxProblems) feed.problems.push_back(problem);
      continue;
    }
    feed.items.push_back(std::move(item));
  }
  return feed;
}

std::optional<absl::Time> ParseRfc822(absl::string_view text) {
  // "Sat, 03 Feb 2024 10:00:00 +0100": the day name is optional.
  text = absl::StripAsciiWhitespace(text);
  if (size_t comma = text.find(','); comma != absl::string_view::npos) {
    text = absl::StripLeadingAsciiWhitespace(text.substr(comma + 1));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (parts.size() < 4) return std::nullopt;
  int day = 0, year = 0;
  const int month = Month(parts[1]);
  if (!absl::SimpleAtoi(parts[0], &day) || !absl::SimpleAtoi(parts[2], &year) || month == 0) {
    return std::nullopt;
  }
  std::vector<absl::string_view> hms = absl::StrSplit(parts[3], ':');
  int h = 0, m = 0, s = 0;
  if (hms.size() < 2 || !absl::SimpleAtoi(hms[0], &h) || !absl::SimpleAtoi(hms[1], &m) ||
      (hms.size() > 2 && !absl::SimpleAtoi(hms[2], &s))) {
    return std::nullopt;
  }
  int offset_minutes = 0;
  if (parts.size() > 4) {
    absl::string_view zone = parts[4];
    int hhmm = 0;
    if ((zone[0] == '+' || zone[0] == '-') && zone.size() == 5 &&
        absl::SimpleAtoi(zone.substr(1), &hhmm)) {
      offset_minutes = (hhmm / 100) * 60 + hhmm % 100;
      if (zone[0] == '-') offset_minutes = -offset_minutes;
    }
  }
  absl::CivilSecond civil(year, month, day, h, m, s);
  return absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(offset_minutes);
}

std::string NormalizeImdbId(absl::string_view text) {
  text = absl::StripAsciiWhitespace(text);
  absl::ConsumePrefix(&text, "tt");
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      })) {
    return "";
  }
  int64_t number = 0;
  if (!absl::SimpleAtoi(text, &number) || number <= 0) return "";
  std::string digits = absl::StrCat(number);
  if (digits.size() < 7) digits.insert(0, 7 - digits.size(), '0');
  return absl::StrCat("tt", digits);
}

}  // namespace kiosk::downloads::indexers
