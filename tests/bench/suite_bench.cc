// suite_bench - the whole suite as the README runs it (every binary, real
// PostgreSQL, the TMDB/qBittorrent/Plex doubles), measured from outside:
//
//   * resident memory (VmRSS) of every binary when idle, and the largest seen
//     while 8 clients load the gateway (search, request lists, request pages);
//   * request -> available latency over REST with a near-instant download
//     (the qBittorrent double completes 1 MB at 100 MB/s): admin requests a
//     film (auto-approved), attaches a magnet as soon as the download awaits
//     a release, and waits until the request is available; both the whole
//     time and the part from the attach are reported.
//
// Prints RESULT lines for bench/run. Run via ./kiosk bench or bench/run.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/bench_result.h"
#include "gateway/testing/http_test_client.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"
#include "tests/suite/suite_client.h"

namespace {

using kiosk::gateway::testing::HttpTestResponse;
using kiosk::testing::Json;
using kiosk::testing::PrintBenchResult;

const std::vector<std::string> kBinaries = {"kiosk-users", "kiosk-media", "kiosk-downloads",
                                            "kiosk-plex", "kiosk-gateway"};

// pid of each kiosk binary started by this process (the suite's children).
std::map<std::string, int> ChildPids() {
  std::map<std::string, int> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    int ppid = 0;
    char state = 0;
    if (std::sscanf(line.c_str() + close + 2, "%c %d", &state, &ppid) != 2 || ppid != getpid()) {
      continue;
    }
    std::error_code ec;
    const std::string exe = std::filesystem::read_symlink(entry.path() / "exe", ec).filename();
    if (std::find(kBinaries.begin(), kBinaries.end(), exe) != kBinaries.end()) {
      pids[exe] = std::stoi(name);
    }
  }
  return pids;
}

double RssMiB(int pid) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      double kib = 0;
      status >> kib;
      return kib / 1024;
    }
    std::string rest;
    std::getline(status, rest);
  }
  return 0;
}

class Bench {
 public:
  int Run() {
    absl::StatusOr<std::unique_ptr<kiosk::testing::ExternalDoubles>> doubles =
        kiosk::testing::ExternalDoubles::Start({.torrent_size = 1000000, .torrent_speed = 100000000});
    if (!doubles.ok()) return Fail(doubles.status().ToString());
    doubles_ = *std::move(doubles);
    absl::StatusOr<std::unique_ptr<kiosk::testing::RunningSuite>> suite =
        kiosk::testing::RunningSuite::Start();
    if (!suite.ok()) return Fail(suite.status().ToString());
    suite_ = *std::move(suite);
    rest_ = std::make_unique<kiosk::testing::SuiteClient>(suite_->gateway_port());
    if (!Configure()) return 1;

    absl::SleepFor(absl::Seconds(3));  // settle after start-up and configuration
    std::map<std::string, int> pids = ChildPids();
    std::printf("suite_bench: idle resident memory\n");
    for (const std::string& binary : kBinaries) {
      if (!pids.count(binary)) return Fail(absl::StrCat(binary, " not found among the children"));
      const double rss = RssMiB(pids[binary]);
      std::printf("  %-16s %6.1f MiB\n", binary.c_str(), rss);
      PrintBenchResult(absl::StrCat(binary, " RSS idle"), rss, "MiB");
    }
    if (!Latency()) return 1;
    Loaded(pids);
    return 0;
  }

 private:
  int Fail(const std::string& why) {
    std::fprintf(stderr, "suite_bench: %s\n", why.c_str());
    if (suite_) std::fprintf(stderr, "%s\n", suite_->Logs().c_str());
    return 1;
  }

  HttpTestResponse Call(const std::string& method, const std::string& target,
                        const nlohmann::json& body = nullptr) {
    return rest_->Call(method, target, admin_, body);
  }

