#include "services/plex/testing/plex_double.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace kiosk::plex::testing {
namespace {

using kiosk::testing::TestHttpRequest;
using kiosk::testing::TestHttpResponse;
using nlohmann::json;

constexpr int64_t kAddedBase = 1700000000;  // 2023-11-14
constexpr char kMovieRoot[] = "/data/movies";
constexpr char kTvRoot[] = "/data/tv";

// What real Plex sends with a 401.
constexpr char kUnauthorizedBody[] =
    "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>";

std::string Hex24(uint64_t seed) {
  return absl::StrFormat("%024x", seed * 2654435761u + 0x5d776824f5411200ull);
}

json GuidArray(const std::vector<std::string>& children) {
  json array = json::array();
  for (const std::string& id : children) array.push_back({{"id", id}});
  return array;
}

json MediaWithFile(const std::string& file, int64_t part_id) {
  return json::array({{{"id", part_id},
                       {"duration", 6787605},
                       {"videoResolution", "1080"},
                       {"container", "mkv"},
                       {"Part", json::array({{{"id", part_id},
                                              {"key", absl::StrCat("/library/parts/", part_id,
                                                                   "/1540562456/file.mkv")},
                                              {"file", file},
                                              {"size", 8534411908},
                                              {"container", "mkv"}}})}}});
}

int64_t KeyNumber(const std::string& key) {
  int64_t n = 0;
  return absl::SimpleAtoi(key, &n) ? n : 0;
}

}  // namespace

struct PlexDouble::Node {
  std::string key;
  std::string type;  // movie, show, season, episode
  int section_id = 0;
  std::string parent_key;
  std::string grandparent_key;
  int index = 0;
  int64_t added_at = 0;
  std::string file;
  bool hidden = false;
  std::string with_guids;     // rendered Metadata entry, Guid[] included
  std::string without_guids;  // the same without Guid[]
};

PlexDouble::PlexDouble(PlexDoubleOptions options)
    : options_(std::move(options)), server_(options_.threads) {
  for (int i = 1; i <= options_.movies; ++i) AddMovie(GeneratedMovie(i));
  for (int j = 1; j <= options_.shows; ++j) {
    AddShow(GeneratedShow(j, options_.seasons_per_show, options_.episodes_per_season));
  }
  server_.HandlePrefix("*", "/", [this](const TestHttpRequest& r) { return Serve(r); });
}

PlexDouble::~PlexDouble() { Stop(); }

absl::Status PlexDouble::Start() { return server_.Start(options_.port); }
void PlexDouble::Stop() { server_.Stop(); }
std::string PlexDouble::Url() const { return server_.Url(); }
int PlexDouble::port() const { return server_.port(); }
std::vector<TestHttpRequest> PlexDouble::requests() const { return server_.requests(); }
void PlexDouble::ClearRequests() { server_.ClearRequests(); }

std::string PlexDouble::GeneratedMovieImdb(int i) { return absl::StrFormat("tt%07d", 1000000 + i); }

DoubleMovie PlexDouble::GeneratedMovie(int i) {
  DoubleMovie movie;
  movie.rating_key = std::to_string(100000 + i);
  movie.title = absl::StrCat("Generated Movie ", i);
  if (i % 3 == 0) movie.original_title = absl::StrCat("Film généré ", i);
  movie.year = 1950 + i % 70;
  const std::string imdb = GeneratedMovieImdb(i);
  const int tmdb = GeneratedMovieTmdb(i);
  if (i % 5 == 0) {
    movie.guid = absl::StrCat("com.plexapp.agents.imdb://", imdb, "?lang=en");
  } else if (i % 11 == 0) {
    movie.guid = absl::StrCat("com.plexapp.agents.themoviedb://", tmdb, "?lang=en");
  } else {
    movie.guid = absl::StrCat("plex://movie/", Hex24(i));
    movie.guid_children = {absl::StrCat("imdb://", imdb), absl::StrCat("tmdb://", tmdb)};
    if (i % 7 == 0) movie.guid_children.push_back(absl::StrCat("tvdb://", 700000 + i));
  }
  movie.file = absl::StrCat(kMovieRoot, "/", movie.title, " (", movie.year, ")/Generated.Movie.",
                            i, ".", movie.year, ".1080p.mkv");
  movie.added_at = kAddedBase + int64_t{i} * 60;
  movie.updated_at = movie.added_at + 100;
  return movie;
}

