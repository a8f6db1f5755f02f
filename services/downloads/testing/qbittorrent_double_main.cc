// kiosk-qbittorrent-double: the qBittorrent WebUI double as a program, for
// demos and end-to-end tests. Torrents progress in real time (sped up by
// --time-scale) and write real files into their save path.
//
//   kiosk-qbittorrent-double --port 8080 --username admin --password adminadmin \
//       --api v5 --download-dir /tmp/kiosk-downloads
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "services/downloads/testing/qbittorrent_double.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

constexpr char kUsage[] =
    "usage: kiosk-qbittorrent-double [--port N] [--username U] [--password P] [--api v4|v5]\n"
    "                                [--download-dir DIR] [--speed BYTES_PER_S] [--size BYTES]\n"
    "                                [--time-scale X] [--path-root QBT_PATH=DISK_PATH]\n"
    "A qBittorrent WebUI API v2 double: cookie login, torrents/add|info|files|delete|...,\n"
    "v4 or v5 state names; magnets download at --speed and write real files.\n";

}  // namespace

int main(int argc, char** argv) {
  kiosk::downloads::testing::QbittorrentDoubleOptions options;
  options.realtime = true;
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
    } else if (flag == "--username") {
      options.username = value();
    } else if (flag == "--password") {
      options.password = value();
    } else if (flag == "--api") {
      std::string api = value();
      if (api != "v4" && api != "v5") {
        std::fprintf(stderr, "--api must be v4 or v5\n");
        return 2;
      }
      options.major = api == "v4" ? 4 : 5;
    } else if (flag == "--download-dir") {
      options.download_dir = value();
    } else if (flag == "--speed") {
      if (!absl::SimpleAtoi(value(), &options.default_speed)) return 2;
    } else if (flag == "--size") {
      if (!absl::SimpleAtoi(value(), &options.default_size)) return 2;
    } else if (flag == "--time-scale") {
      if (!absl::SimpleAtod(value(), &options.time_scale)) return 2;
    } else if (flag == "--path-root") {  // QBT_PATH=DISK_PATH: qBittorrent in a container
      const std::string map = value();
      const size_t eq = map.find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "--path-root is <qBittorrent path>=<disk path>\n");
        return 2;
      }
      options.path_root = map.substr(0, eq);
      options.disk_root = map.substr(eq + 1);
    } else {
      std::fprintf(stderr, "unknown flag %s\n%s", flag.c_str(), kUsage);
      return 2;
    }
  }
  kiosk::downloads::testing::QbittorrentDouble qbt(options);
  absl::Status started = qbt.Start(port);
  if (!started.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("qbittorrent-double listening on %s (api %s)\n", qbt.Url().c_str(),
              options.major == 4 ? "v4" : "v5");
  std::fflush(stdout);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  qbt.Stop();
  return 0;
}
