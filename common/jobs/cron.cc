#include "common/jobs/cron.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace kiosk::jobs {
namespace {

constexpr char kWhitespace[] = " \t\n\r\f\v";

// cron(8): clock changes of this size or more are corrections, not DST.
constexpr absl::Duration kMaxDstShift = absl::Hours(3);
constexpr int64_t kMaxEveryMinutes = int64_t{366} * 24 * 60;

constexpr absl::string_view kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                             "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr absl::string_view kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct FieldSpec {
  absl::string_view name;
  int min;
  int max;
  // names[i] stands for the value min + i; empty if the field takes only numbers.
  std::span<const absl::string_view> names;
};

constexpr FieldSpec kFields[] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, kMonthNames},
    {"day-of-week", 0, 7, kDayNames},  // 7 is Sunday too
};

struct Macro {
  absl::string_view name;
  absl::string_view fields;
};

constexpr Macro kMacros[] = {
    {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
};

struct ParsedField {
  uint64_t bits = 0;
  bool star = false;  // the field starts with `*`
};

absl::Status FieldError(const FieldSpec& field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field.name, ": ", problem));
}

// Consumes a leading run of characters satisfying `pred` from `rest`.
template <typename Pred>
absl::string_view ConsumeWhile(absl::string_view& rest, Pred pred) {
  size_t n = 0;
  while (n < rest.size() && pred(rest[n])) ++n;
  absl::string_view consumed = rest.substr(0, n);
  rest.remove_prefix(n);
  return consumed;
}

// Parses a whole number of at most 9 digits (so it fits an int).
std::optional<int> ToInt(absl::string_view digits) {
  int value = 0;
  if (digits.empty() || digits.size() > 9 || !absl::SimpleAtoi(digits, &value)) {
    return std::nullopt;
  }
  return value;
}

// Consumes one value (a number or a name) of `field` from the front of `rest`.
absl::StatusOr<int> ParseValue(absl::string_view& rest, const FieldSpec& field,
                               absl::string_view item) {
  if (!rest.empty() && absl::ascii_isdigit(rest.front())) {
    const absl::string_view digits = ConsumeWhile(rest, absl::ascii_isdigit);
    const std::optional<int> value = ToInt(digits);
    if (!value || *value < field.min || *value > field.max) {
      return FieldError(field,
                        absl::StrCat(digits, " is out of range ", field.min, "-", field.max));
    }
    return *value;
  }
  if (!field.names.empty() && !rest.empty() && absl::ascii_isalpha(rest.front())) {
    const absl::string_view word = ConsumeWhile(rest, absl::ascii_isalpha);
    for (size_t i = 0; i < field.names.size(); ++i) {
      if (absl::EqualsIgnoreCase(word, field.names[i])) return field.min + static_cast<int>(i);
    }
    return FieldError(field, absl::StrCat("unknown name \"", word, "\" (expected ",
                                          field.names.front(), "-", field.names.back(), ")"));
  }
  return FieldError(field, absl::StrCat("expected a number", field.names.empty() ? "" : " or name",
                                        " at \"", rest, "\" in \"", item, "\""));
}

// Adds one list item (`*`, `a`, `a-b`, `*/n` or `a-b/n`) to `bits`.
absl::Status ParseItem(absl::string_view item, const FieldSpec& field, uint64_t& bits) {
  if (item.empty()) return FieldError(field, "empty list item");
  absl::string_view rest = item;
  int low = field.min;
  int high = field.max;
  bool range = true;
  if (!absl::ConsumePrefix(&rest, "*")) {
    const absl::string_view range_start = rest;
    absl::StatusOr<int> first = ParseValue(rest, field, item);
    if (!first.ok()) return first.status();
    low = high = *first;
    range = absl::ConsumePrefix(&rest, "-");
    if (range) {
      absl::StatusOr<int> last = ParseValue(rest, field, item);
      if (!last.ok()) return last.status();
      high = *last;
      if (low > high) {
        const absl::string_view text = range_start.substr(0, range_start.size() - rest.size());
        return FieldError(field, absl::StrCat("range ", text, " is reversed"));
      }
    }
  }
  int step = 1;
  if (absl::ConsumePrefix(&rest, "/")) {
    if (!range) {
      return FieldError(field, absl::StrCat("a step needs * or a range before it, got \"", item,
                                            "\" (write ", low, "-", field.max, "/...)"));
    }
    const absl::string_view digits = ConsumeWhile(rest, absl::ascii_isdigit);
    if (digits.empty()) {
      return FieldError(field,
                        absl::StrCat("expected a step number after \"/\" in \"", item, "\""));
    }
    const int max_step = field.max - field.min + 1;
    const std::optional<int> value = ToInt(digits);
    if (!value || *value < 1 || *value > max_step) {
      return FieldError(field, absl::StrCat("step ", digits, " is out of range 1-", max_step));
    }
    step = *value;
  }
  if (!rest.empty()) {
    return FieldError(field, absl::StrCat("unexpected \"", rest, "\" in \"", item, "\""));
  }
  for (int value = low; value <= high; value += step) bits |= uint64_t{1} << value;
  return absl::OkStatus();
}

