#include "tests/faults/fault_chain.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace kiosk::testing {

absl::StatusOr<std::unique_ptr<FaultChain>> FaultChain::Start(FaultChainOptions options) {
  std::unique_ptr<FaultChain> chain(new FaultChain());
  absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles = ExternalDoubles::Start(options.doubles);
  if (!doubles.ok()) return doubles.status();
  chain->doubles_ = *std::move(doubles);
  ExternalDoubles& d = *chain->doubles_;
  // TMDB's URL ends in /3: the proxy forwards every path as is.
  const std::string tmdb_root = d.tmdb_url().substr(0, d.tmdb_url().size() - 2);
  chain->tmdb_ = std::make_unique<FaultProxy>(tmdb_root);
  chain->qbittorrent_ = std::make_unique<FaultProxy>(d.qbittorrent_url());
  chain->plex_ = std::make_unique<FaultProxy>(options.plex_url.empty() ? d.plex_url()
                                                                       : options.plex_url);
  for (FaultProxy* proxy : {chain->tmdb_.get(), chain->qbittorrent_.get(), chain->plex_.get()}) {
    if (absl::Status s = proxy->Start(); !s.ok()) return s;
  }
  std::map<std::string, std::string> env = {{"JOB_POLL_INTERVAL", "1"}, {"JOB_LEASE", "10"}};
  for (const auto& [k, v] : options.env) env[k] = v;
  absl::StatusOr<std::unique_ptr<FaultSuite>> suite = FaultSuite::Start({.env = env});
  if (!suite.ok()) return suite.status();
  chain->suite_ = *std::move(suite);
  absl::StatusOr<RestSession> admin = RestSession::FirstAdminLogin(chain->suite_->gateway_port());
  if (!admin.ok()) return admin.status();
  chain->admin_ = std::make_unique<RestSession>(*admin);

  const std::string root = d.media_dir();
  chain->movies_path_ = options.movies_path.empty() ? root + "/movies" : options.movies_path;
  const DoublesOptions& o = d.options();
  if (absl::Status s = chain->admin_->SetSettings(
          {{"tmdb.url", chain->tmdb_->url() + "/3"},
           {"tmdb.api_key", o.tmdb_api_key},
           {"plex.url", chain->plex_->url()},
           {"plex.token", o.plex_token},
           {"plex.path_map", d.plex_path_map()},
           {"qbittorrent.url", chain->qbittorrent_->url()},
           {"qbittorrent.username", o.qbittorrent_username},
           {"qbittorrent.password", o.qbittorrent_password},
           {"downloads.path", root + "/downloads"},
           {"library.movies_path", chain->movies_path_},
           {"library.tv_path", root + "/tv"}});
      !s.ok()) {
    return s;
  }
  HttpTestResponse rename = chain->admin_->Call("PATCH", "/api/v1/rename-settings/movie",
                                                {{"libraryRoot", chain->movies_path_}});
  if (rename.status != 200) {
    return absl::InternalError(absl::StrCat("rename settings: ", rename.status, " ", rename.body));
  }
  // The services cache settings briefly: wait until a search reaches TMDB.
  for (absl::Time end = absl::Now() + absl::Seconds(30);;) {
    nlohmann::json found = Json(chain->admin_->Call("GET", "/api/v1/search?query=matrix"));
    if (found.is_object() && found.value("source", "") != "local") break;
    if (absl::Now() > end) return absl::DeadlineExceededError("the services never used TMDB");
    absl::SleepFor(absl::Milliseconds(500));
  }
  return chain;
}

absl::StatusOr<std::string> FaultChain::RequestFilm(int tmdb_id, const std::string& language) {
  HttpTestResponse r = admin_->Call(
      "POST", "/api/v1/requests",
      {{"mediaType", "movie"}, {"tmdbId", tmdb_id}, {"language", language}});
  if (r.status != 200) return absl::InternalError(absl::StrCat("request: ", r.status, " ", r.body));
  return Json(r).value("id", "");
}

nlohmann::json FaultChain::Request(const std::string& id) {
  return Json(admin_->Call("GET", absl::StrCat("/api/v1/requests/", id)));
}

nlohmann::json FaultChain::WaitRequest(const std::string& id, absl::Duration timeout,
                                       const std::function<bool(const nlohmann::json&)>& done) {
  nlohmann::json state;
  for (absl::Time end = absl::Now() + timeout;;) {
    state = Request(id);
    if ((state.is_object() && done(state)) || absl::Now() > end) return state;
    absl::SleepFor(absl::Milliseconds(250));
  }
}

absl::Status FaultChain::AttachRelease(const std::string& id, const std::string& magnet) {
  HttpTestResponse r = admin_->Call("POST", "/api/v1/downloads:attachRelease",
                                    {{"requestId", std::stoll(id)}, {"release", magnet}});
  if (r.status != 200) return absl::InternalError(absl::StrCat("attach: ", r.status, " ", r.body));
  return absl::OkStatus();
}

std::string TestMagnet(int n, const std::string& name) {
  return absl::StrCat("magnet:?xt=urn:btih:", absl::StrFormat("%040x", n + 0xabc000), "&dn=", name);
}

std::string ProgressText(const nlohmann::json& request) {
  if (!request.is_object()) return "(no answer)";
  const nlohmann::json progress = request.value("progress", nlohmann::json::object());
  return absl::StrCat(request.value("status", "?"), " / ", progress.value("stage", ""), ": ",
                      progress.value("message", ""));
}

}  // namespace kiosk::testing
