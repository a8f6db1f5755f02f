// Four `kiosk-migrate upgrade head` at once on an empty database, as four pods
// starting together would run them: the advisory lock lets one apply each
// migration once; the others wait and find nothing to do; all exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "common/testing/pg_cluster.h"
#include "common/testing/subprocess.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {
namespace {

int CountLines(const std::string& text, const std::string& prefix) {
  int n = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) n += absl::StartsWith(line, prefix);
  return n;
}

TEST(ConcurrentMigrateFaultTest, FourRunnersApplyEachMigrationOnce) {
  absl::StatusOr<std::unique_ptr<PgCluster>> cluster = PgCluster::Create();
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  const std::string url = (*cluster)->url().ToConnString();

  std::vector<Subprocess> runners;
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<Subprocess> runner = Subprocess::Start(
        {BinaryPath("kiosk-migrate"), "upgrade", "head"}, {{"DATABASE_URL", url}});
    ASSERT_TRUE(runner.ok()) << runner.status();
    runners.push_back(*std::move(runner));
  }
  int applied_lines = 0, waited = 0, nothing_to_do = 0;
  for (size_t i = 0; i < runners.size(); ++i) {
    std::optional<int> code = runners[i].Wait(absl::Seconds(120));
    const std::string out = runners[i].Output();
    EXPECT_EQ(code, 0) << "runner " << i << ":\n" << out;
    int applied = CountLines(out, "applied ");
    applied_lines += applied;
    // A runner that applied nothing found the work done by another one.
    if (applied == 0) {
      EXPECT_THAT(out, ::testing::HasSubstr("nothing to do")) << "runner " << i;
    }
    waited += out.find("waiting for another kiosk-migrate") != std::string::npos;
    nothing_to_do += out.find("nothing to do") != std::string::npos;
    std::printf("runner %zu: exit %d, applied %d migrations%s%s\n", i, code.value_or(-1), applied,
                out.find("waiting for another") != std::string::npos ? ", waited for the lock" : "",
                out.find("nothing to do") != std::string::npos ? ", found nothing to do" : "");
  }

  pqxx::connection db(url);
  pqxx::work tx(db);
  const int history = tx.exec1("SELECT count(*) FROM public.kiosk_migrations")[0].as<int>();
  const int distinct =
      tx.exec1("SELECT count(DISTINCT revision) FROM public.kiosk_migrations")[0].as<int>();
  std::printf("history rows %d, distinct revisions %d, 'applied' lines over all runners %d\n",
              history, distinct, applied_lines);
  EXPECT_GT(history, 0);
  EXPECT_EQ(history, distinct) << "a migration was recorded twice";
  EXPECT_EQ(applied_lines, history) << "a migration was applied twice (or not reported)";
  // The schemas exist once, fully: every service schema has its jobs table.
  for (const char* schema : {"users", "media", "downloads", "plex"}) {
    EXPECT_TRUE(tx.exec1(absl::StrCat("SELECT to_regclass('", schema, ".jobs') IS NOT NULL"))[0]
                    .as<bool>())
        << schema;
  }
  std::printf("%d runners waited for the lock, %d found nothing to do\n", waited, nothing_to_do);
}

}  // namespace
}  // namespace kiosk::testing
