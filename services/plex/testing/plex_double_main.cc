// kiosk-plex-double: serves a generated Plex library on a port, for demos
// and end-to-end tests (the library behind it: plex_double.h).
//
//   kiosk-plex-double --port 32400 --token demo-token --movies 500 --shows 20
//
// then point plex-kiosk at it (system settings): plex.url =
// http://127.0.0.1:32400, plex.token = demo-token. It prints
// "listening on http://127.0.0.1:<port>" once ready and runs until SIGINT or
// SIGTERM. --port 0 picks a free port.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "services/plex/testing/plex_double.h"

namespace {

volatile std::sig_atomic_t stop = 0;

int Usage(const char* error) {
  if (error != nullptr) std::fprintf(stderr, "kiosk-plex-double: %s\n", error);
  std::fprintf(error ? stderr : stdout,
               "usage: kiosk-plex-double [--port N] [--token T] [--movies N] [--shows N]\n"
               "  --port     TCP port on 127.0.0.1 (default 32400; 0 = any free port)\n"
               "  --token    X-Plex-Token clients must send (default plex-double-token)\n"
               "  --movies   generated films in section 1 \"Movies\" (default 100)\n"
               "  --shows    generated shows in section 2 \"TV Shows\" (default 10),\n"
               "             2 seasons of 4 episodes each\n");
  return error ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 32400, movies = 100, shows = 10;
  std::string token = "plex-double-token";
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") return Usage(nullptr);
    if (i + 1 >= argc) return Usage(("missing value for " + flag).c_str());
    std::string value = argv[++i];
    int* number = flag == "--port" ? &port : flag == "--movies" ? &movies
                                         : flag == "--shows"    ? &shows
                                                                : nullptr;
    if (flag == "--token") {
      token = value;
    } else if (number == nullptr) {
      return Usage(("unknown flag " + flag).c_str());
    } else if (!absl::SimpleAtoi(value, number) || *number < 0) {
      return Usage((flag + " wants a number >= 0").c_str());
    }
  }
  kiosk::plex::testing::PlexDouble plex(
      {.token = token, .movies = movies, .shows = shows, .seasons_per_show = 2,
       .episodes_per_season = 4, .threads = 2, .port = port});
  absl::Status started = plex.Start();
  if (!started.ok()) {
    std::fprintf(stderr, "kiosk-plex-double: %s\n", std::string(started.message()).c_str());
    return 1;
  }
  std::printf("listening on %s (token %s, %d films, %d shows)\n", plex.Url().c_str(),
              token.c_str(), movies, shows);
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { stop = 1; });
  std::signal(SIGTERM, [](int) { stop = 1; });
  while (!stop) pause();
  plex.Stop();
  return 0;
}