DoubleShow PlexDouble::GeneratedShow(int j, int seasons, int episodes_per_season) {
  DoubleShow show;
  const int64_t key = 1000000 + int64_t{j} * 1000;
  show.rating_key = std::to_string(key);
  show.title = absl::StrCat("Generated Show ", j);
  show.year = 1990 + j % 30;
  const int tvdb = GeneratedShowTvdb(j);
  if (j % 4 == 0) {
    show.guid = absl::StrCat("com.plexapp.agents.thetvdb://", tvdb, "?lang=en");
  } else {
    show.guid = absl::StrCat("plex://show/", Hex24(key));
    show.guid_children = {absl::StrFormat("imdb://tt%07d", 2000000 + j),
                          absl::StrCat("tmdb://", GeneratedShowTmdb(j)),
                          absl::StrCat("tvdb://", tvdb)};
  }
  show.added_at = kAddedBase + int64_t{j} * 90;
  show.updated_at = show.added_at + 100;
  for (int s = 1; s <= seasons; ++s) {
    DoubleSeason season{.rating_key = std::to_string(key + 100 * s), .index = s, .episodes = {}};
    for (int e = 1; e <= episodes_per_season; ++e) {
      season.episodes.push_back(
          {.rating_key = std::to_string(key + 100 * s + e),
           .index = e,
           .file = absl::StrFormat("%s/%s/Season %02d/%s - S%02dE%02d.mkv", kTvRoot, show.title, s,
                                   show.title, s, e),
           .added_at = show.added_at + s * 10 + e});
    }
    show.seasons.push_back(std::move(season));
  }
  return show;
}

void PlexDouble::Insert(Node node) {
  // Caller holds mu_.
  if (nodes_.count(node.key) == 0) order_.push_back(node.key);
  nodes_[node.key] = std::move(node);
}

void PlexDouble::AddMovie(const DoubleMovie& movie, bool hidden) {
  json m = {{"ratingKey", movie.rating_key},
            {"key", absl::StrCat("/library/metadata/", movie.rating_key)},
            {"guid", movie.guid},
            {"librarySectionID", movie.section_id},
            {"type", "movie"},
            {"title", movie.title},
            {"year", movie.year},
            {"addedAt", movie.added_at},
            {"updatedAt", movie.updated_at},
            {"Media", MediaWithFile(movie.file, KeyNumber(movie.rating_key))}};
  if (movie.original_title) m["originalTitle"] = *movie.original_title;
  Node node{.key = movie.rating_key,
            .type = "movie",
            .section_id = movie.section_id,
            .parent_key = "",
            .grandparent_key = "",
            .index = 0,
            .added_at = movie.added_at,
            .file = movie.file,
            .hidden = hidden,
            .with_guids = "",
            .without_guids = m.dump()};
  if (!movie.guid_children.empty()) m["Guid"] = GuidArray(movie.guid_children);
  node.with_guids = m.dump();
  std::lock_guard<std::mutex> lock(mu_);
  Insert(std::move(node));
}

