#include "services/downloads/testing/qbittorrent_double.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "services/downloads/qbittorrent/info_hash.h"

namespace kiosk::downloads::testing {
namespace {

using kiosk::testing::TestHttpRequest;
using kiosk::testing::TestHttpResponse;

constexpr int64_t kInfiniteEta = 8640000;  // what qBittorrent sends when done
constexpr int kMaxFailedLogins = 5;

std::string RandomHex(int bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes);
  return absl::BytesToHexString(raw);
}

std::string Param(const TestHttpRequest& request, const std::string& name, bool* present = nullptr) {
  std::multimap<std::string, std::string> params =
      request.method == "GET" ? request.query : request.FormParams();
  auto it = params.find(name);
  if (present) *present = it != params.end();
  return it == params.end() ? "" : it->second;
}

std::string Bencode(const std::string& s) { return absl::StrCat(s.size(), ":", s); }

}  // namespace

struct QbittorrentDouble::Torrent {
  std::string hash;
  ReleaseSpec spec;
  std::string category;
  std::string tags;
  std::string save_path;
  int64_t size = 0;
  double downloaded = 0;
  double uploaded = 0;
  absl::Time added_on;
  absl::Time completion_on = absl::InfinitePast();
  absl::Duration meta_left;
  absl::Duration check_left;
  double seeding_seconds = 0;
  bool files_written = false;
  std::string forced_state;  // from ForceState or a fault
  std::string state = "metaDL";
  double ratio_limit = -2;
  int64_t seeding_time_limit = -2;
  bool stopped = false;
  int64_t dlspeed = 0;
  int64_t upspeed = 0;
};

QbittorrentDouble::QbittorrentDouble(QbittorrentDoubleOptions options)
    : options_(std::move(options)), server_(options_.threads) {
  webapi_ = !options_.webapi_version.empty() ? options_.webapi_version
            : options_.major == 4           ? "2.9.3"
                                            : "2.14.1";
  simulated_ = absl::FromUnixSeconds(1798000000);
  last_real_ = absl::Now();
}

QbittorrentDouble::~QbittorrentDouble() { server_.Stop(); }

absl::Status QbittorrentDouble::Start(int port) {
  Install();
  return server_.Start(port);
}
void QbittorrentDouble::Stop() { server_.Stop(); }
std::string QbittorrentDouble::Url() const { return server_.Url(); }
int QbittorrentDouble::port() const { return server_.port(); }

bool QbittorrentDouble::JsonAnswers() const {
  std::vector<std::string> parts = absl::StrSplit(webapi_, '.');
  int major = 0, minor = 0;
  if (parts.size() >= 2) {
    (void)absl::SimpleAtoi(parts[0], &major);
    (void)absl::SimpleAtoi(parts[1], &minor);
  }
  return major > 2 || (major == 2 && minor >= 14);
}

std::string QbittorrentDouble::StateName(const std::string& v5) const {
  if (options_.major >= 5) return v5;
  if (v5 == "stoppedUP") return "pausedUP";
  if (v5 == "stoppedDL") return "pausedDL";
  return v5;
}

void QbittorrentDouble::RegisterRelease(const std::string& hash, ReleaseSpec spec) {
  std::lock_guard<std::mutex> lock(mu_);
  releases_[hash] = std::move(spec);
}

std::string QbittorrentDouble::ServeTorrentFile(ReleaseSpec spec, std::string* hash) {
  std::string files;
  for (const auto& [path, size] : spec.files) {
    std::string segments;
    for (absl::string_view part : absl::StrSplit(path, '/')) segments += Bencode(std::string(part));
    files += absl::StrCat("d6:lengthi", size, "e4:pathl", segments, "ee");
  }
  const std::string info = absl::StrCat("d5:filesl", files, "e4:name", Bencode(spec.name),
                                        "12:piece lengthi16384e6:pieces0:e");
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(info.data()), info.size(), digest);
  *hash = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  const std::string body =
      absl::StrCat("d8:announce", Bencode("http://tracker.invalid/announce"), "4:info", info, "e");
  std::string path;
  {
    std::lock_guard<std::mutex> lock(mu_);
    path = absl::StrCat("/test/torrents/", ++served_files_, ".torrent");
    url_hashes_[server_.Url(path)] = *hash;
    releases_[*hash] = std::move(spec);
  }
  server_.Handle("GET", path, [body](const TestHttpRequest&) {
    TestHttpResponse response;
    response.body = body;
    response.content_type = "application/x-bittorrent";
    return response;
  });
  return server_.Url(path);
}

