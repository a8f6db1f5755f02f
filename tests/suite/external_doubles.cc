#include "tests/suite/external_doubles.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {

absl::StatusOr<std::unique_ptr<ExternalDoubles>> ExternalDoubles::Start(DoublesOptions options) {
  std::unique_ptr<ExternalDoubles> d(new ExternalDoubles(std::move(options)));
  d->dir_ = (std::filesystem::temp_directory_path() /
             absl::StrCat("kiosk-doubles-", getpid(), "-", reinterpret_cast<uintptr_t>(d.get())))
                .string();
  std::filesystem::remove_all(d->dir_);
  for (const char* sub : {"/downloads", "/movies", "/tv"}) {
    std::filesystem::create_directories(d->dir_ + sub);
  }
  for (int* port : {&d->tmdb_port_, &d->qbittorrent_port_, &d->plex_port_, &d->torznab_port_}) {
    absl::StatusOr<int> free_port = PickFreePort();
    if (!free_port.ok()) return free_port.status();
    *port = *free_port;
  }
  const DoublesOptions& o = d->options_;
  if (absl::Status s = d->StartOne({BinaryPath("kiosk-tmdb-double"), "--port",
                                    absl::StrCat(d->tmdb_port_), "--api-key", o.tmdb_api_key});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = d->StartOne(
          {BinaryPath("kiosk-qbittorrent-double"), "--port", absl::StrCat(d->qbittorrent_port_),
           "--username", o.qbittorrent_username, "--password", o.qbittorrent_password, "--api",
           "v5", "--download-dir", d->dir_ + "/downloads", "--speed",
           absl::StrCat(o.torrent_speed), "--size", absl::StrCat(o.torrent_size)});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = d->StartOne({BinaryPath("kiosk-plex-double"), "--port",
                                    absl::StrCat(d->plex_port_), "--token", o.plex_token,
                                    "--movies", "20", "--shows", "1"});
      !s.ok()) {
    return s;
  }
  if (absl::Status s = d->StartOne({BinaryPath("kiosk-torznab-double"), "--port",
                                    absl::StrCat(d->torznab_port_), "--api-key", o.torznab_api_key});
      !s.ok()) {
    return s;
  }
  return d;
}

absl::Status ExternalDoubles::StartOne(std::vector<std::string> argv) {
  const std::string name = argv.front();
  absl::StatusOr<Subprocess> proc = Subprocess::Start(std::move(argv), {});
  if (!proc.ok()) return proc.status();
  if (!proc->WaitForOutput("listening", absl::Seconds(10)).has_value()) {
    return absl::InternalError(absl::StrCat(name, " did not start:\n", proc->Output()));
  }
  processes_.push_back(*std::move(proc));
  return absl::OkStatus();
}

ExternalDoubles::~ExternalDoubles() {
  for (Subprocess& proc : processes_) proc.Signal(SIGTERM);
  for (Subprocess& proc : processes_) {
    if (!proc.Wait(absl::Seconds(10)).has_value()) proc.Signal(SIGKILL);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

std::string ExternalDoubles::tmdb_url() const {
  return absl::StrCat("http://127.0.0.1:", tmdb_port_, "/3");
}
std::string ExternalDoubles::qbittorrent_url() const {
  return absl::StrCat("http://127.0.0.1:", qbittorrent_port_);
}
std::string ExternalDoubles::plex_url() const {
  return absl::StrCat("http://127.0.0.1:", plex_port_);
}
std::string ExternalDoubles::torznab_url() const {
  return absl::StrCat("http://127.0.0.1:", torznab_port_, "/api/v2.0/indexers/all/results/torznab");
}
std::string ExternalDoubles::plex_path_map() const {
  return absl::StrCat("/data/movies=", dir_, "/movies;/data/tv=", dir_, "/tv");
}

}  // namespace kiosk::testing