void PlexDouble::AddShow(const DoubleShow& show, bool hidden) {
  std::vector<Node> nodes;
  json s = {{"ratingKey", show.rating_key},
            {"key", absl::StrCat("/library/metadata/", show.rating_key, "/children")},
            {"guid", show.guid},
            {"librarySectionID", show.section_id},
            {"type", "show"},
            {"title", show.title},
            {"year", show.year},
            {"childCount", show.seasons.size()},
            {"addedAt", show.added_at},
            {"updatedAt", show.updated_at}};
  Node show_node{.key = show.rating_key,
                 .type = "show",
                 .section_id = show.section_id,
                 .parent_key = "",
                 .grandparent_key = "",
                 .index = 0,
                 .added_at = show.added_at,
                 .file = "",
                 .hidden = hidden,
                 .with_guids = "",
                 .without_guids = s.dump()};
  if (!show.guid_children.empty()) s["Guid"] = GuidArray(show.guid_children);
  show_node.with_guids = s.dump();
  nodes.push_back(std::move(show_node));
  for (const DoubleSeason& season : show.seasons) {
    json se = {{"ratingKey", season.rating_key},
               {"key", absl::StrCat("/library/metadata/", season.rating_key, "/children")},
               {"parentRatingKey", show.rating_key},
               {"guid", absl::StrCat("plex://season/", Hex24(KeyNumber(season.rating_key)))},
               {"parentGuid", show.guid},
               {"librarySectionID", show.section_id},
               {"type", "season"},
               {"title", absl::StrCat("Season ", season.index)},
               {"parentTitle", show.title},
               {"index", season.index},
               {"leafCount", season.episodes.size()},
               {"addedAt", show.added_at}};
    std::string rendered = se.dump();
    nodes.push_back(Node{.key = season.rating_key,
                         .type = "season",
                         .section_id = show.section_id,
                         .parent_key = show.rating_key,
                         .grandparent_key = "",
                         .index = season.index,
                         .added_at = show.added_at,
                         .file = "",
                         .hidden = hidden,
                         .with_guids = rendered,
                         .without_guids = rendered});
    for (const DoubleEpisode& episode : season.episodes) {
      json e = {{"ratingKey", episode.rating_key},
                {"key", absl::StrCat("/library/metadata/", episode.rating_key)},
                {"parentRatingKey", season.rating_key},
                {"grandparentRatingKey", show.rating_key},
                {"guid", absl::StrCat("plex://episode/", Hex24(KeyNumber(episode.rating_key)))},
                {"parentGuid", se["guid"]},
                {"grandparentGuid", show.guid},
                {"librarySectionID", show.section_id},
                {"type", "episode"},
                {"title", absl::StrCat("Episode ", episode.index)},
                {"grandparentTitle", show.title},
                {"parentTitle", absl::StrCat("Season ", season.index)},
                {"index", episode.index},
                {"parentIndex", season.index},
                {"addedAt", episode.added_at},
                {"updatedAt", episode.added_at},
                {"Media", MediaWithFile(episode.file, KeyNumber(episode.rating_key))}};
      std::string ep = e.dump();
      nodes.push_back(Node{.key = episode.rating_key,
                           .type = "episode",
                           .section_id = show.section_id,
                           .parent_key = season.rating_key,
                           .grandparent_key = show.rating_key,
                           .index = episode.index,
                           .added_at = episode.added_at,
                           .file = episode.file,
                           .hidden = hidden,
                           .with_guids = ep,
                           .without_guids = ep});
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (Node& node : nodes) Insert(std::move(node));
}

void PlexDouble::RemoveLocked(const std::string& key) {
  std::vector<std::string> doomed = {key};
  for (const auto& [k, node] : nodes_) {
    if (node.parent_key == key || node.grandparent_key == key) doomed.push_back(k);
  }
  for (const std::string& k : doomed) nodes_.erase(k);
  order_.erase(std::remove_if(order_.begin(), order_.end(),
                              [&](const std::string& k) { return nodes_.count(k) == 0; }),
               order_.end());
}

bool PlexDouble::Remove(const std::string& rating_key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (nodes_.count(rating_key) == 0) return false;
  RemoveLocked(rating_key);
  return true;
}

bool PlexDouble::Rename(const std::string& rating_key, const std::string& title,
                        int64_t updated_at) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(rating_key);
  if (it == nodes_.end()) return false;
  for (std::string* rendered : {&it->second.with_guids, &it->second.without_guids}) {
    json m = json::parse(*rendered);
    m["title"] = title;
    m["updatedAt"] = updated_at;
    *rendered = m.dump();
  }
  return true;
}

int PlexDouble::item_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(std::count_if(nodes_.begin(), nodes_.end(),
                                        [](const auto& entry) { return !entry.second.hidden; }));
}

