#include "services/downloads/qbittorrent/qbittorrent_client.h"

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/status_macros.h"
#include "nlohmann/json.hpp"
#include "services/downloads/qbittorrent/info_hash.h"

namespace kiosk::downloads::qbittorrent {
namespace {

constexpr char kCredentialsHint[] =
    "qBittorrent refused the user name or password: check the settings qbittorrent.username "
    "and qbittorrent.password";

std::string Trimmed(const std::string& body) {
  return std::string(absl::StripAsciiWhitespace(body));
}

template <typename T>
T Field(const nlohmann::json& object, const char* key, T fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

}  // namespace

QbittorrentClient::QbittorrentClient(http::HttpClient& http, QbittorrentConfig config)
    : inner_(http), config_(std::move(config)), http_(inner_, jar_) {
  base_ = std::string(absl::StripSuffix(config_.url, "/"));
  absl::StatusOr<http::UrlParts> parts = http::ParseUrl(base_);
  if (parts.ok()) origin_ = parts->Origin();
}

absl::Status QbittorrentClient::Login() {
  std::lock_guard<std::mutex> lock(login_mu_);
  return LoginLocked();
}

absl::Status QbittorrentClient::LoginLocked() {
  if (origin_.empty()) {
    return absl::FailedPreconditionError(
        "the setting qbittorrent.url is not an http(s) URL such as http://qbittorrent:8080");
  }
  logged_in_ = false;
  jar_.Clear();
  absl::StatusOr<http::HttpResponse> response = http_.Send(
      {.method = "POST",
       .url = base_ + "/api/v2/auth/login",
       .headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                   {"Referer", origin_ + "/"},
                   {"Origin", origin_}},
       .body = http::FormEncode({{"username", config_.username}, {"password", config_.password}}),
       .timeout = config_.timeout});
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("cannot reach qBittorrent to log in: ", response.status().message()));
  }
  const std::string body = Trimmed(response->body);
  if (response->status == 401 || (response->status == 200 && body == "Fails.")) {
    return absl::FailedPreconditionError(kCredentialsHint);
  }
  if (response->status == 403) {
    return absl::FailedPreconditionError(
        "qBittorrent banned this address after too many failed logins: fix the credentials, then "
        "wait for the ban to end or restart qBittorrent");
  }
  if (response->status != 200 && response->status != 204) {
    return absl::UnavailableError(
        absl::StrCat("qBittorrent answered HTTP ", response->status, " to the login"));
  }
  if (jar_.size() == 0) {
    return absl::FailedPreconditionError(
        "qBittorrent accepted the login but set no session cookie: check that qbittorrent.url "
        "points at the WebUI");
  }
  logged_in_ = true;
  version_.reset();
  return absl::OkStatus();
}

absl::StatusOr<http::HttpResponse> QbittorrentClient::SendOnce(const std::string& method,
                                                               const std::string& path,
                                                               const http::Params& params) {
  http::HttpRequest request{.method = method,
                            .url = base_ + path,
                            .headers = {{"Referer", origin_ + "/"}, {"Origin", origin_}},
                            .timeout = config_.timeout};
  if (method == "GET") {
    if (!params.empty()) request.url = http::AppendQuery(request.url, params);
  } else {
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded"});
    request.body = http::FormEncode(params);
  }
  absl::StatusOr<http::HttpResponse> response = http_.Send(request);
  if (!response.ok()) {
    return absl::Status(response.status().code(),
                        absl::StrCat("qBittorrent ", path, ": ", response.status().message()));
  }
  return response;
}

