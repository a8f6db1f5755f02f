#include "tests/suite/running_suite.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace kiosk::testing {
namespace {

constexpr char kSecret[] = "running-suite-secret-key-0123456789abcdef";

// binary -> the variable its peers read its address from.
const std::vector<std::pair<std::string, std::string>>& Services() {
  static const auto* services = new std::vector<std::pair<std::string, std::string>>{
      {"kiosk-users", "USERS_ADDR"},
      {"kiosk-media", "MEDIA_ADDR"},
      {"kiosk-downloads", "DOWNLOADS_ADDR"},
      {"kiosk-plex", "PLEX_ADDR"},
  };
  return *services;
}

}  // namespace

std::string BinaryPath(const std::string& name) { return absl::StrCat(KIOSK_BIN_DIR, "/", name); }

absl::StatusOr<int> PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return absl::InternalError("cannot bind a loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

absl::StatusOr<std::unique_ptr<RunningSuite>> RunningSuite::Start(SuiteOptions options) {
  std::unique_ptr<RunningSuite> suite(new RunningSuite());
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  if (!cluster.ok()) return cluster.status();
  suite->cluster_ = *std::move(cluster);
  const std::string url = suite->cluster_->url().ToConnString();

  absl::StatusOr<Subprocess> migrate =
      Subprocess::Start({BinaryPath("kiosk-migrate"), "upgrade", "head"}, {{"DATABASE_URL", url}});
  if (!migrate.ok()) return migrate.status();
  if (migrate->Wait(absl::Seconds(60)) != 0) {
    return absl::InternalError(absl::StrCat("kiosk-migrate failed:\n", migrate->Output()));
  }

  std::map<std::string, std::string> env = options.env;
  env["SECRET_KEY"] = kSecret;
  for (const auto& [binary, variable] : Services()) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    suite->addresses_[binary] = absl::StrCat("127.0.0.1:", *port);
    env[variable] = suite->addresses_[binary];
  }
  for (const auto& [binary, variable] : Services()) {
    std::map<std::string, std::string> own = env;
    own["DATABASE_URL"] = url;
    own["LISTEN_ADDR"] = suite->addresses_[binary];
    suite->envs_[binary] = own;
    absl::StatusOr<Subprocess> proc = Subprocess::Start({BinaryPath(binary)}, own);
    if (!proc.ok()) return proc.status();
    suite->processes_.emplace_back(binary, *std::move(proc));
    if (WaitForListeningPort(suite->processes_.back().second) <= 0) {
      return absl::InternalError(absl::StrCat(binary, " did not start:\n", suite->Logs()));
    }
  }
  std::map<std::string, std::string> gateway_env = env;
  gateway_env["LISTEN_ADDR"] = "127.0.0.1:0";
  absl::StatusOr<Subprocess> gateway =
      Subprocess::Start({BinaryPath("kiosk-gateway")}, gateway_env);
  if (!gateway.ok()) return gateway.status();
  suite->processes_.emplace_back("kiosk-gateway", *std::move(gateway));
  suite->gateway_port_ = WaitForListeningPort(suite->processes_.back().second);
  if (suite->gateway_port_ <= 0) {
    return absl::InternalError(absl::StrCat("kiosk-gateway did not start:\n", suite->Logs()));
  }
  return suite;
}

RunningSuite::~RunningSuite() {
  for (auto& [name, proc] : processes_) proc.Signal(SIGTERM);
  for (auto& [name, proc] : processes_) {
    if (!proc.Wait(absl::Seconds(15)).has_value()) proc.Signal(SIGKILL);
  }
}

std::string RunningSuite::gateway_url() const {
  return absl::StrCat("http://127.0.0.1:", gateway_port_);
}

std::string RunningSuite::address(const std::string& binary) const {
  auto it = addresses_.find(binary);
  return it == addresses_.end() ? "" : it->second;
}

absl::Status RunningSuite::Crash(const std::string& binary) {
  for (auto& [name, proc] : processes_) {
    if (name != binary || proc.Wait(absl::ZeroDuration()).has_value()) continue;  // dead already
    proc.Signal(SIGKILL);
    if (!proc.Wait(absl::Seconds(10)).has_value()) {
      return absl::InternalError(absl::StrCat(binary, " survived SIGKILL"));
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("no running ", binary, " in the suite"));
}

absl::Status RunningSuite::Restart(const std::string& binary) {
  auto env = envs_.find(binary);
  if (env == envs_.end()) return absl::NotFoundError(absl::StrCat("no ", binary, " in the suite"));
  absl::StatusOr<Subprocess> proc = Subprocess::Start({BinaryPath(binary)}, env->second);
  if (!proc.ok()) return proc.status();
  processes_.emplace_back(binary, *std::move(proc));
  if (WaitForListeningPort(processes_.back().second) <= 0) {
    return absl::InternalError(absl::StrCat(binary, " did not start again:\n", Logs()));
  }
  return absl::OkStatus();
}

std::string RunningSuite::Logs() const {
  std::string logs;
  for (const auto& [name, proc] : processes_) {
    absl::StrAppend(&logs, "===== ", name, "\n", proc.Output(), "\n");
  }
  return logs;
}

}  // namespace kiosk::testing