void PlexDouble::FailNext(int count, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_next_ = count;
  fail_next_status_ = status;
}

void PlexDouble::FailAll(int status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_all_status_ = status;
}

void PlexDouble::SetGarbage(bool garbage) {
  std::lock_guard<std::mutex> lock(mu_);
  garbage_ = garbage;
}

void PlexDouble::SetDelay(absl::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ = delay;
}

void PlexDouble::SetListingHook(std::function<void(int, int)> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  listing_hook_ = std::move(hook);
}

std::vector<RefreshCall> PlexDouble::refresh_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refresh_calls_;
}

TestHttpResponse PlexDouble::Serve(const TestHttpRequest& request) {
  absl::Duration delay;
  {
    std::lock_guard<std::mutex> lock(mu_);
    delay = delay_;
    int status = fail_all_status_;
    if (status == 0 && fail_next_ > 0) {
      --fail_next_;
      status = fail_next_status_;
    }
    if (status != 0) {
      TestHttpResponse failed = TestHttpResponse::Text("Internal Server Error", status);
      failed.delay = delay;
      return failed;
    }
    if (garbage_) {
      TestHttpResponse html = TestHttpResponse::Text("<html><body>502 Bad Gateway</body></html>");
      html.content_type = "text/html";
      html.delay = delay;
      return html;
    }
  }
  std::string token = request.Header("X-Plex-Token");
  if (token.empty()) token = request.QueryParam("X-Plex-Token");
  if (token != options_.token) {
    TestHttpResponse denied = TestHttpResponse::Text(kUnauthorizedBody, 401);
    denied.content_type = "text/html";
    return denied;
  }
  TestHttpResponse response = TestHttpResponse::Json("{}", 404);
  std::vector<std::string> parts = absl::StrSplit(request.path, '/', absl::SkipEmpty());
  if (request.path == "/identity") {
    response = TestHttpResponse::Json(
        R"({"MediaContainer":{"size":0,"claimed":true,"machineIdentifier":"plex-double-0001",)"
        R"("version":"1.40.2.8395-c67dce28e"}})");
  } else if (request.path == "/library/sections" || request.path == "/library/sections/") {
    json dirs = json::array();
    dirs.push_back({{"key", "1"},
                    {"type", "movie"},
                    {"title", "Movies"},
                    {"agent", "tv.plex.agents.movie"},
                    {"language", "en-US"},
                    {"Location", json::array({{{"id", 1}, {"path", kMovieRoot}}})}});
    dirs.push_back({{"key", "2"},
                    {"type", "show"},
                    {"title", "TV Shows"},
                    {"agent", "tv.plex.agents.series"},
                    {"language", "en-US"},
                    {"Location", json::array({{{"id", 2}, {"path", kTvRoot}}})}});
    response = TestHttpResponse::Json(
        json{{"MediaContainer", {{"size", 2}, {"title1", "Plex Library"}, {"Directory", dirs}}}}
            .dump());
  } else if (parts.size() == 4 && parts[0] == "library" && parts[1] == "sections") {
    int section = 0;
    if (absl::SimpleAtoi(parts[2], &section) && (section == 1 || section == 2)) {
      if (parts[3] == "all") response = Listing(request, section);
      if (parts[3] == "refresh") response = Refresh(request, section);
    }
  } else if ((parts.size() == 3 || parts.size() == 4) && parts[0] == "library" &&
             parts[1] == "metadata") {
    if (parts.size() == 3 || parts[3] == "children") {
      response = Metadata(parts[2], parts.size() == 4);
    }
  }
  response.delay = delay;
  return response;
}

