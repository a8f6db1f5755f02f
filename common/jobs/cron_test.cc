#include "common/jobs/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"

namespace kiosk::jobs {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// An RFC 3339 instant such as "2024-03-31T03:00:00+02:00" or "...Z".
absl::Time At(absl::string_view rfc3339) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, rfc3339, &t, &error)) {
    ADD_FAILURE() << "bad time in test: " << rfc3339 << ": " << error;
  }
  return t;
}

CronSchedule MustParse(absl::string_view expression) {
  absl::StatusOr<CronSchedule> schedule = CronSchedule::Parse(expression);
  EXPECT_THAT(schedule, IsOk()) << expression;
  return schedule.ok() ? *schedule : *CronSchedule::Parse("* * * * *");
}

absl::TimeZone LoadZone(const std::string& name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) {
    ADD_FAILURE() << "cannot load time zone " << name
                  << ": is the tzdata package installed (/usr/share/zoneinfo)?";
  }
  return zone;
}

struct NextCase {
  const char* expression;
  const char* after;
  const char* next;
};

TEST(CronScheduleTest, NextReturnsTheFirstOccurrenceStrictlyAfterTheInstant) {
  const NextCase kCases[] = {
      // Wildcards, steps, ranges, lists; an occurrence at `after` is not returned.
      {"* * * * *", "2024-01-15T10:00:00Z", "2024-01-15T10:01:00Z"},
      {"* * * * *", "2024-01-15T10:00:30Z", "2024-01-15T10:01:00Z"},
      {"* * * * *", "2024-01-15T09:59:59.5Z", "2024-01-15T10:00:00Z"},
      {"0 * * * *", "2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z"},
      {"*/15 * * * *", "2024-01-15T10:07:00Z", "2024-01-15T10:15:00Z"},
      {"*/15 * * * *", "2024-01-15T23:50:00Z", "2024-01-16T00:00:00Z"},
      {"5-20/5 * * * *", "2024-01-15T10:20:00Z", "2024-01-15T11:05:00Z"},
      {"0 9,17 * * *", "2024-01-15T09:00:00Z", "2024-01-15T17:00:00Z"},
      {"0 9,17 * * *", "2024-01-15T17:00:00Z", "2024-01-16T09:00:00Z"},
      {"0-59 * * * *", "2024-01-15T10:00:00Z", "2024-01-15T10:01:00Z"},
      {"0 */6 * * *", "2024-01-15T13:00:00Z", "2024-01-15T18:00:00Z"},
      {"0 0\t* *  *", "2024-01-15T10:00:00Z", "2024-01-16T00:00:00Z"},
      // Month and year rollover.
      {"0 0 * * *", "2024-12-31T12:00:00Z", "2025-01-01T00:00:00Z"},
      {"0 0 1 * *", "2024-01-31T00:00:00Z", "2024-02-01T00:00:00Z"},
      {"0 0 31 * *", "2024-04-01T00:00:00Z", "2024-05-31T00:00:00Z"},
      {"59 23 31 12 *", "2024-01-01T00:00:00Z", "2024-12-31T23:59:00Z"},
      {"59 23 31 12 *", "2024-12-31T23:59:00Z", "2025-12-31T23:59:00Z"},
      // Feb 29 only in leap years, and 2100 is not one.
      {"0 0 29 2 *", "2023-01-01T00:00:00Z", "2024-02-29T00:00:00Z"},
      {"0 0 29 2 *", "2024-03-01T00:00:00Z", "2028-02-29T00:00:00Z"},
      {"0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},
      // Names, any case; 0 and 7 are Sunday. 2024-01-15 is a Monday.
      {"0 12 * * MON", "2024-01-15T12:00:00Z", "2024-01-22T12:00:00Z"},
      {"0 0 * * 0", "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * 7", "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * sun", "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"0 0 * * 5-7", "2024-01-15T00:00:00Z", "2024-01-19T00:00:00Z"},
      {"30 9 * * mon-fri", "2024-01-19T10:00:00Z", "2024-01-22T09:30:00Z"},
      {"0 0 * * Sat,Sun", "2024-01-15T00:00:00Z", "2024-01-20T00:00:00Z"},
      {"0 0 1 JAN,jul *", "2024-02-01T00:00:00Z", "2024-07-01T00:00:00Z"},
      {"0 0 1 jan-MAR/2 *", "2024-01-02T00:00:00Z", "2024-03-01T00:00:00Z"},
      {"0 0 1 */4 *", "2024-02-01T00:00:00Z", "2024-05-01T00:00:00Z"},
      // Both day fields restricted: either matches (the 13th, or a Friday).
      {"0 0 13 * FRI", "2024-01-01T00:00:00Z", "2024-01-05T00:00:00Z"},
      {"0 0 13 * FRI", "2024-01-12T00:00:00Z", "2024-01-13T00:00:00Z"},
      {"0 0 1 * MON", "2024-01-29T00:00:00Z", "2024-02-01T00:00:00Z"},
      // One day field starts with `*`: both must match (odd days that are Mondays).
      {"0 0 */2 * MON", "2024-01-01T00:00:00Z", "2024-01-15T00:00:00Z"},
      {"0 0 13 * *", "2024-01-12T00:00:00Z", "2024-01-13T00:00:00Z"},
      // Macros.
      {"@yearly", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@annually", "2024-06-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"@monthly", "2024-01-31T12:00:00Z", "2024-02-01T00:00:00Z"},
      {"@weekly", "2024-01-15T00:00:00Z", "2024-01-21T00:00:00Z"},
      {"@daily", "2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z"},
      {"@midnight", "2024-01-15T13:00:00Z", "2024-01-16T00:00:00Z"},
      {"@hourly", "2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z"},
      {"@DAILY", "2024-01-15T00:00:00Z", "2024-01-16T00:00:00Z"},
      // @every N: the multiples of N minutes since the Unix epoch.
      {"@every 5m", "2024-01-15T10:02:30Z", "2024-01-15T10:05:00Z"},
      {"@every 5m", "2024-01-15T10:05:00Z", "2024-01-15T10:10:00Z"},
      {"@every 7m", "2024-01-15T10:00:00Z", "2024-01-15T10:03:00Z"},
      {"@every 90m", "2024-01-15T00:00:00Z", "2024-01-15T01:30:00Z"},
      {"@every 2h", "2024-01-15T10:00:00Z", "2024-01-15T12:00:00Z"},
      {"@every 1d", "2024-01-15T10:00:00Z", "2024-01-16T00:00:00Z"},
      {"@EVERY 1H", "2024-01-15T10:00:00Z", "2024-01-15T11:00:00Z"},
      {"@every 1d", "1969-12-31T12:00:00Z", "1970-01-01T00:00:00Z"},
  };
  for (const NextCase& c : kCases) {
    SCOPED_TRACE(::testing::Message() << '"' << c.expression << "\" after " << c.after);
    EXPECT_EQ(MustParse(c.expression).Next(At(c.after)), At(c.next));
  }
}

TEST(CronScheduleTest, TextIsTheExpressionAsGiven) {
  EXPECT_EQ(MustParse("*/5 * * * *").text(), "*/5 * * * *");
  EXPECT_EQ(MustParse("@every 5m").text(), "@every 5m");
}

TEST(CronScheduleTest, ImpossibleSchedulesNeverRun) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  for (const char* expression : {"0 0 30 2 *", "0 0 31 2 *", "0 0 31 4,6,9,11 *"}) {
    SCOPED_TRACE(expression);
    const CronSchedule schedule = MustParse(expression);
    EXPECT_EQ(schedule.Next(At("2024-01-01T00:00:00Z")), absl::InfiniteFuture());
    EXPECT_EQ(schedule.Next(At("2024-01-01T00:00:00Z"), paris), absl::InfiniteFuture());
    EXPECT_THAT(schedule.Between(At("2024-01-01T00:00:00Z"), absl::InfiniteFuture(), 10),
                IsEmpty());
  }
}

TEST(CronScheduleTest, NextAfterAnInfiniteTimeIsInfiniteFuture) {
  const CronSchedule schedule = MustParse("* * * * *");
  EXPECT_EQ(schedule.Next(absl::InfiniteFuture()), absl::InfiniteFuture());
  EXPECT_EQ(schedule.Next(absl::InfinitePast()), absl::InfiniteFuture());
}

TEST(CronScheduleTest, BetweenListsEveryOccurrenceInTheHalfOpenInterval) {
  const CronSchedule schedule = MustParse("*/15 * * * *");
  const std::vector<absl::Time> runs =
      schedule.Between(At("2024-01-15T10:00:00Z"), At("2024-01-15T12:00:00Z"), 100);
  ASSERT_THAT(runs, SizeIs(8));
  EXPECT_EQ(runs.front(), At("2024-01-15T10:15:00Z"));  // `from` is excluded
  EXPECT_EQ(runs.back(), At("2024-01-15T12:00:00Z"));   // `to` is included
}

TEST(CronScheduleTest, BetweenStopsAtTheLimit) {
  const CronSchedule schedule = MustParse("@every 5m");
  EXPECT_THAT(schedule.Between(At("2024-01-15T10:00:00Z"), absl::InfiniteFuture(), 3),
              ElementsAre(At("2024-01-15T10:05:00Z"), At("2024-01-15T10:10:00Z"),
                          At("2024-01-15T10:15:00Z")));
  EXPECT_THAT(schedule.Between(At("2024-01-15T10:00:00Z"), absl::InfiniteFuture(), 0), IsEmpty());
  EXPECT_THAT(schedule.Between(At("2024-01-15T10:00:00Z"), At("2024-01-15T10:04:00Z"), 10),
              IsEmpty());
}

TEST(CronScheduleTest, FieldsMatchTheWallClockOfTheZone) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  const CronSchedule schedule = MustParse("0 3 * * *");
  EXPECT_EQ(schedule.Next(At("2024-01-15T00:00:00Z"), paris), At("2024-01-15T03:00:00+01:00"));
  EXPECT_EQ(schedule.Next(At("2024-07-01T00:00:00Z"), paris), At("2024-07-01T03:00:00+02:00"));
}