// Radarr's ProcessRequest: on 403 (session expired or lost) log in once and
// retry.
absl::StatusOr<http::HttpResponse> QbittorrentClient::Call(const std::string& method,
                                                           const std::string& path,
                                                           const http::Params& params) {
  {
    std::lock_guard<std::mutex> lock(login_mu_);
    if (!logged_in_) RETURN_IF_ERROR(LoginLocked());
  }
  ASSIGN_OR_RETURN(http::HttpResponse response, SendOnce(method, path, params));
  if (response.status != 403) return response;
  {
    std::lock_guard<std::mutex> lock(login_mu_);
    RETURN_IF_ERROR(LoginLocked());
  }
  ASSIGN_OR_RETURN(response, SendOnce(method, path, params));
  if (response.status == 403) {
    return absl::FailedPreconditionError(
        absl::StrCat("qBittorrent refused ", path, " right after a successful login (HTTP 403)"));
  }
  return response;
}

absl::Status QbittorrentClient::Expect200(const absl::StatusOr<http::HttpResponse>& response,
                                          const std::string& what) {
  if (!response.ok()) return response.status();
  if (response->status == 200) return absl::OkStatus();
  if (response->status == 404) {
    return absl::NotFoundError(absl::StrCat("qBittorrent does not know the torrent (", what, ")"));
  }
  if (response->status >= 500) {
    return absl::UnavailableError(absl::StrCat("qBittorrent answered HTTP ", response->status,
                                               " to ", what));
  }
  return absl::InternalError(absl::StrCat("qBittorrent answered HTTP ", response->status, " to ",
                                          what, ": ", Trimmed(response->body).substr(0, 200)));
}

absl::StatusOr<QbittorrentClient::Version> QbittorrentClient::EnsureVersion() {
  {
    std::lock_guard<std::mutex> lock(login_mu_);
    if (version_) return *version_;
  }
  absl::StatusOr<http::HttpResponse> response = Call("GET", "/api/v2/app/webapiVersion", {});
  RETURN_IF_ERROR(Expect200(response, "the version probe"));
  const std::string text = Trimmed(response->body);
  std::vector<std::string> parts = absl::StrSplit(text, '.');
  Version version;
  if (parts.size() < 2 || !absl::SimpleAtoi(parts[0], &version.major) ||
      !absl::SimpleAtoi(parts[1], &version.minor)) {
    return absl::InternalError(absl::StrCat("qBittorrent's WebAPI version '", text.substr(0, 40),
                                            "' is not a version number"));
  }
  if (parts.size() > 2) (void)absl::SimpleAtoi(parts[2], &version.patch);
  std::lock_guard<std::mutex> lock(login_mu_);
  version_ = version;
  return version;
}

absl::StatusOr<std::string> QbittorrentClient::WebApiVersion() {
  ASSIGN_OR_RETURN(Version v, EnsureVersion());
  return absl::StrCat(v.major, ".", v.minor, ".", v.patch);
}

absl::StatusOr<std::string> QbittorrentClient::HashOf(const std::string& source) {
  if (IsMagnet(source)) return InfoHashFromMagnet(source);
  if (!absl::StartsWithIgnoreCase(source, "http://") &&
      !absl::StartsWithIgnoreCase(source, "https://")) {
    return absl::InvalidArgumentError(
        "a release is a magnet link (magnet:?xt=urn:btih:...) or an http(s) URL of a .torrent file");
  }
  // As Radarr does: fetch the .torrent ourselves to know its hash.
  absl::StatusOr<http::HttpResponse> file =
      inner_.Send({.url = source, .timeout = config_.timeout, .follow_redirects = true});
  if (!file.ok()) {
    return absl::Status(file.status().code(),
                        absl::StrCat("cannot download the .torrent file: ", file.status().message()));
  }
  if (file->status != 200) {
    return absl::InvalidArgumentError(absl::StrCat("downloading the .torrent file answered HTTP ",
                                                   file->status, " (", http::RedactUrl(source), ")"));
  }
  return InfoHashFromTorrentFile(file->body);
}

absl::Status QbittorrentClient::Properties(const std::string& hash) {
  absl::StatusOr<http::HttpResponse> response =
      Call("GET", "/api/v2/torrents/properties", {{"hash", hash}});
  return Expect200(response, absl::StrCat("properties of ", hash));
}