TestHttpResponse PlexDouble::Listing(const TestHttpRequest& request, int section_id) {
  auto param = [&](const char* name) {
    std::string value = request.Header(name);
    return value.empty() ? request.QueryParam(name) : value;
  };
  int start = 0, size = 1 << 30, type = 0;
  int64_t added_since = 0;
  (void)absl::SimpleAtoi(param("X-Plex-Container-Start"), &start);
  if (!param("X-Plex-Container-Size").empty()) {
    (void)absl::SimpleAtoi(param("X-Plex-Container-Size"), &size);
  }
  (void)absl::SimpleAtoi(request.QueryParam("type"), &type);
  (void)absl::SimpleAtoi(request.QueryParam("addedAt>>"), &added_since);
  const bool newest_first = request.QueryParam("sort") == "addedAt:desc";
  const bool guids = request.QueryParam("includeGuids") == "1";
  if (type == 0) type = section_id == 1 ? 1 : 2;
  const char* wanted = type == 1 ? "movie" : type == 2 ? "show" : type == 3 ? "season" : "episode";

  std::function<void(int, int)> hook;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hook = listing_hook_;
  }
  if (hook) hook(section_id, start);

  std::lock_guard<std::mutex> lock(mu_);
  std::vector<const Node*> matching;
  for (const std::string& key : order_) {
    const Node& node = nodes_.at(key);
    if (node.section_id == section_id && node.type == wanted && !node.hidden &&
        node.added_at > added_since) {
      matching.push_back(&node);
    }
  }
  if (newest_first) {
    std::stable_sort(matching.begin(), matching.end(),
                     [](const Node* a, const Node* b) { return a->added_at > b->added_at; });
  }
  const int total = static_cast<int>(matching.size());
  start = std::clamp(start, 0, total);
  const int end = static_cast<int>(std::min<int64_t>(total, int64_t{start} + std::max(size, 0)));
  std::string body = absl::StrCat(R"({"MediaContainer":{"size":)", end - start,
                                  R"(,"totalSize":)", total, R"(,"offset":)", start,
                                  R"(,"librarySectionID":)", section_id,
                                  R"(,"librarySectionTitle":")",
                                  section_id == 1 ? "Movies" : "TV Shows", R"(","viewGroup":")",
                                  wanted, "\"");
  if (end > start) {
    body += R"(,"Metadata":[)";
    for (int i = start; i < end; ++i) {
      if (i > start) body += ',';
      body += guids ? matching[i]->with_guids : matching[i]->without_guids;
    }
    body += ']';
  }
  body += "}}";
  TestHttpResponse response = TestHttpResponse::Json(std::move(body));
  response.headers.push_back({"X-Plex-Container-Start", std::to_string(start)});
  response.headers.push_back({"X-Plex-Container-Total-Size", std::to_string(total)});
  return response;
}

TestHttpResponse PlexDouble::Metadata(const std::string& key, bool children) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = nodes_.find(key);
  if (it == nodes_.end() || it->second.hidden) return TestHttpResponse::Json("{}", 404);
  std::vector<const Node*> items;
  if (!children) {
    items.push_back(&it->second);
  } else {
    for (const std::string& k : order_) {
      const Node& node = nodes_.at(k);
      if (node.parent_key == key && !node.hidden) items.push_back(&node);
    }
  }
  std::string body = absl::StrCat(R"({"MediaContainer":{"size":)", items.size(),
                                  R"(,"librarySectionID":)", it->second.section_id);
  if (!items.empty()) {
    body += R"(,"Metadata":[)";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) body += ',';
      body += items[i]->with_guids;
    }
    body += ']';
  }
  body += "}}";
  return TestHttpResponse::Json(std::move(body));
}

TestHttpResponse PlexDouble::Refresh(const TestHttpRequest& request, int section_id) {
  std::string path = request.QueryParam("path");
  std::lock_guard<std::mutex> lock(mu_);
  refresh_calls_.push_back({section_id, path});
  auto covers = [&](const std::string& file) {
    return path.empty() ||
           (absl::StartsWith(file, path) && (file.size() == path.size() || path.back() == '/' ||
                                             file[path.size()] == '/'));
  };
  for (auto& [key, node] : nodes_) {
    if (!node.hidden || node.section_id != section_id || !covers(node.file)) continue;
    node.hidden = false;
    for (const std::string& up : {node.parent_key, node.grandparent_key}) {
      if (auto parent = nodes_.find(up); parent != nodes_.end()) parent->second.hidden = false;
    }
  }
  return TestHttpResponse::Text("");
}

}  // namespace kiosk::plex::testing