// Europe/Paris, 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00 UTC).
TEST(CronScheduleTest, FixedTimeSkippedBySpringForwardRunsOnceAtTheChange) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  EXPECT_THAT(MustParse("30 2 * * *")
                  .Between(At("2024-03-30T00:00:00Z"), At("2024-04-02T00:00:00Z"), 10, paris),
              ElementsAre(At("2024-03-30T02:30:00+01:00"), At("2024-03-31T03:00:00+02:00"),
                          At("2024-04-01T02:30:00+02:00")));
  // Skipped times and the time of the change itself make one run.
  EXPECT_THAT(MustParse("0,30 2,3 * * *")
                  .Between(At("2024-03-31T00:00:00Z"), At("2024-03-31T03:00:00Z"), 10, paris),
              ElementsAre(At("2024-03-31T03:00:00+02:00"), At("2024-03-31T03:30:00+02:00")));
}

TEST(CronScheduleTest, WildcardTimesSkippedBySpringForwardDoNotRun) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  // Every 30 real minutes, whatever the clocks say.
  EXPECT_THAT(MustParse("*/30 * * * *")
                  .Between(At("2024-03-31T00:00:00Z"), At("2024-03-31T02:00:00Z"), 10, paris),
              ElementsAre(At("2024-03-31T01:30:00+01:00"), At("2024-03-31T03:00:00+02:00"),
                          At("2024-03-31T03:30:00+02:00"), At("2024-03-31T04:00:00+02:00")));
  EXPECT_EQ(MustParse("15 * * * *").Next(At("2024-03-31T01:30:00+01:00"), paris),
            At("2024-03-31T03:15:00+02:00"));
  EXPECT_EQ(MustParse("* * * * *").Next(At("2024-03-31T01:59:00+01:00"), paris),
            At("2024-03-31T03:00:00+02:00"));
}

