#include "common/testing/pg_cluster.h"

#include <stdlib.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

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

absl::Status PgCluster::Run(const std::string& verb) {
  std::string command = absl::StrCat(KIOSK_SOURCE_DIR, "/scripts/pgctl.sh ", verb, " ", dir_,
                                     " >>", dir_, ".log 2>&1");
  int rc = std::system(command.c_str());
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("`pgctl.sh ", verb, "` failed (", rc, "); see ",
                                            dir_, ".log"));
  }
  return absl::OkStatus();
}

}  // namespace kiosk::testing
