// When periodic background jobs run (the replacement for Celery beat): a cron
// expression parsed once at startup into a CronSchedule that answers "when is
// the next run?".
//
//   ASSIGN_OR_RETURN(CronSchedule nightly, CronSchedule::Parse("30 3 * * *"));
//   absl::Time next = nightly.Next(absl::Now(), paris);  // 03:30 Paris time
//   std::vector<absl::Time> missed = nightly.Between(last_run, absl::Now(), 10, paris);
//
// Syntax: the standard 5 fields "minute hour day-of-month month day-of-week",
// separated by spaces or tabs. Each field is a comma-separated list of items;
// an item is `*`, a number `5`, a range `1-5`, or a step `*/15` or `1-30/10`
// (every 15th value of the field, every 10th of 1-30). Months take the names
// JAN-DEC and days of the week SUN-SAT, in any case; 0 and 7 are both Sunday.
// A step needs `*` or a range: `5/10` is an error (write `5-59/10`).
//
// Day-of-month and day-of-week follow Vixie cron, see crontab(5): if both
// fields are restricted (neither starts with `*`), a day matches when EITHER
// matches ("0 0 13 * FRI" runs on every 13th and on every Friday); otherwise
// both must match (so `*/2` counts as unrestricted, as in Vixie cron).
//
// Macros (any case): @yearly = @annually = "0 0 1 1 *", @monthly = "0 0 1 * *",
// @weekly = "0 0 * * 0", @daily = @midnight = "0 0 * * *", @hourly = "0 * * * *".
// "@every <N><unit>" with a whole number N >= 1 and unit m, h or d (up to 366
// days) runs every N minutes counted from the Unix epoch: the occurrences are
// the instants t with (t - 1970-01-01T00:00Z) % N minutes == 0. So "@every 15m"
// runs at :00, :15, :30 and :45, "@every 1d" at 00:00 UTC, and "@every 7m"
// every 7 real minutes, at minutes of the hour that shift from hour to hour
// because 7 does not divide 60. @every ignores the time zone and DST; use
// @daily for midnight in a local zone.
//
// Time zones and daylight saving time follow cron(8) as shipped by Debian.
// Fields are matched against the wall clock of the zone passed to Next().
//   - "Fixed-time" jobs, whose minute and hour fields do not start with `*`
//     (e.g. "30 2 * * *", @daily): a time skipped when the clocks go forward
//     runs once, at the moment of the change ("30 2 * * *" runs at 03:00 CEST
//     on the last Sunday of March in Europe/Paris); a time repeated when the
//     clocks go back runs only the first time (02:30 CEST, not again at
//     02:30 CET on the last Sunday of October).
//   - "Wildcard" jobs, whose minute or hour field starts with `*` (e.g.
//     "*/15 * * * *", "5 * * * *", @hourly), follow the new wall clock: their
//     skipped times do not run, and their repeated times run twice, so they
//     keep running at their real-time rhythm.
//   - As in cron(8), a change of 3 hours or more (e.g. Pacific/Apia skipping
//     2011-12-30) is not DST: every job just follows the new wall clock.
//
// Thread-safety: a CronSchedule is immutable; its methods are const and may be
// called concurrently.
#ifndef KIOSK_COMMON_JOBS_CRON_H_
#define KIOSK_COMMON_JOBS_CRON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kiosk::jobs {

class CronSchedule {
 public:
  // How far ahead Next() searches before concluding that a schedule never
  // runs: just over 9 years, enough for the longest gap between two runs of
  // a possible schedule ("0 0 29 2 *": Feb 29 2096 -> Feb 29 2104).
  static constexpr absl::Duration kSearchHorizon = absl::Hours(24 * 366 * 9);

  // Parses a cron expression (see the top of this file). Returns
  // INVALID_ARGUMENT naming the field and the problem for bad input, e.g.
  // `invalid cron expression "61 * * * *": minute: 61 is out of range 0-59`.
  static absl::StatusOr<CronSchedule> Parse(absl::string_view expression);

  // The first occurrence strictly after `after`, on a whole minute of `zone`'s
  // wall clock. Returns absl::InfiniteFuture() if there is none within
  // kSearchHorizon (impossible schedules such as "0 0 30 2 *") or if `after`
  // is infinite. Skips field by field (month, day, hour, minute), so a call
  // takes about 50 steps per year searched, even for impossible schedules.
  absl::Time Next(absl::Time after, absl::TimeZone zone = absl::UTCTimeZone()) const;

  // Every occurrence in (from, to], in order, at most `limit` of them (none if
  // limit <= 0): the runs missed while the service was down, or the next runs
  // shown by the schedule API (with `to` = absl::InfiniteFuture()).
  std::vector<absl::Time> Between(absl::Time from, absl::Time to, int limit,
                                  absl::TimeZone zone = absl::UTCTimeZone()) const;

  // The expression exactly as given to Parse().
  const std::string& text() const { return text_; }

 private:
  CronSchedule() = default;

  // Whether `day` matches the day-of-month and day-of-week fields.
  bool DayMatches(absl::CivilDay day) const;
  // The first civil minute in [lo, hi) that matches the fields, or hi if none.
  absl::CivilMinute FirstMatch(absl::CivilMinute lo, absl::CivilMinute hi) const;
  absl::Time NextEvery(absl::Time after) const;

  std::string text_;
  // Bit i is set when value i matches. Days of the week: 0 = Sunday.
  uint64_t minutes_ = 0;
  uint64_t hours_ = 0;
  uint64_t days_of_month_ = 0;
  uint64_t months_ = 0;
  uint64_t days_of_week_ = 0;
  bool day_of_month_star_ = false;
  bool day_of_week_star_ = false;
  // Minute and hour fields do not start with `*` (see DST above).
  bool fixed_time_ = false;
  // > 0 for "@every": the period in minutes, and the fields above are unused.
  int64_t every_minutes_ = 0;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_CRON_H_
