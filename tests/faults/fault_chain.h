// The request chain set up for fault tests: the TMDB/qBittorrent/Plex doubles
// as processes, each behind its own FaultProxy, the suite configured (as the
// admin, over REST) to reach the doubles through the proxies, and helpers to
// drive a film request to `available` and to watch it on the way.
//
//   auto chain = *FaultChain::Start({});
//   std::string id = *chain->RequestFilm(194, "fr");       // admin: approved at once
//   chain->WaitStage(id, "awaiting_release", absl::Seconds(30));
//   chain->qbittorrent().Set(FaultMode::kServerError);
//   chain->AttachRelease(id, magnet);
#ifndef KIOSK_TESTS_FAULTS_FAULT_CHAIN_H_
#define KIOSK_TESTS_FAULTS_FAULT_CHAIN_H_

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tests/faults/fault_proxy.h"
#include "tests/faults/fault_suite.h"
#include "tests/faults/rest_session.h"
#include "tests/suite/external_doubles.h"

namespace kiosk::testing {

struct FaultChainOptions {
  DoublesOptions doubles{};
  std::map<std::string, std::string> env{};
  // The library folder for films; empty = <media dir>/movies.
  std::string movies_path{};
  // Plex server the suite talks to (through the proxy); empty = the doubles' one.
  std::string plex_url{};
};

class FaultChain {
 public:
  static absl::StatusOr<std::unique_ptr<FaultChain>> Start(FaultChainOptions options);

  FaultSuite& suite() { return *suite_; }
  ExternalDoubles& doubles() { return *doubles_; }
  FaultProxy& tmdb() { return *tmdb_; }
  FaultProxy& qbittorrent() { return *qbittorrent_; }
  FaultProxy& plex() { return *plex_; }
  const RestSession& admin() const { return *admin_; }
  const std::string& movies_path() const { return movies_path_; }

  // A film request by the admin (approved at once); its id.
  absl::StatusOr<std::string> RequestFilm(int tmdb_id, const std::string& language);
  // GET /api/v1/requests/{id}.
  nlohmann::json Request(const std::string& id);
  // Polls the request until `done` says yes; the last state seen either way.
  nlohmann::json WaitRequest(const std::string& id, absl::Duration timeout,
                             const std::function<bool(const nlohmann::json&)>& done);
  absl::Status AttachRelease(const std::string& id, const std::string& magnet);

 private:
  FaultChain() = default;
  std::unique_ptr<ExternalDoubles> doubles_;
  std::unique_ptr<FaultProxy> tmdb_, qbittorrent_, plex_;
  std::unique_ptr<FaultSuite> suite_;
  std::unique_ptr<RestSession> admin_;
  std::string movies_path_;
};

// A magnet the qBittorrent double accepts: `n` picks a distinct info hash,
// `name` is the release name (dn=).
std::string TestMagnet(int n, const std::string& name);

// "stage: message" of a request's progress, for the test's output.
std::string ProgressText(const nlohmann::json& request);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_FAULT_CHAIN_H_
