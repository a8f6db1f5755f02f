// kiosk-torznab-double: the Torznab indexer double as a program (what Jackett
// or Prowlarr serve), for demos and end-to-end tests.
//
//   kiosk-torznab-double --port 9117 --api-key secret [--no-id-search]
//   -> Torznab URL http://127.0.0.1:9117/api/v2.0/indexers/all/results/torznab
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "services/downloads/testing/torznab_double.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr char kUsage[] =
    "usage: kiosk-torznab-double [--port N] [--api-key KEY] [--no-id-search]\n"
    "A Torznab indexer double (Jackett-shaped caps and RSS answers) with French and English\n"
    "releases of the TMDB double's titles. --no-id-search: caps without imdbid/tvdbid.\n";

}  // namespace

int main(int argc, char** argv) {
  kiosk::downloads::testing::TorznabDoubleOptions options;
  int port = 0;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n%s", flag.c_str(), kUsage);
        std::exit(2);
      }
      return argv[++i];
    };
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (flag == "--port") {
      if (!absl::SimpleAtoi(value(), &port)) return 2;
    } else if (flag == "--api-key") {
      options.api_key = value();
    } else if (flag == "--no-id-search") {
      options.id_search = false;
    } else {
      std::fprintf(stderr, "unknown flag %s\n%s", flag.c_str(), kUsage);
      return 2;
    }
  }
  kiosk::downloads::testing::TorznabDouble indexer(options);
  absl::Status started = indexer.Start(port);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("torznab-double listening on %s\n", indexer.Url().c_str());
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  indexer.Stop();
  return 0;
}
