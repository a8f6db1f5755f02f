#include "tests/suite/running_suite.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::testing {
namespace {

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

// "kiosk-media" -> "media", as the kiosk script's svc_key (lower case).
std::string ServiceKey(const std::string& binary) {
  return absl::StrReplaceAll(binary.substr(std::string("kiosk-").size()), {{"-", "_"}});
}

// A fresh random password (hex), like the kiosk script's role_password.
std::string RandomPassword() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string bytes(24, '\0');
  random.read(bytes.data(), bytes.size());
  return absl::BytesToHexString(bytes);
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

const std::vector<std::string>& RunningSuite::ServiceNames() {
  static const auto* names = [] {
    auto* list = new std::vector<std::string>;
    for (const auto& [binary, variable] : Services()) list->push_back(binary);
    return list;
  }();
  return *names;
}

absl::StatusOr<std::unique_ptr<RunningSuite>> RunningSuite::Start(SuiteOptions options) {
  std::unique_ptr<RunningSuite> suite(new RunningSuite(std::move(options)));
  const SuiteOptions& opts = suite->options_;
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  if (!cluster.ok()) return cluster.status();
  suite->cluster_ = *std::move(cluster);
  const std::string url = suite->cluster_->url().ToConnString();

  // As `./kiosk up`: kiosk-migrate creates the roles and sets their passwords
  // from KIOSK_<SERVICE>_DB_PASSWORD.
  std::map<std::string, std::string> migrate_env = {{"DATABASE_URL", url}};
  for (const std::string& binary : ServiceNames()) {
    suite->role_passwords_[binary] = RandomPassword();
    migrate_env[absl::StrCat("KIOSK_", absl::AsciiStrToUpper(ServiceKey(binary)), "_DB_PASSWORD")] =
        suite->role_passwords_[binary];
  }
  absl::StatusOr<Subprocess> migrate =
      Subprocess::Start({BinaryPath("kiosk-migrate"), "upgrade", "head"}, migrate_env);
  if (!migrate.ok()) return migrate.status();
  if (migrate->Wait(absl::Seconds(60)) != 0) {
    return absl::InternalError(absl::StrCat("kiosk-migrate failed:\n", migrate->Output()));
  }

  std::map<std::string, std::string> env = opts.env;
  env["SECRET_KEY"] = opts.secret_key;
  for (const auto& [binary, variable] : Services()) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    suite->addresses_[binary] = absl::StrCat("127.0.0.1:", *port);
    env[variable] = suite->addresses_[binary];
  }
  for (const std::string& binary : ServiceNames()) {
    Process process{.binary = binary, .argv = {BinaryPath(binary)}, .env = env};
    process.env["DATABASE_URL"] = suite->ServiceDatabaseUrl(binary).ToConnString();
    process.env["LISTEN_ADDR"] = suite->addresses_[binary];
    suite->processes_.push_back(std::move(process));
    if (absl::Status started = suite->Launch(suite->processes_.back()); !started.ok()) {
      return started;
    }
  }
  Process gateway{
      .binary = "kiosk-gateway",
      .argv = {opts.gateway_binary.empty() ? BinaryPath("kiosk-gateway") : opts.gateway_binary},
      .env = env};
  for (const auto& [key, value] : opts.gateway_env) gateway.env[key] = value;
  gateway.env["LISTEN_ADDR"] = "127.0.0.1:0";
  suite->processes_.push_back(std::move(gateway));
  if (absl::Status started = suite->Launch(suite->processes_.back()); !started.ok()) {
    return started;
  }
  // A restarted gateway keeps its port.
  suite->processes_.back().env["LISTEN_ADDR"] = absl::StrCat("127.0.0.1:", suite->gateway_port_);
  // As `./kiosk up`: ready when the gateway sees every service SERVING.
  if (absl::Status ready = suite->WaitUntilReady(absl::Seconds(30)); !ready.ok()) return ready;
  return suite;
}