absl::StatusOr<ParsedField> ParseField(absl::string_view text, const FieldSpec& field) {
  ParsedField parsed;
  parsed.star = absl::StartsWith(text, "*");
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    if (absl::Status status = ParseItem(item, field, parsed.bits); !status.ok()) return status;
  }
  return parsed;
}

// "5m", "2h", "1d" -> minutes.
absl::StatusOr<int64_t> ParseEvery(absl::string_view duration) {
  absl::string_view rest = duration;
  const absl::string_view digits = ConsumeWhile(rest, absl::ascii_isdigit);
  const std::string unit = absl::AsciiStrToLower(rest);
  int64_t per_unit = 0;
  if (unit == "m") {
    per_unit = 1;
  } else if (unit == "h") {
    per_unit = 60;
  } else if (unit == "d") {
    per_unit = 24 * 60;
  }
  const std::optional<int> count = ToInt(digits);
  if (digits.empty() || per_unit == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "@every: expected a whole number of minutes, hours or days such as 5m, 2h or 1d, got \"",
        duration, "\""));
  }
  if (count.has_value() && *count == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("@every: the duration must be positive, got \"", duration, "\""));
  }
  if (!count.has_value() || *count * per_unit > kMaxEveryMinutes) {
    return absl::InvalidArgumentError(
        absl::StrCat("@every: \"", duration, "\" is longer than the maximum of 366d"));
  }
  return *count * per_unit;
}

bool Has(uint64_t bits, int value) { return (bits >> value) & 1; }

// The smallest set bit >= from, or -1.
int NextBit(uint64_t bits, int from) {
  const uint64_t rest = bits & (~uint64_t{0} << from);
  return rest == 0 ? -1 : std::countr_zero(rest);
}

// Wall clock <-> instant at a fixed UTC offset (seconds east of UTC).
absl::CivilSecond ToCivil(absl::Time t, int offset) {
  return absl::ToCivilSecond(t + absl::Seconds(offset), absl::UTCTimeZone());
}
absl::Time FromCivil(absl::CivilSecond cs, int offset) {
  return absl::FromCivil(cs, absl::UTCTimeZone()) - absl::Seconds(offset);
}

// The first whole minute at or after `cs`.
absl::CivilMinute CeilMinute(absl::CivilSecond cs) {
  const absl::CivilMinute minute(cs);
  return absl::CivilSecond(minute) < cs ? minute + 1 : minute;
}

}  // namespace

absl::StatusOr<CronSchedule> CronSchedule::Parse(absl::string_view expression) {
  auto invalid = [expression](absl::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid cron expression \"", absl::CHexEscape(expression), "\": ", problem));
  };
  CronSchedule schedule;
  schedule.text_ = std::string(expression);
  const std::vector<absl::string_view> tokens =
      absl::StrSplit(expression, absl::ByAnyChar(kWhitespace), absl::SkipEmpty());
  std::vector<absl::string_view> fields = tokens;

  if (!tokens.empty() && absl::StartsWith(tokens[0], "@")) {
    const std::string macro = absl::AsciiStrToLower(tokens[0]);
    if (macro == "@every") {
      if (tokens.size() != 2) {
        return invalid("@every takes exactly one duration, e.g. \"@every 5m\"");
      }
      absl::StatusOr<int64_t> minutes = ParseEvery(tokens[1]);
      if (!minutes.ok()) return invalid(minutes.status().message());
      schedule.every_minutes_ = *minutes;
      return schedule;
    }
    const auto* found = std::find_if(std::begin(kMacros), std::end(kMacros),
                                     [&macro](const Macro& m) { return m.name == macro; });
    if (found == std::end(kMacros)) {
      return invalid(absl::StrCat("unknown macro \"", tokens[0],
                                  "\" (expected @yearly, @annually, @monthly, @weekly, @daily, "
                                  "@midnight, @hourly or @every <duration>)"));
    }
    if (tokens.size() != 1) {
      return invalid(absl::StrCat(tokens[0], " takes no arguments, got \"", tokens[1], "\""));
    }
    fields = absl::StrSplit(found->fields, ' ');
  }

  if (fields.size() != std::size(kFields)) {
    return invalid(absl::StrCat(
        "expected 5 fields (minute hour day-of-month month day-of-week), got ", fields.size()));
  }
  ParsedField parsed[std::size(kFields)];
  for (size_t i = 0; i < std::size(kFields); ++i) {
    absl::StatusOr<ParsedField> field = ParseField(fields[i], kFields[i]);
    if (!field.ok()) return invalid(field.status().message());
    parsed[i] = *field;
  }
  schedule.minutes_ = parsed[0].bits;
  schedule.hours_ = parsed[1].bits;
  schedule.days_of_month_ = parsed[2].bits;
  schedule.months_ = parsed[3].bits;
  // Fold 7 into 0: both are Sunday.
  schedule.days_of_week_ = (parsed[4].bits | (parsed[4].bits >> 7)) & 0x7f;
  schedule.day_of_month_star_ = parsed[2].star;
  schedule.day_of_week_star_ = parsed[4].star;
  schedule.fixed_time_ = !parsed[0].star && !parsed[1].star;
  return schedule;
}