void QbittorrentDouble::AddTorrent(const std::string& hash, ReleaseSpec spec,
                                   const std::string& category, const std::string& save_path) {
  std::lock_guard<std::mutex> lock(mu_);
  auto t = std::make_unique<Torrent>();
  t->hash = hash;
  t->spec = std::move(spec);
  t->category = category;
  t->save_path = save_path;
  for (const auto& file : t->spec.files) t->size += file.second;
  t->added_on = simulated_;
  t->meta_left = absl::ZeroDuration();
  t->check_left = t->spec.check_time;
  t->state = "downloading";
  torrents_[hash] = std::move(t);
}

void QbittorrentDouble::Advance(absl::Duration duration) {
  std::lock_guard<std::mutex> lock(mu_);
  UpdateLocked();
  AdvanceLocked(duration);
}

void QbittorrentDouble::AdvanceLocked(absl::Duration duration) {
  simulated_ += duration;
  // Small steps, so a torrent crossing a phase or a fraction stops there.
  const absl::Duration step = absl::Seconds(1);
  for (auto& [hash, t] : torrents_) {
    absl::Duration left = duration;
    while (left > absl::ZeroDuration()) {
      absl::Duration dt = std::min(left, step);
      StepLocked(*t, dt);
      left -= dt;
    }
  }
}

void QbittorrentDouble::UpdateLocked() {
  if (!options_.realtime) return;
  absl::Time now = absl::Now();
  absl::Duration dt = (now - last_real_) * options_.time_scale;
  last_real_ = now;
  AdvanceLocked(dt);
}

void QbittorrentDouble::StepLocked(Torrent& t, absl::Duration dt) {
  const double seconds = absl::ToDoubleSeconds(dt);
  t.dlspeed = 0;
  t.upspeed = 0;
  if (!t.forced_state.empty()) {
    t.state = t.forced_state;
    return;
  }
  if (t.stopped) {
    t.state = t.downloaded >= t.size ? StateName("stoppedUP") : StateName("stoppedDL");
    return;
  }
  if (t.meta_left > absl::ZeroDuration()) {
    t.meta_left -= dt;
    t.state = "metaDL";
    return;
  }
  const double fraction = t.size > 0 ? t.downloaded / t.size : 1;
  if (t.spec.error_at && fraction >= *t.spec.error_at) {
    t.state = "error";
    return;
  }
  if (t.downloaded < t.size) {
    if (t.spec.stall_at && fraction >= *t.spec.stall_at) {
      t.state = "stalledDL";
      return;
    }
    const int64_t speed = t.spec.speed > 0 ? t.spec.speed : options_.default_speed;
    double next = std::min<double>(t.size, t.downloaded + speed * seconds);
    if (t.spec.stall_at) next = std::min(next, *t.spec.stall_at * t.size);
    if (t.spec.error_at) next = std::min(next, *t.spec.error_at * t.size);
    t.dlspeed = speed;
    t.downloaded = next;
    t.state = "downloading";
    if (t.downloaded < t.size) return;
  }
  // All pieces there: write the real files before anything says "complete".
  if (!t.files_written) {
    std::error_code ec;
    std::filesystem::path root = std::filesystem::path(DiskPath(t.save_path)) / t.spec.name;
    for (const auto& [path, size] : t.spec.files) {
      std::filesystem::path file = root / path;
      std::filesystem::create_directories(file.parent_path(), ec);
      std::ofstream out(file, std::ios::binary | std::ios::trunc);
      std::string block(64 * 1024, '\0');
      for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>('a' + (i + path.size()) % 26);
      for (int64_t left = size; left > 0; left -= static_cast<int64_t>(block.size())) {
        out.write(block.data(), static_cast<std::streamsize>(std::min<int64_t>(left, block.size())));
      }
    }
    t.files_written = true;
    t.completion_on = simulated_;
  }
  if (t.check_left > absl::ZeroDuration()) {
    t.check_left -= dt;
    t.state = "checkingUP";
    return;
  }
  if (t.spec.missing_files_when_done) {
    t.state = "missingFiles";
    return;
  }
  // Seeding until a share limit stops it.
  t.upspeed = (t.spec.speed > 0 ? t.spec.speed : options_.default_speed) / 2;
  t.uploaded += t.upspeed * seconds;
  t.seeding_seconds += seconds;
  t.state = "uploading";
  const double ratio = t.size > 0 ? t.uploaded / t.size : 0;
  if ((t.ratio_limit >= 0 && ratio >= t.ratio_limit) ||
      (t.seeding_time_limit >= 0 && t.seeding_seconds >= t.seeding_time_limit * 60.0)) {
    t.stopped = true;
    t.state = StateName("stoppedUP");
  }
}