absl::Status RunningSuite::Launch(Process& process) {
  absl::StatusOr<Subprocess> proc = Subprocess::Start(process.argv, process.env);
  if (!proc.ok()) return proc.status();
  process.proc = std::make_unique<Subprocess>(*std::move(proc));
  int port = WaitForListeningPort(*process.proc);
  if (port <= 0) {
    return absl::InternalError(absl::StrCat(process.binary, " did not start:\n", Logs()));
  }
  if (process.binary == "kiosk-gateway") gateway_port_ = port;
  return absl::OkStatus();
}

absl::Status RunningSuite::WaitUntilReady(absl::Duration timeout) const {
  gateway::testing::HttpTestResponse last;
  for (absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
    last = gateway::testing::HttpCall(gateway_port_, "GET", "/readyz");
    if (last.status == 200) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat("the suite is not ready: GET /readyz answers ",
                                                  last.status, " ", last.body, "\n", Logs()));
}

RunningSuite::Process* RunningSuite::Find(const std::string& binary) {
  for (Process& process : processes_) {
    if (process.binary == binary) return &process;
  }
  return nullptr;
}

absl::Status RunningSuite::Kill(const std::string& binary) {
  Process* process = Find(binary);
  if (process == nullptr) return absl::NotFoundError(absl::StrCat("no binary ", binary));
  if (process->proc == nullptr) return absl::OkStatus();
  process->proc->Signal(SIGKILL);
  if (!process->proc->Wait(absl::Seconds(15)).has_value()) {
    return absl::DeadlineExceededError(absl::StrCat(binary, " did not die on SIGKILL"));
  }
  absl::StrAppend(&process->earlier_output, process->proc->Output());
  process->proc.reset();
  return absl::OkStatus();
}

absl::StatusOr<int> RunningSuite::Stop(const std::string& binary) {
  Process* process = Find(binary);
  if (process == nullptr) return absl::NotFoundError(absl::StrCat("no binary ", binary));
  if (process->proc == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(binary, " is not running"));
  }
  process->proc->Signal(SIGTERM);
  std::optional<int> code = process->proc->Wait(absl::Seconds(30));
  if (!code.has_value()) {
    return absl::DeadlineExceededError(
        absl::StrCat(binary, " did not stop within 30 s of SIGTERM"));
  }
  absl::StrAppend(&process->earlier_output, process->proc->Output());
  process->proc.reset();
  return *code;
}

absl::Status RunningSuite::Restart(const std::string& binary) {
  if (absl::Status killed = Kill(binary); !killed.ok()) return killed;
  return Launch(*Find(binary));
}

RunningSuite::~RunningSuite() {
  for (Process& process : processes_) {
    if (process.proc != nullptr) process.proc->Signal(SIGTERM);
  }
  for (Process& process : processes_) {
    if (process.proc != nullptr && !process.proc->Wait(absl::Seconds(15)).has_value()) {
      process.proc->Signal(SIGKILL);
    }
  }
}

std::string RunningSuite::gateway_url() const {
  return absl::StrCat("http://127.0.0.1:", gateway_port_);
}

std::string RunningSuite::address(const std::string& binary) const {
  auto it = addresses_.find(binary);
  return it == addresses_.end() ? "" : it->second;
}

db::DatabaseUrl RunningSuite::ServiceDatabaseUrl(const std::string& binary) const {
  db::DatabaseUrl url = cluster_->url();
  url.user = absl::StrCat("kiosk_", ServiceKey(binary));
  auto it = role_passwords_.find(binary);
  url.password = it == role_passwords_.end() ? "" : it->second;
  return url;
}

std::string RunningSuite::Logs() const {
  std::string logs;
  for (const Process& process : processes_) {
    absl::StrAppend(&logs, "===== ", process.binary, "\n", process.earlier_output,
                    process.proc == nullptr ? "" : process.proc->Output(), "\n");
  }
  return logs;
}

}  // namespace kiosk::testing
