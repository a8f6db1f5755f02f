#include "common/testing/pg_cluster.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/testing/subprocess.h"

namespace kiosk::testing {

absl::StatusOr<std::unique_ptr<PgCluster>> PgCluster::Create() {
  char dir_template[] = "/tmp/kiosk-pgcluster-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) return absl::InternalError("mkdtemp failed");
  std::unique_ptr<PgCluster> cluster(new PgCluster(dir_template));
  if (absl::Status s = cluster->Run("init"); !s.ok()) return s;
  if (absl::Status s = cluster->Run("start"); !s.ok()) return s;
  std::ifstream in(cluster->dir_ + "/url");
  std::stringstream contents;
  contents << in.rdbuf();
  absl::StatusOr<db::DatabaseUrl> url =
      db::ParseDatabaseUrl(absl::StripAsciiWhitespace(contents.str()));
  if (!url.ok()) return url.status();
  cluster->url_ = *std::move(url);
  return cluster;
}

PgCluster::~PgCluster() {
  if (Run("destroy").ok()) std::remove((dir_ + ".log").c_str());
}

absl::Status PgCluster::Stop() { return Run("stop"); }
absl::Status PgCluster::Start() { return Run("start"); }

absl::Status PgCluster::SignalServer(int sig) {
  std::ifstream pid_file(dir_ + "/data/postmaster.pid");
  int postmaster = 0;
  if (!(pid_file >> postmaster) || postmaster <= 0) {
    return absl::FailedPreconditionError("the cluster is not running");
  }
  std::vector<int> pids = {postmaster};
  // Backends and auxiliary processes are the postmaster's children.
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    while (std::getline(status, line)) {
      int parent = 0;
      if (absl::StartsWith(line, "PPid:") &&
          absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(5)), &parent) &&
          parent == postmaster) {
        pids.push_back(pid);
      }
    }
  }
  for (int pid : pids) kill(pid, sig);
  return absl::OkStatus();
}

absl::Status PgCluster::Run(const std::string& verb) {
  std::string command = absl::StrCat(KIOSK_SOURCE_DIR, "/scripts/pgctl.sh ", verb, " ", dir_,
                                     " >>", dir_, ".log 2>&1");
  // Through Subprocess so PostgreSQL inherits none of the test's descriptors.
  absl::StatusOr<Subprocess> shell = Subprocess::Start({"/bin/sh", "-c", command}, {});
  if (!shell.ok()) return shell.status();
  const int rc = shell->Wait(absl::Minutes(5)).value_or(-1);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("`pgctl.sh ", verb, "` failed (", rc, "); see ",
                                            dir_, ".log"));
  }
  return absl::OkStatus();
}

}  // namespace kiosk::testing