bool CronSchedule::DayMatches(absl::CivilDay day) const {
  const bool day_of_month = Has(days_of_month_, day.day());
  // absl::Weekday counts from Monday = 0; cron from Sunday = 0.
  const int weekday = (static_cast<int>(absl::GetWeekday(day)) + 1) % 7;
  const bool day_of_week = Has(days_of_week_, weekday);
  if (day_of_month_star_ || day_of_week_star_) return day_of_month && day_of_week;
  return day_of_month || day_of_week;
}

absl::CivilMinute CronSchedule::FirstMatch(absl::CivilMinute lo, absl::CivilMinute hi) const {
  absl::CivilMinute c = lo;
  while (c < hi) {
    if (!Has(months_, c.month())) {
      c = absl::CivilMonth(c) + 1;
      continue;
    }
    const absl::CivilDay day(c);
    if (!DayMatches(day)) {
      c = day + 1;
      continue;
    }
    const int hour = NextBit(hours_, c.hour());
    if (hour < 0) {
      c = day + 1;
      continue;
    }
    if (hour != c.hour()) c = absl::CivilMinute(c.year(), c.month(), c.day(), hour, 0);
    const int minute = NextBit(minutes_, c.minute());
    if (minute < 0) {
      c = absl::CivilHour(c) + 1;
      continue;
    }
    c = absl::CivilMinute(c.year(), c.month(), c.day(), c.hour(), minute);
    break;
  }
  return std::min(c, hi);
}

absl::Time CronSchedule::NextEvery(absl::Time after) const {
  const int64_t period = every_minutes_ * 60;
  const int64_t seconds = absl::ToUnixSeconds(after);  // rounds down
  int64_t periods = seconds / period;
  if (seconds % period < 0) --periods;  // floor for times before 1970
  return absl::FromUnixSeconds((periods + 1) * period);
}

// Walks the zone's segments of constant UTC offset, starting with the one
// holding `after`. Inside a segment the wall clock is a plain shift of UTC, so
// FirstMatch() finds the first matching wall-clock minute; a fall-back
// transition makes the next segment revisit wall-clock times (wildcard jobs
// run again, fixed-time jobs skip them), and a spring-forward transition jumps
// over some (fixed-time jobs due in the gap run at the transition).
absl::Time CronSchedule::Next(absl::Time after, absl::TimeZone zone) const {
  if (after == absl::InfiniteFuture() || after == absl::InfinitePast()) {
    return absl::InfiniteFuture();
  }
  if (every_minutes_ > 0) return NextEvery(after);

  const absl::Time limit = after + kSearchHorizon;
  absl::Time segment_start = after;
  // The transition that opened the current segment; unset for the first one,
  // where everything before `after` is irrelevant anyway.
  std::optional<absl::TimeZone::CivilTransition> entered;
  while (segment_start < limit) {
    const int offset = zone.At(segment_start).offset;
    absl::TimeZone::CivilTransition next;
    const bool has_next = zone.NextTransition(segment_start, &next);
    const absl::Time segment_end = has_next ? std::min(limit, zone.At(next.to).trans) : limit;
    const absl::CivilMinute hi = CeilMinute(ToCivil(segment_end, offset));

    if (entered.has_value() && fixed_time_ && entered->to > entered->from &&
        entered->to - entered->from < absl::ToInt64Seconds(kMaxDstShift)) {
      const absl::CivilMinute gap_end = CeilMinute(entered->to);
      if (FirstMatch(CeilMinute(entered->from), gap_end) < gap_end) return segment_start;
    }

    const absl::CivilMinute lo = entered.has_value() ? CeilMinute(ToCivil(segment_start, offset))
                                                     : CeilMinute(ToCivil(after, offset) + 1);
    for (absl::CivilMinute c = FirstMatch(lo, hi); c < hi; c = FirstMatch(c + 1, hi)) {
      const absl::Time t = FromCivil(c, offset);
      if (fixed_time_) {
        const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(c));
        const bool second_pass = info.kind == absl::TimeZone::TimeInfo::REPEATED && t != info.pre &&
                                 info.post - info.pre < kMaxDstShift;
        if (second_pass) continue;
      }
      return t;
    }
    if (!has_next) break;
    segment_start = segment_end;
    entered = next;
  }
  return absl::InfiniteFuture();
}

std::vector<absl::Time> CronSchedule::Between(absl::Time from, absl::Time to, int limit,
                                              absl::TimeZone zone) const {
  std::vector<absl::Time> times;
  if (limit <= 0) return times;
  for (absl::Time t = Next(from, zone); t <= to && t != absl::InfiniteFuture(); t = Next(t, zone)) {
    times.push_back(t);
    if (static_cast<int>(times.size()) >= limit) break;
  }
  return times;
}

}  // namespace kiosk::jobs