absl::Status QbittorrentClient::WaitForTorrent(const std::string& hash) {
  for (int attempt = 0; attempt < config_.confirm_attempts; ++attempt) {
    absl::Status status = Properties(hash);
    if (status.ok()) return status;
    if (!absl::IsNotFound(status)) return status;
    std::this_thread::sleep_for(absl::ToChronoMilliseconds(config_.confirm_interval));
  }
  return absl::UnavailableError(absl::StrCat(
      "qBittorrent accepted the release but does not list torrent ", hash, " yet; retrying"));
}

absl::StatusOr<std::string> QbittorrentClient::Add(const AddTorrent& add) {
  ASSIGN_OR_RETURN(std::string hash, HashOf(add.source));
  ASSIGN_OR_RETURN(Version version, EnsureVersion());
  // Already there (a retry after a crash between add and commit): done.
  absl::Status present = Properties(hash);
  if (present.ok()) return hash;
  if (!absl::IsNotFound(present)) return present;

  http::Params params = {{"urls", add.source},
                         {"savepath", add.save_path},
                         {"category", add.category},
                         {"tags", absl::StrJoin(add.tags, ",")},
                         {"contentLayout", "Subfolder"},
                         // `stopped` since WebAPI 2.11 (qBittorrent 5), `paused` before.
                         {version.AtLeast(2, 11) ? "stopped" : "paused", "false"}};
  if (add.ratio_limit) params.push_back({"ratioLimit", absl::StrCat(*add.ratio_limit)});
  if (add.seeding_time_limit_minutes) {
    params.push_back({"seedingTimeLimit", absl::StrCat(*add.seeding_time_limit_minutes)});
  }
  ASSIGN_OR_RETURN(http::HttpResponse response, Call("POST", "/api/v2/torrents/add", params));
  const std::string body = Trimmed(response.body);
  bool refused = false;
  if (response.status == 415) {
    return absl::InvalidArgumentError("qBittorrent says the .torrent file is not valid");
  } else if (response.status == 409) {
    refused = true;  // >= 2.14: every torrent failed (a duplicate among others)
  } else if (response.status == 200 || response.status == 202) {
    if (body == "Fails.") {
      refused = true;
    } else if (!body.empty() && body[0] == '{') {
      nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
      if (answer.is_discarded() || !answer.is_object()) {
        return absl::InternalError("qBittorrent's answer to torrents/add is not valid JSON");
      }
      refused = Field<int64_t>(answer, "success_count", 0) == 0 &&
                Field<int64_t>(answer, "pending_count", 0) == 0;
    }
  } else {
    RETURN_IF_ERROR(Expect200(response, "torrents/add"));
  }
  if (refused) {
    // A duplicate is refused too: it is ours if it is there now.
    if (Properties(hash).ok()) return hash;
    return absl::InvalidArgumentError(
        "qBittorrent refused the release (a magnet or .torrent it cannot use)");
  }
  RETURN_IF_ERROR(WaitForTorrent(hash));
  return hash;
}

