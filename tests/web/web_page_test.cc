// The kiosk page in Debian's Chromium (page_test.mjs, puppeteer-core) against
// the whole suite started like the README's run command.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {
namespace {

TEST(WebPageTest, SignInSearchRequestApproveAttachUntilAvailableAdminScreensUserLimitsEscaping) {
  absl::StatusOr<Subprocess> install =
      Subprocess::Start({KIOSK_SOURCE_DIR "/scripts/npm-ci.sh", KIOSK_SOURCE_DIR "/tests/web"}, {});
  ASSERT_TRUE(install.ok()) << install.status();
  ASSERT_EQ(install->Wait(absl::Minutes(5)), 0) << install->Output();

  // TMDB's double (real response shapes; its catalogue has "Amélie" and a
  // film with a hostile title).
  absl::StatusOr<int> tmdb_port = PickFreePort();
  ASSERT_TRUE(tmdb_port.ok());
  absl::StatusOr<Subprocess> tmdb = Subprocess::Start(
      {BinaryPath("kiosk-tmdb-double"), "--port", absl::StrCat(*tmdb_port), "--api-key", "page-key"},
      {});
  ASSERT_TRUE(tmdb.ok()) << tmdb.status();

  // qBittorrent's double writes real files; Plex's double records refreshes.
  const std::string dir = absl::StrCat(::testing::TempDir(), "kiosk-page-", getpid());
  for (const char* sub : {"/downloads", "/movies", "/tv"}) {
    std::filesystem::create_directories(dir + sub);
  }
  absl::StatusOr<int> qbit_port = PickFreePort();
  absl::StatusOr<int> plex_port = PickFreePort();
  ASSERT_TRUE(qbit_port.ok() && plex_port.ok());
  absl::StatusOr<Subprocess> qbit = Subprocess::Start(
      {BinaryPath("kiosk-qbittorrent-double"), "--port", absl::StrCat(*qbit_port), "--username",
       "qb", "--password", "qb-pass", "--download-dir", dir + "/downloads", "--speed", "2000000",
       "--size", "20000000"},
      {});
  ASSERT_TRUE(qbit.ok()) << qbit.status();
  absl::StatusOr<Subprocess> plex = Subprocess::Start(
      {BinaryPath("kiosk-plex-double"), "--port", absl::StrCat(*plex_port), "--token", "page-token"},
      {});
  ASSERT_TRUE(plex.ok()) << plex.status();

  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
  ASSERT_TRUE(suite.ok()) << suite.status();
  absl::StatusOr<Subprocess> browser =
      Subprocess::Start({"/usr/bin/env", "node", KIOSK_SOURCE_DIR "/tests/web/page_test.mjs"},
                        {{"KIOSK_URL", (*suite)->gateway_url()},
                         {"TMDB_URL", absl::StrCat("http://127.0.0.1:", *tmdb_port, "/3")},
                         {"TMDB_KEY", "page-key"},
                         {"QBIT_URL", absl::StrCat("http://127.0.0.1:", *qbit_port)},
                         {"PLEX_URL", absl::StrCat("http://127.0.0.1:", *plex_port)},
                         {"MEDIA_DIR", dir},
                         {"CHROMIUM", "/usr/bin/chromium"},
                         {"SCREENSHOTS", KIOSK_SCREENSHOT_DIR}});
  ASSERT_TRUE(browser.ok()) << browser.status();
  std::optional<int> code = browser->Wait(absl::Minutes(4));
  std::cout << browser->Output();
  EXPECT_EQ(code, 0) << browser->Output() << "\n" << (*suite)->Logs();
}

}  // namespace
}  // namespace kiosk::testing