// Europe/Paris, 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00 UTC), so
// 02:00-02:59 happens twice.
TEST(CronScheduleTest, FixedTimeRepeatedByFallBackRunsOnce) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  const CronSchedule schedule = MustParse("30 2 * * *");
  EXPECT_THAT(schedule.Between(At("2024-10-26T00:00:00Z"), At("2024-10-29T00:00:00Z"), 10, paris),
              ElementsAre(At("2024-10-26T02:30:00+02:00"), At("2024-10-27T02:30:00+02:00"),
                          At("2024-10-28T02:30:00+01:00")));
  // From between the two passes through 02:30, the next run is the next day.
  EXPECT_EQ(schedule.Next(At("2024-10-27T02:45:00+02:00"), paris), At("2024-10-28T02:30:00+01:00"));
  EXPECT_EQ(schedule.Next(At("2024-10-27T02:10:00+01:00"), paris), At("2024-10-28T02:30:00+01:00"));
}

TEST(CronScheduleTest, WildcardTimesRepeatedByFallBackRunTwice) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  EXPECT_THAT(MustParse("*/30 * * * *")
                  .Between(At("2024-10-26T23:45:00Z"), At("2024-10-27T02:00:00Z"), 10, paris),
              ElementsAre(At("2024-10-27T02:00:00+02:00"), At("2024-10-27T02:30:00+02:00"),
                          At("2024-10-27T02:00:00+01:00"), At("2024-10-27T02:30:00+01:00"),
                          At("2024-10-27T03:00:00+01:00")));
  const CronSchedule hourly = MustParse("15 * * * *");
  EXPECT_THAT(
      hourly.Between(At("2024-10-27T01:30:00+02:00"), At("2024-10-27T03:30:00+01:00"), 10, paris),
      ElementsAre(At("2024-10-27T02:15:00+02:00"), At("2024-10-27T02:15:00+01:00"),
                  At("2024-10-27T03:15:00+01:00")));
  // From the first pass, the second pass comes before 03:00.
  EXPECT_EQ(MustParse("*/15 * * * *").Next(At("2024-10-27T02:50:00+02:00"), paris),
            At("2024-10-27T02:00:00+01:00"));
}