void QbittorrentDouble::Vanish(const std::string& hash) {
  std::lock_guard<std::mutex> lock(mu_);
  torrents_.erase(hash);
}

void QbittorrentDouble::ForceState(const std::string& hash, const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = torrents_.find(hash);
  if (it != torrents_.end()) {
    it->second->forced_state = state;
    it->second->state = state;
  }
}

void QbittorrentDouble::RefuseAdds(bool refuse) {
  std::lock_guard<std::mutex> lock(mu_);
  refuse_adds_ = refuse;
}

void QbittorrentDouble::ExpireSessions() {
  std::lock_guard<std::mutex> lock(mu_);
  sessions_.clear();
}

std::optional<DoubleTorrent> QbittorrentDouble::Find(const std::string& hash) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = torrents_.find(hash);
  if (it == torrents_.end()) return std::nullopt;
  const Torrent& t = *it->second;
  return DoubleTorrent{.hash = t.hash,
                       .name = t.spec.name,
                       .state = t.state,
                       .category = t.category,
                       .tags = t.tags,
                       .save_path = t.save_path,
                       .size = t.size,
                       .downloaded = static_cast<int64_t>(t.downloaded),
                       .files_written = t.files_written,
                       .ratio_limit = t.ratio_limit,
                       .seeding_time_limit = t.seeding_time_limit};
}

size_t QbittorrentDouble::torrent_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return torrents_.size();
}
int QbittorrentDouble::logins() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logins_;
}
int QbittorrentDouble::add_calls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return add_calls_;
}

bool QbittorrentDouble::LoggedIn(const TestHttpRequest& request) const {
  for (absl::string_view cookie : absl::StrSplit(request.Header("cookie"), ';')) {
    cookie = absl::StripAsciiWhitespace(cookie);
    if (absl::ConsumePrefix(&cookie, options_.cookie_name + "=") &&
        sessions_.count(std::string(cookie)) > 0) {
      return true;
    }
  }
  return false;
}

void QbittorrentDouble::Install() {
  server_.HandlePrefix("*", "/api/v2/",
                       [this](const TestHttpRequest& request) { return Route(request); });
}

