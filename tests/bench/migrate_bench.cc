// Times `kiosk-migrate upgrade head` on empty databases and `check` on a
// migrated one. Prints numbers; run through `./kiosk bench`.
#include <algorithm>
#include <cstdio>
#include <vector>

#include "absl/time/clock.h"
#include "common/testing/pg_test_database.h"
#include "migrations/runner/drift_check.h"
#include "migrations/runner/migrator.h"
#include "common/testing/bench_result.h"

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  constexpr int kRuns = 7;
  std::vector<double> upgrade_ms, check_ms;
  for (int i = 0; i < kRuns; ++i) {
    absl::StatusOr<std::unique_ptr<kiosk::testing::TestDatabase>> db =
        kiosk::testing::TestDatabase::Create();
    if (!db.ok()) {
      std::fprintf(stderr, "migrate_bench: %s\n", std::string(db.status().message()).c_str());
      return 1;
    }
    absl::Time start = absl::Now();
    absl::Status status = kiosk::migrate::MigrateToHead((*db)->conninfo());
    upgrade_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!status.ok()) {
      std::fprintf(stderr, "migrate_bench: %s\n", std::string(status.message()).c_str());
      return 1;
    }
    start = absl::Now();
    absl::StatusOr<kiosk::migrate::CheckResult> check =
        kiosk::migrate::CheckDatabase(*kiosk::migrate::MigrationSet::Embedded(), (*db)->url());
    check_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!check.ok() || !check->ok()) {
      std::fprintf(stderr, "migrate_bench: check did not pass\n");
      return 1;
    }
  }
  std::printf("upgrade head on an empty database: median %.1f ms (min %.1f, max %.1f, %d runs)\n",
              Median(upgrade_ms), *std::min_element(upgrade_ms.begin(), upgrade_ms.end()),
              *std::max_element(upgrade_ms.begin(), upgrade_ms.end()), kRuns);
  kiosk::testing::PrintBenchResult("migrate upgrade head, empty database (median)", Median(upgrade_ms), "ms");
  std::printf("check (scratch reference + catalog diff): median %.1f ms\n", Median(check_ms));
  return 0;
}
