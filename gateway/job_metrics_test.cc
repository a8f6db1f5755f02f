#include "gateway/job_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiosk::gateway {
namespace {

using ::testing::HasSubstr;

TEST(RenderJobStatsTest, EachServiceKindAndStatusIsOneSeries) {
  common::v1::JobStats plex;
  common::v1::JobKindStats* sync = plex.add_kinds();
  sync->set_kind("plex.sync");
  (*sync->mutable_by_status())["queued"] = 2;
  (*sync->mutable_by_status())["dead"] = 1;
  sync->set_mean_run_seconds(1.5);
  sync->set_succeeded_last_hour(4);
  sync->set_failed_last_hour(1);
  std::string text = RenderJobStats({{"kiosk.plex.v1.PlexService", plex}});
  EXPECT_THAT(text, HasSubstr("# TYPE kiosk_jobs gauge\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(kiosk_jobs{service="kiosk.plex.v1.PlexService",kind="plex.sync",status="dead"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(kiosk_jobs{service="kiosk.plex.v1.PlexService",kind="plex.sync",status="queued"} 2)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(kiosk_job_run_seconds_mean{service="kiosk.plex.v1.PlexService",kind="plex.sync"} 1.500000)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(kiosk_jobs_succeeded_last_hour{service="kiosk.plex.v1.PlexService",kind="plex.sync"} 4)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(kiosk_jobs_failed_last_hour{service="kiosk.plex.v1.PlexService",kind="plex.sync"} 1)"));
}

TEST(RenderJobStatsTest, NoStatsIsOnlyTheFamilyHeaders) {
  std::string text = RenderJobStats({});
  EXPECT_THAT(text, HasSubstr("# HELP kiosk_jobs "));
  EXPECT_EQ(text.find("kiosk_jobs{"), std::string::npos);
}

}  // namespace
}  // namespace kiosk::gateway