absl::StatusOr<std::vector<Torrent>> QbittorrentClient::Info(const std::vector<std::string>& hashes,
                                                             const std::string& category) {
  http::Params params = {{"filter", "all"}};
  if (!hashes.empty()) params.push_back({"hashes", absl::StrJoin(hashes, "|")});
  if (!category.empty()) params.push_back({"category", category});
  absl::StatusOr<http::HttpResponse> response = Call("GET", "/api/v2/torrents/info", params);
  RETURN_IF_ERROR(Expect200(response, "torrents/info"));
  nlohmann::json list = nlohmann::json::parse(response->body, nullptr, false);
  if (list.is_discarded() || !list.is_array()) {
    return absl::InternalError("qBittorrent's torrents/info answer is not a JSON array");
  }
  std::vector<Torrent> torrents;
  torrents.reserve(list.size());
  for (const nlohmann::json& item : list) {
    if (!item.is_object()) continue;
    Torrent t;
    t.hash = absl::AsciiStrToLower(Field<std::string>(item, "hash", ""));
    t.name = Field<std::string>(item, "name", "");
    t.state = Field<std::string>(item, "state", "unknown");
    t.progress = Field<double>(item, "progress", 0);
    t.size = Field<int64_t>(item, "size", 0);
    t.completed = Field<int64_t>(item, "completed", 0);
    t.dlspeed = Field<int64_t>(item, "dlspeed", 0);
    t.upspeed = Field<int64_t>(item, "upspeed", 0);
    t.eta = Field<int64_t>(item, "eta", 0);
    t.ratio = Field<double>(item, "ratio", 0);
    t.seeding_time = Field<int64_t>(item, "seeding_time", 0);
    t.category = Field<std::string>(item, "category", "");
    t.tags = Field<std::string>(item, "tags", "");
    t.save_path = Field<std::string>(item, "save_path", "");
    t.content_path = Field<std::string>(item, "content_path", "");
    t.completion_on = Field<int64_t>(item, "completion_on", 0);
    torrents.push_back(std::move(t));
  }
  return torrents;
}

absl::StatusOr<std::vector<TorrentFile>> QbittorrentClient::Files(const std::string& hash) {
  absl::StatusOr<http::HttpResponse> response =
      Call("GET", "/api/v2/torrents/files", {{"hash", hash}});
  RETURN_IF_ERROR(Expect200(response, absl::StrCat("files of ", hash)));
  nlohmann::json list = nlohmann::json::parse(response->body, nullptr, false);
  if (list.is_discarded() || !list.is_array()) {
    return absl::InternalError("qBittorrent's torrents/files answer is not a JSON array");
  }
  std::vector<TorrentFile> files;
  for (const nlohmann::json& item : list) {
    if (!item.is_object()) continue;
    files.push_back({.index = Field<int>(item, "index", 0),
                     .name = Field<std::string>(item, "name", ""),
                     .size = Field<int64_t>(item, "size", 0),
                     .progress = Field<double>(item, "progress", 0),
                     .priority = Field<int>(item, "priority", 1)});
  }
  return files;
}

absl::Status QbittorrentClient::Delete(const std::vector<std::string>& hashes, bool delete_files) {
  return Expect200(Call("POST", "/api/v2/torrents/delete",
                        {{"hashes", absl::StrJoin(hashes, "|")},
                         {"deleteFiles", delete_files ? "true" : "false"}}),
                   "torrents/delete");
}

absl::Status QbittorrentClient::Stop(const std::vector<std::string>& hashes) {
  ASSIGN_OR_RETURN(Version version, EnsureVersion());
  const std::string path = version.AtLeast(2, 11) ? "/api/v2/torrents/stop" : "/api/v2/torrents/pause";
  return Expect200(Call("POST", path, {{"hashes", absl::StrJoin(hashes, "|")}}), path);
}

absl::Status QbittorrentClient::Start(const std::vector<std::string>& hashes) {
  ASSIGN_OR_RETURN(Version version, EnsureVersion());
  const std::string path =
      version.AtLeast(2, 11) ? "/api/v2/torrents/start" : "/api/v2/torrents/resume";
  return Expect200(Call("POST", path, {{"hashes", absl::StrJoin(hashes, "|")}}), path);
}

absl::Status QbittorrentClient::SetShareLimits(const std::vector<std::string>& hashes,
                                               double ratio_limit,
                                               int64_t seeding_time_limit_minutes) {
  return Expect200(Call("POST", "/api/v2/torrents/setShareLimits",
                        {{"hashes", absl::StrJoin(hashes, "|")},
                         {"ratioLimit", absl::StrCat(ratio_limit)},
                         {"seedingTimeLimit", absl::StrCat(seeding_time_limit_minutes)},
                         {"inactiveSeedingTimeLimit", "-2"}}),
                   "torrents/setShareLimits");
}

}  // namespace kiosk::downloads::qbittorrent