TEST(CronScheduleTest, ClockChangesOfThreeHoursOrMoreAreNotTreatedAsDst) {
  // Samoa skipped 2011-12-30: 23:59:59 -10:00 on the 29th, then 00:00 +14:00 on the 31st.
  const absl::TimeZone apia = LoadZone("Pacific/Apia");
  EXPECT_EQ(MustParse("0 12 * * *").Next(At("2011-12-29T12:00:00-10:00"), apia),
            At("2011-12-31T12:00:00+14:00"));
}

TEST(CronScheduleTest, EveryIgnoresTheTimeZone) {
  const absl::TimeZone paris = LoadZone("Europe/Paris");
  EXPECT_EQ(MustParse("@every 1d").Next(At("2024-01-15T10:00:00Z"), paris),
            At("2024-01-16T00:00:00Z"));
  EXPECT_THAT(MustParse("@every 30m")
                  .Between(At("2024-03-31T00:00:00Z"), At("2024-03-31T02:00:00Z"), 10, paris),
              SizeIs(4));
}

struct BadCase {
  const char* expression;
  const char* message;
};

TEST(CronScheduleTest, ParseRejectsBadExpressionsNamingTheFieldAndTheProblem) {
  const BadCase kCases[] = {
      {"", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"},
      {"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
      {"* * * * * *", "got 6"},
      {"61 * * * *", "minute: 61 is out of range 0-59"},
      {"99999999999 * * * *", "minute: 99999999999 is out of range 0-59"},
      {"* 24 * * *", "hour: 24 is out of range 0-23"},
      {"* * 0 * *", "day-of-month: 0 is out of range 1-31"},
      {"* * 32 * *", "day-of-month: 32 is out of range 1-31"},
      {"* * * 13 *", "month: 13 is out of range 1-12"},
      {"* * * * 8", "day-of-week: 8 is out of range 0-7"},
      {"*/0 * * * *", "minute: step 0 is out of range 1-60"},
      {"0-30/0 * * * *", "minute: step 0 is out of range 1-60"},
      {"* */25 * * *", "hour: step 25 is out of range 1-24"},
      {"*/ * * * *", "minute: expected a step number after \"/\""},
      {"5/10 * * * *", "minute: a step needs * or a range before it"},
      {"30-10 * * * *", "minute: range 30-10 is reversed"},
      {"* * * * FRI-MON", "day-of-week: range FRI-MON is reversed"},
      {"1,,2 * * * *", "minute: empty list item"},
      {"1, * * * *", "minute: empty list item"},
      {"* * ,1 * *", "day-of-month: empty list item"},
      {"* * * FOO *", "month: unknown name \"FOO\" (expected JAN-DEC)"},
      {"* * * JANUARY *", "month: unknown name \"JANUARY\""},
      {"* * * * funday", "day-of-week: unknown name \"funday\" (expected SUN-SAT)"},
      {"abc * * * *", "minute: expected a number at \"abc\""},
      {"-1 * * * *", "minute: expected a number at \"-1\""},
      {"1- * * * *", "minute: expected a number at \"\" in \"1-\""},
      {"5x * * * *", "minute: unexpected \"x\" in \"5x\""},
      {"1-5-7 * * * *", "minute: unexpected \"-7\" in \"1-5-7\""},
      {"*/5/2 * * * *", "minute: unexpected \"/2\" in \"*/5/2\""},
      {"** * * * *", "minute: unexpected \"*\" in \"**\""},
      {"@fortnightly", "unknown macro \"@fortnightly\""},
      {"@daily now", "@daily takes no arguments"},
      {"@every", "@every takes exactly one duration"},
      {"@every 5m 10m", "@every takes exactly one duration"},
      {"@every 5s", "@every: expected a whole number of minutes, hours or days"},
      {"@every 1.5h", "@every: expected a whole number of minutes, hours or days"},
      {"@every m", "@every: expected a whole number of minutes, hours or days"},
      {"@every 0m", "@every: the duration must be positive"},
      {"@every 367d", "@every: \"367d\" is longer than the maximum of 366d"},
      {"@every 99999999999m", "is longer than the maximum of 366d"},
  };
  for (const BadCase& c : kCases) {
    SCOPED_TRACE(::testing::Message() << '"' << c.expression << '"');
    const absl::StatusOr<CronSchedule> schedule = CronSchedule::Parse(c.expression);
    EXPECT_THAT(schedule, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
    EXPECT_THAT(schedule, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr(std::string("invalid cron expression \"") +
                                             c.expression + "\": ")));
  }
}

}  // namespace
}  // namespace kiosk::jobs
