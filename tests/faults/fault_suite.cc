#include "tests/faults/fault_suite.h"

#include <signal.h>


#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/testing/http_test_client.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {
namespace {

constexpr char kSecret[] = "fault-suite-secret-key-0123456789abcdef0123";

// binary -> the variable its peers read its address from.
const std::map<std::string, std::string>& AddressVariables() {
  static const auto* vars = new std::map<std::string, std::string>{
      {"kiosk-users", "USERS_ADDR"},
      {"kiosk-media", "MEDIA_ADDR"},
      {"kiosk-downloads", "DOWNLOADS_ADDR"},
      {"kiosk-plex", "PLEX_ADDR"},
  };
  return *vars;
}

std::string GatewayName(int index) { return absl::StrCat("kiosk-gateway-", index); }


}  // namespace

const std::vector<std::string>& FaultSuite::ServiceNames() {
  static const auto* names = new std::vector<std::string>{"kiosk-users", "kiosk-media",
                                                          "kiosk-downloads", "kiosk-plex"};
  return *names;
}

absl::StatusOr<std::unique_ptr<FaultSuite>> FaultSuite::Start(FaultSuiteOptions options) {
  std::unique_ptr<FaultSuite> suite(new FaultSuite());
  suite->options_ = options;
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  if (!cluster.ok()) return cluster.status();
  suite->cluster_ = *std::move(cluster);

  absl::StatusOr<Subprocess> migrate = Subprocess::Start(
      {BinaryPath("kiosk-migrate"), "upgrade", "head"}, {{"DATABASE_URL", suite->database_conninfo()}});
  if (!migrate.ok()) return migrate.status();
  if (migrate->Wait(absl::Seconds(60)) != 0) {
    return absl::InternalError(absl::StrCat("kiosk-migrate failed:\n", migrate->Output()));
  }

  suite->env_ = options.env;
  suite->env_["SECRET_KEY"] = kSecret;
  for (const std::string& binary : ServiceNames()) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    suite->addresses_[binary] = absl::StrCat("127.0.0.1:", *port);
    suite->env_[AddressVariables().at(binary)] = suite->addresses_[binary];
  }
  suite->processes_.reserve(ServiceNames().size() + options.gateways);
  for (const std::string& binary : ServiceNames()) {
    suite->processes_.push_back({.name = binary});
    if (absl::Status s = suite->StartService(suite->processes_.back()); !s.ok()) return s;
  }
  for (int i = 0; i < options.gateways; ++i) {
    absl::StatusOr<int> port = PickFreePort();
    if (!port.ok()) return port.status();
    suite->gateway_ports_.push_back(*port);
    suite->processes_.push_back({.name = GatewayName(i)});
    if (absl::Status s = suite->StartGateway(i); !s.ok()) return s;
  }
  return suite;
}

FaultSuite::~FaultSuite() {
  for (Process& p : processes_) {
    if (p.proc.has_value()) p.proc->Signal(SIGTERM);
  }
  for (Process& p : processes_) {
    if (p.proc.has_value() && !p.proc->Wait(absl::Seconds(15)).has_value()) {
      p.proc->Signal(SIGKILL);
    }
  }
}

std::string FaultSuite::database_conninfo() const { return cluster_->url().ToConnString(); }

absl::Status FaultSuite::StartService(Process& p) {
  std::map<std::string, std::string> env = env_;
  env["DATABASE_URL"] = database_conninfo();
  env["LISTEN_ADDR"] = addresses_.at(p.name);
  absl::StatusOr<Subprocess> proc = Subprocess::Start({BinaryPath(p.name)}, env);
  if (!proc.ok()) return proc.status();
  p.proc.emplace(*std::move(proc));
  if (WaitForListeningPort(*p.proc) <= 0) {
    return absl::InternalError(absl::StrCat(p.name, " did not start:\n", p.proc->Output()));
  }
  return absl::OkStatus();
}

absl::Status FaultSuite::StartGateway(int index) {
  Process& p = *Find(GatewayName(index));
  std::map<std::string, std::string> env = env_;
  env["LISTEN_ADDR"] = absl::StrCat("127.0.0.1:", gateway_ports_[index]);
  absl::StatusOr<Subprocess> proc = Subprocess::Start({BinaryPath("kiosk-gateway")}, env);
  if (!proc.ok()) return proc.status();
  p.proc.emplace(*std::move(proc));
  if (WaitForListeningPort(*p.proc) <= 0) {
    return absl::InternalError(absl::StrCat(p.name, " did not start:\n", p.proc->Output()));
  }
  // Ready = every service answered SERVING to this gateway's health checks;
  // a first call before that may find a service "unreachable".
  for (absl::Time end = absl::Now() + absl::Seconds(30);;) {
    if (gateway::testing::HttpCall(gateway_ports_[index], "GET", "/readyz").status == 200) break;
    if (absl::Now() > end) {
      return absl::InternalError(absl::StrCat(p.name, " never became ready:\n", Logs()));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::OkStatus();
}

FaultSuite::Process* FaultSuite::Find(const std::string& name) {
  for (Process& p : processes_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void FaultSuite::Kill(const std::string& binary) {
  Process* p = Find(binary);
  if (p == nullptr || !p->proc.has_value()) return;
  p->proc->Signal(SIGKILL);
  p->proc->Wait(absl::Seconds(10));
  p->earlier_output.push_back(p->proc->Output());
  p->proc.reset();
}

absl::Status FaultSuite::Restart(const std::string& binary) {
  Process* p = Find(binary);
  if (p == nullptr) return absl::NotFoundError(absl::StrCat("no service ", binary));
  if (p->proc.has_value()) Kill(binary);
  return StartService(*p);
}

absl::StatusOr<int> FaultSuite::RestartGateway(int index) {
  Process* p = Find(GatewayName(index));
  if (p == nullptr || !p->proc.has_value()) return absl::NotFoundError("no such gateway");
  p->proc->Signal(SIGTERM);
  std::optional<int> code = p->proc->Wait(absl::Seconds(20));
  if (!code.has_value()) {
    p->proc->Signal(SIGKILL);
    p->proc->Wait(absl::Seconds(5));
    code = -1;
  }
  p->earlier_output.push_back(p->proc->Output());
  p->proc.reset();
  if (absl::Status s = StartGateway(index); !s.ok()) return s;
  return *code;
}

std::vector<std::string> FaultSuite::Dead() {
  std::vector<std::string> dead;
  for (Process& p : processes_) {
    if (p.proc.has_value() && p.proc->Wait(absl::ZeroDuration()).has_value()) {
      dead.push_back(p.name);
    }
  }
  return dead;
}

std::string FaultSuite::Output(const std::string& binary) const {
  std::string out;
  for (const Process& p : processes_) {
    if (p.name != binary) continue;
    for (const std::string& earlier : p.earlier_output) absl::StrAppend(&out, earlier);
    if (p.proc.has_value()) absl::StrAppend(&out, p.proc->Output());
  }
  return out;
}

std::string FaultSuite::Logs() const {
  std::string logs;
  for (const Process& p : processes_) {
    absl::StrAppend(&logs, "===== ", p.name, "\n", Output(p.name), "\n");
  }
  return logs;
}

}  // namespace kiosk::testing
