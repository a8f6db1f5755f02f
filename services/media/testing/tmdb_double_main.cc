// kiosk-tmdb-double: a stand-in for api.themoviedb.org for demos and
// end-to-end tests, serving the built-in catalogue of TmdbDouble (films and
// series in French and English, "Le Fabuleux Destin d'Amélie Poulain" /
// "Amélie" = tmdb 194 among them) with TMDB's paths and JSON shapes.
//
//   kiosk-tmdb-double --port 8790 --api-key demo-key
//   # then, as admin: tmdb.url = http://127.0.0.1:8790/3, tmdb.api_key = demo-key
//
// Flags: --port N (default 8790; 0 = a free port, printed), --api-key KEY
// (default "demo-key"; other keys get TMDB's 401). Listens on 127.0.0.1 until
// SIGINT/SIGTERM. Prints one line "event=listening port=N base_url=..." when
// ready (the form the tests' WaitForListeningPort reads).
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/strings/numbers.h"
#include "services/media/testing/tmdb_double.h"

int main(int argc, char** argv) {
  int port = 8790;
  std::string key = "demo-key";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--port" || arg == "--api-key") && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--api-key") {
        key = value;
      } else if (!absl::SimpleAtoi(value, &port) || port < 0 || port > 65535) {
        std::fprintf(stderr, "--port wants a port number (0-65535), not \"%s\"\n", value.c_str());
        return 2;
      }
    } else if (arg == "--help" || arg == "-h") {
      std::printf("kiosk-tmdb-double [--port 8790] [--api-key demo-key]\n"
                  "A TMDB API v3 double with a built-in FR/EN catalogue, for demos and tests.\n");
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument \"%s\"; see --help\n", arg.c_str());
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // the server threads inherit the mask

  kiosk::media::testing::TmdbDouble tmdb(key);
  if (absl::Status s = tmdb.Start(port); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  std::printf("event=listening port=%d base_url=%s\n", tmdb.port(), tmdb.base_url().c_str());
  std::fflush(stdout);
  int signal = 0;
  sigwait(&signals, &signal);
  tmdb.Stop();
  return 0;
}
