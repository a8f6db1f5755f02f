// The kiosk page in Debian's Chromium (page_test.mjs, puppeteer-core) against
// the whole suite started like the README's run command.
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/suite/external_doubles.h"
#include "tests/suite/running_suite.h"

namespace kiosk::testing {
namespace {

TEST(WebPageTest, SignInSearchRequestApproveAttachUntilAvailableAdminScreensUserLimitsEscaping) {
  absl::StatusOr<Subprocess> install =
      Subprocess::Start({KIOSK_SOURCE_DIR "/scripts/npm-ci.sh", KIOSK_SOURCE_DIR "/tests/web"}, {});
  ASSERT_TRUE(install.ok()) << install.status();
  ASSERT_EQ(install->Wait(absl::Minutes(5)), 0) << install->Output();

  // TMDB's double has "Amélie" and a film with a hostile title;
  // qBittorrent's writes real files; Plex's records refreshes.
  absl::StatusOr<std::unique_ptr<ExternalDoubles>> doubles = ExternalDoubles::Start({});
  ASSERT_TRUE(doubles.ok()) << doubles.status();

  absl::StatusOr<std::unique_ptr<RunningSuite>> suite = RunningSuite::Start();
  ASSERT_TRUE(suite.ok()) << suite.status();
  absl::StatusOr<Subprocess> browser =
      Subprocess::Start({"/usr/bin/env", "node", KIOSK_SOURCE_DIR "/tests/web/page_test.mjs"},
                        {{"KIOSK_URL", (*suite)->gateway_url()},
                         {"TMDB_URL", (*doubles)->tmdb_url()},
                         {"TMDB_KEY", (*doubles)->options().tmdb_api_key},
                         {"QBIT_URL", (*doubles)->qbittorrent_url()},
                         {"QBIT_USER", (*doubles)->options().qbittorrent_username},
                         {"QBIT_PASSWORD", (*doubles)->options().qbittorrent_password},
                         {"PLEX_URL", (*doubles)->plex_url()},
                         {"PLEX_TOKEN", (*doubles)->options().plex_token},
                         {"PLEX_PATH_MAP", (*doubles)->plex_path_map()},
                         {"MEDIA_DIR", (*doubles)->media_dir()},
                         {"CHROMIUM", "/usr/bin/chromium"},
                         {"SCREENSHOTS", KIOSK_SCREENSHOT_DIR}});
  ASSERT_TRUE(browser.ok()) << browser.status();
  std::optional<int> code = browser->Wait(absl::Minutes(4));
  std::cout << browser->Output();
  EXPECT_EQ(code, 0) << browser->Output() << "\n" << (*suite)->Logs();
}

}  // namespace
}  // namespace kiosk::testing