TestHttpResponse QbittorrentDouble::Route(const TestHttpRequest& request) {
  const std::string& path = request.path;
  // The WebAPI answers 405 to the wrong method (since 4.4.4).
  static const std::set<std::string> kPost = {
      "/api/v2/auth/login",        "/api/v2/auth/logout",       "/api/v2/torrents/add",
      "/api/v2/torrents/delete",   "/api/v2/torrents/stop",     "/api/v2/torrents/start",
      "/api/v2/torrents/pause",    "/api/v2/torrents/resume",   "/api/v2/torrents/setShareLimits"};
  const bool wants_post = kPost.count(path) > 0;
  if ((wants_post && request.method != "POST") || (!wants_post && request.method != "GET")) {
    TestHttpResponse response = TestHttpResponse::Text("Method Not Allowed", 405);
    return response;
  }
  std::lock_guard<std::mutex> lock(mu_);
  UpdateLocked();

  if (path == "/api/v2/auth/login") {
    // CSRF protection: Origin/Referer must name the host asked.
    const std::string host = request.Header("host");
    for (const char* header : {"origin", "referer"}) {
      std::string value = request.Header(header);
      if (value.empty()) continue;
      absl::string_view rest = value;
      absl::ConsumePrefix(&rest, "http://");
      absl::ConsumePrefix(&rest, "https://");
      if (!absl::StartsWith(rest, host)) return TestHttpResponse::Text("Unauthorized", 401);
    }
    if (failed_logins_ >= kMaxFailedLogins) {
      return TestHttpResponse::Text(
          "Your IP address has been banned after too many failed authentication attempts.", 403);
    }
    if (Param(request, "username") != options_.username ||
        Param(request, "password") != options_.password) {
      ++failed_logins_;
      return JsonAnswers() ? TestHttpResponse::Text("Fails.", 401) : TestHttpResponse::Text("Fails.");
    }
    ++logins_;
    const std::string sid = RandomHex(16);
    sessions_.insert(sid);
    TestHttpResponse response = TestHttpResponse::Text("Ok.");
    response.headers.push_back(
        {"Set-Cookie", absl::StrCat(options_.cookie_name, "=", sid, "; HttpOnly; SameSite=Strict; path=/")});
    return response;
  }
  if (!LoggedIn(request)) return TestHttpResponse::Text("Forbidden", 403);

  if (path == "/api/v2/auth/logout") return TestHttpResponse::Text("");
  if (path == "/api/v2/app/webapiVersion") return TestHttpResponse::Text(webapi_);
  if (path == "/api/v2/app/version") {
    return TestHttpResponse::Text(options_.major == 4 ? "v4.6.7" : "v5.1.0");
  }

  if (path == "/api/v2/torrents/add") {
    ++add_calls_;
    const bool json = JsonAnswers();
    int added = 0, failed = 0;
    std::vector<std::string> ids;
    std::string save_path = Param(request, "savepath");
    if (save_path.empty()) save_path = options_.download_dir;
    bool stopped = Param(request, options_.major >= 5 ? "stopped" : "paused") == "true";
    for (absl::string_view url : absl::StrSplit(Param(request, "urls"), '\n', absl::SkipEmpty())) {
      std::string source(absl::StripAsciiWhitespace(url));
      if (refuse_adds_) {
        ++failed;
        continue;
      }
      std::string hash;
      ReleaseSpec spec;
      if (qbittorrent::IsMagnet(source)) {
        absl::StatusOr<std::string> h = qbittorrent::InfoHashFromMagnet(source);
        if (!h.ok()) {
          ++failed;
          continue;
        }
        hash = *h;
        auto known = releases_.find(hash);
        if (known != releases_.end()) {
          spec = known->second;
        } else {
          spec.name = qbittorrent::MagnetDisplayName(source);
          if (spec.name.empty()) spec.name = hash;
          spec.files = {{spec.name + ".mkv", options_.default_size}};
        }
      } else if (auto it = url_hashes_.find(source); it != url_hashes_.end()) {
        hash = it->second;
        spec = releases_[hash];
      } else {
        ++failed;
        continue;
      }
      if (torrents_.count(hash) > 0) {  // qBittorrent refuses a duplicate
        ++failed;
        continue;
      }
      auto t = std::make_unique<Torrent>();
      t->hash = hash;
      t->spec = spec;
      t->category = Param(request, "category");
      t->tags = Param(request, "tags");
      t->save_path = save_path;
      for (const auto& file : spec.files) t->size += file.second;
      t->added_on = simulated_;
      t->meta_left = qbittorrent::IsMagnet(source) ? options_.metadata_time : absl::ZeroDuration();
      t->check_left = spec.check_time;
      t->stopped = stopped;
      std::string ratio = Param(request, "ratioLimit");
      if (!ratio.empty()) (void)absl::SimpleAtod(ratio, &t->ratio_limit);
      std::string minutes = Param(request, "seedingTimeLimit");
      if (!minutes.empty()) (void)absl::SimpleAtoi(minutes, &t->seeding_time_limit);
      torrents_[hash] = std::move(t);
      ids.push_back(hash);
      ++added;
    }
    if (!json) return TestHttpResponse::Text(added > 0 ? "Ok." : "Fails.");
    nlohmann::json answer = {{"success_count", added},
                             {"failure_count", failed},
                             {"pending_count", 0},
                             {"added_torrent_ids", ids}};
    return TestHttpResponse::Json(answer.dump(), added == 0 ? 409 : 200);
  }

  if (path == "/api/v2/torrents/info") {
    std::set<std::string> wanted;
    std::string hashes = Param(request, "hashes");
    for (absl::string_view h : absl::StrSplit(hashes, '|', absl::SkipEmpty())) wanted.insert(std::string(h));
    bool has_category = false;
    const std::string category = Param(request, "category", &has_category);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [hash, t] : torrents_) {
      if (!hashes.empty() && hashes != "all" && wanted.count(hash) == 0) continue;
      if (has_category && t->category != category) continue;
      const double progress = t->size > 0 ? t->downloaded / t->size : 1;
      const int64_t speed = t->dlspeed;
      const int64_t left = t->size - static_cast<int64_t>(t->downloaded);
      const bool done = t->files_written;
      const std::string content = t->save_path + "/" + t->spec.name;
      list.push_back({{"hash", hash},
                      {"infohash_v1", hash.size() == 40 ? hash : ""},
                      {"name", t->spec.name},
                      {"magnet_uri", "magnet:?xt=urn:btih:" + hash},
                      {"size", t->size},
                      {"total_size", t->size},
                      {"progress", progress},
                      {"dlspeed", speed},
                      {"upspeed", t->upspeed},
                      {"eta", done ? kInfiniteEta : (speed > 0 ? left / speed : kInfiniteEta)},
                      {"state", t->state},
                      {"category", t->category},
                      {"tags", t->tags},
                      {"save_path", t->save_path},
                      {"download_path", ""},
                      {"content_path", content},
                      {"root_path", content},
                      {"added_on", absl::ToUnixSeconds(t->added_on)},
                      {"completion_on", done ? absl::ToUnixSeconds(t->completion_on) : -1},
                      {"amount_left", left},
                      {"completed", static_cast<int64_t>(t->downloaded)},
                      {"downloaded", static_cast<int64_t>(t->downloaded)},
                      {"uploaded", static_cast<int64_t>(t->uploaded)},
                      {"ratio", t->size > 0 ? t->uploaded / t->size : 0},
                      {"ratio_limit", t->ratio_limit},
                      {"seeding_time", static_cast<int64_t>(t->seeding_seconds)},
                      {"seeding_time_limit", t->seeding_time_limit},
                      {"max_ratio", -1},
                      {"max_seeding_time", -1},
                      {"num_seeds", speed > 0 ? 12 : 0},
                      {"num_leechs", 3},
                      {"availability", speed > 0 ? 1.5 : 0},
                      {"auto_tmm", false},
                      {"private", false},
                      {"has_metadata", t->meta_left <= absl::ZeroDuration()},
                      {"tracker", ""}});
    }
    return TestHttpResponse::Json(list.dump());
  }

  if (path == "/api/v2/torrents/properties" || path == "/api/v2/torrents/files") {
    auto it = torrents_.find(Param(request, "hash"));
    if (it == torrents_.end()) return TestHttpResponse::Text("Not Found", 404);
    const Torrent& t = *it->second;
    if (path == "/api/v2/torrents/properties") {
      return TestHttpResponse::Json(nlohmann::json{{"save_path", t.save_path},
                                                   {"creation_date", absl::ToUnixSeconds(t.added_on)},
                                                   {"piece_size", 16384},
                                                   {"total_size", t.size},
                                                   {"total_downloaded", static_cast<int64_t>(t.downloaded)},
                                                   {"total_uploaded", static_cast<int64_t>(t.uploaded)},
                                                   {"seeding_time", static_cast<int64_t>(t.seeding_seconds)},
                                                   {"nb_connections", 4}}
                                        .dump());
    }
    nlohmann::json files = nlohmann::json::array();
    if (t.meta_left <= absl::ZeroDuration()) {  // [] before metadata
      int index = 0;
      const double progress = t.size > 0 ? t.downloaded / t.size : 1;
      for (const auto& [name, size] : t.spec.files) {
        files.push_back({{"index", index++},
                         {"name", t.spec.name + "/" + name},
                         {"size", size},
                         {"progress", progress},
                         {"priority", 1},
                         {"is_seed", t.files_written},
                         {"piece_range", {0, 1}},
                         {"availability", 1}});
      }
    }
    return TestHttpResponse::Json(files.dump());
  }

  std::vector<std::string> hashes;
  bool has_hashes = false;
  const std::string hash_list = Param(request, "hashes", &has_hashes);
  if (hash_list == "all") {
    for (const auto& [hash, t] : torrents_) hashes.push_back(hash);
  } else {
    hashes = absl::StrSplit(hash_list, '|', absl::SkipEmpty());
  }

  if (path == "/api/v2/torrents/delete") {
    bool has_delete_files = false;
    const std::string delete_files = Param(request, "deleteFiles", &has_delete_files);
    if (!has_hashes || !has_delete_files) return TestHttpResponse::Text("Missing parameter", 400);
    for (const std::string& hash : hashes) {
      auto it = torrents_.find(hash);
      if (it == torrents_.end()) continue;
      if (delete_files == "true") {
        std::error_code ec;
        std::filesystem::remove_all(
            std::filesystem::path(DiskPath(it->second->save_path)) / it->second->spec.name, ec);
      }
      torrents_.erase(it);
    }
    return TestHttpResponse::Text("");
  }
  const bool v5 = options_.major >= 5;
  if ((path == "/api/v2/torrents/stop" && v5) || (path == "/api/v2/torrents/pause" && !v5) ||
      (path == "/api/v2/torrents/start" && v5) || (path == "/api/v2/torrents/resume" && !v5)) {
    const bool stop = absl::EndsWith(path, "stop") || absl::EndsWith(path, "pause");
    for (const std::string& hash : hashes) {
      auto it = torrents_.find(hash);
      if (it == torrents_.end()) continue;
      it->second->stopped = stop;
      StepLocked(*it->second, absl::ZeroDuration());
    }
    return TestHttpResponse::Text("");
  }
  if (path == "/api/v2/torrents/setShareLimits") {
    bool has_ratio = false, has_time = false, has_inactive = false;
    const std::string ratio = Param(request, "ratioLimit", &has_ratio);
    const std::string minutes = Param(request, "seedingTimeLimit", &has_time);
    Param(request, "inactiveSeedingTimeLimit", &has_inactive);
    if (!has_hashes || !has_ratio || !has_time || !has_inactive) {
      return TestHttpResponse::Text("Missing parameter", 400);
    }
    for (const std::string& hash : hashes) {
      auto it = torrents_.find(hash);
      if (it == torrents_.end()) continue;
      (void)absl::SimpleAtod(ratio, &it->second->ratio_limit);
      (void)absl::SimpleAtoi(minutes, &it->second->seeding_time_limit);
    }
    return TestHttpResponse::Text("");
  }
  return TestHttpResponse::Text("Not Found", 404);
}

std::string QbittorrentDouble::DiskPath(const std::string& save_path) const {
  const std::string& root = options_.path_root;
  if (root.empty() || options_.disk_root.empty()) return save_path;
  const bool under = save_path == root || (save_path.size() > root.size() &&
                                           save_path.compare(0, root.size(), root) == 0 &&
                                           save_path[root.size()] == '/');
  return under ? options_.disk_root + save_path.substr(root.size()) : save_path;
}

}  // namespace kiosk::downloads::testing