  bool Configure() {
    absl::StatusOr<std::string> admin = rest_->FirstAdminLogin("suite bench admin pw");
    if (!admin.ok()) return Fail(admin.status().ToString()) == 0;
    admin_ = *admin;
    if (absl::Status s = rest_->UseDoubles(admin_, *doubles_); !s.ok()) return Fail(s.ToString()) == 0;
    // Services read settings through a 10 s cache: wait until TMDB answers.
    for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      if (Json(Call("GET", "/api/v1/search?query=amelie")).value("source", "") != "local") {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(500));
    }
    return Fail("TMDB double never answered the search") == 0;
  }

  // Request -> available for films of the TMDB double's catalogue, one after
  // the other.
  bool Latency() {
    const std::vector<int> films = {194, 603, 27205, 8392, 77338};
    std::vector<double> total_s, from_attach_s;
    for (size_t i = 0; i < films.size(); ++i) {
      const absl::Time start = absl::Now();
      HttpTestResponse created = Call(
          "POST", "/api/v1/requests", {{"mediaType", "movie"}, {"tmdbId", films[i]}, {"language", "en"}});
      if (created.status != 200) return Fail(created.body) == 0;
      const std::string id = Json(created)["id"];
      if (!WaitFor(id, [](const nlohmann::json& r) {
            return r["progress"].value("stage", "") == "awaiting_release";
          })) {
        return false;
      }
      const absl::Time attach = absl::Now();
      HttpTestResponse attached =
          Call("POST", "/api/v1/downloads:attachRelease",
               {{"requestId", std::stoll(id)},
                {"release", absl::StrFormat("magnet:?xt=urn:btih:%040x&dn=Film.%d.1080p.BluRay.x264-BENCH",
                                            0xbe0000 + i, films[i])}});
      if (attached.status != 200) return Fail(attached.body) == 0;
      if (!WaitFor(id, [](const nlohmann::json& r) { return r.value("status", "") == "available"; })) {
        return false;
      }
      total_s.push_back(absl::ToDoubleSeconds(absl::Now() - start));
      from_attach_s.push_back(absl::ToDoubleSeconds(absl::Now() - attach));
      std::printf("  film %d: request -> available %.2f s (attach -> available %.2f s)\n", films[i],
                  total_s.back(), from_attach_s.back());
    }
    std::sort(total_s.begin(), total_s.end());
    std::sort(from_attach_s.begin(), from_attach_s.end());
    std::printf("suite_bench: request -> available, %zu films, 1 MB instant download: median %.2f s, "
                "max %.2f s\n",
                total_s.size(), total_s[total_s.size() / 2], total_s.back());
    PrintBenchResult("request -> available (instant download), median", total_s[total_s.size() / 2], "s");
    PrintBenchResult("attach release -> available (instant download), median",
                     from_attach_s[from_attach_s.size() / 2], "s");
    return true;
  }

  template <typename Done>
  bool WaitFor(const std::string& id, Done done) {
    nlohmann::json state;
    const absl::Time start = absl::Now();
    std::string stage;
    for (absl::Time deadline = start + absl::Seconds(120); absl::Now() < deadline;) {
      state = Json(Call("GET", absl::StrCat("/api/v1/requests/", id)));
      // Where the time goes: each status/stage the request passes through.
      const std::string now_at = absl::StrCat(state.value("status", ""), "/",
                                              state["progress"].value("stage", ""));
      if (now_at != stage) {
        stage = now_at;
        std::printf("    +%6.2f s  %s\n", absl::ToDoubleSeconds(absl::Now() - start), stage.c_str());
      }
      if (done(state)) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return Fail(absl::StrCat("request ", id, " did not get there: ", state.dump())) == 0;
  }

  // 8 clients for 15 s; the largest RSS of each binary seen meanwhile.
  void Loaded(const std::map<std::string, int>& pids) {
    const std::vector<std::string> targets = {"/api/v1/search?query=matrix", "/api/v1/requests",
                                              "/api/v1/requests/mine", "/api/v1/requests:count"};
    std::atomic<bool> stop{false};
    std::atomic<int> done{0}, failed{0};
    std::mutex mu;
    std::map<std::string, std::vector<double>> latency_ms;  // per target
    std::vector<std::thread> clients;
    for (int t = 0; t < 8; ++t) {
      clients.emplace_back([&, t] {
        for (int i = t; !stop; ++i) {
          const std::string& target = targets[i % targets.size()];
          const absl::Time start = absl::Now();
          HttpTestResponse r = Call("GET", target);
          const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
          (r.status == 200 ? done : failed)++;
          std::lock_guard<std::mutex> lock(mu);
          latency_ms[target].push_back(ms);
        }
      });
    }
    std::map<std::string, double> peak;
    const absl::Time start = absl::Now();
    while (absl::Now() - start < absl::Seconds(15)) {
      for (const auto& [binary, pid] : pids) peak[binary] = std::max(peak[binary], RssMiB(pid));
      absl::SleepFor(absl::Milliseconds(200));
    }
    stop = true;
    for (std::thread& t : clients) t.join();
    const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
    std::printf("suite_bench: under load (8 clients, %d requests in %.1f s = %.0f req/s, %d failed): "
                "peak resident memory\n",
                done.load(), seconds, done.load() / seconds, failed.load());
    PrintBenchResult("mixed REST reads through the gateway (8 clients)", done.load() / seconds, "req/s");
    for (auto& [target, ms] : latency_ms) {
      std::sort(ms.begin(), ms.end());
      std::printf("  GET %-32s p50 %7.2f ms  p99 %7.2f ms  (%zu calls)\n", target.c_str(),
                  ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.size());
    }
    for (const std::string& binary : kBinaries) {
      std::printf("  %-16s %6.1f MiB\n", binary.c_str(), peak[binary]);
      PrintBenchResult(absl::StrCat(binary, " RSS under load"), peak[binary], "MiB");
    }
  }

  std::unique_ptr<kiosk::testing::ExternalDoubles> doubles_;
  std::unique_ptr<kiosk::testing::RunningSuite> suite_;
  std::unique_ptr<kiosk::testing::SuiteClient> rest_;
  std::string admin_;
};

}  // namespace

int main() {
  signal(SIGPIPE, SIG_IGN);
  return Bench().Run();
}
