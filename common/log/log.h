// Structured logs: one line per event, logfmt, on stderr.
//
//   kiosk::log::Init("kiosk-users", kiosk::log::Level::kInfo);
//   kiosk::log::Info("listening").With("addr", addr).With("port", port);
//
// prints
//   ts=2026-11-25T04:21:00.123Z level=info service=kiosk-users event=listening addr=127.0.0.1:50051 port=50051
//
// The line is written when the temporary Event is destroyed (end of the
// statement), with one write() so lines from several threads never mix.
// Never pass a secret as a value: nothing here can tell it is one.
#ifndef KIOSK_COMMON_LOG_LOG_H_
#define KIOSK_COMMON_LOG_LOG_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn"/"warning", "error" (any case).
absl::StatusOr<Level> ParseLevel(absl::string_view text);
absl::string_view LevelName(Level level);

// Sets the service name printed on every line and the lowest level printed.
void Init(absl::string_view service, Level min_level);

// Replaces stderr as the destination (tests). Pass nullptr to restore stderr.
void SetSinkForTesting(std::function<void(absl::string_view line)> sink);

class Event {
 public:
  Event(Level level, absl::string_view event);
  ~Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  Event& With(absl::string_view key, absl::string_view value);
  Event& With(absl::string_view key, const std::string& value) {
    return With(key, absl::string_view(value));
  }
  Event& With(absl::string_view key, const char* value) {
    return With(key, absl::string_view(value));
  }
  Event& With(absl::string_view key, int64_t value);
  Event& With(absl::string_view key, int value) { return With(key, int64_t{value}); }
  Event& With(absl::string_view key, uint64_t value);
  Event& With(absl::string_view key, double value);
  Event& With(absl::string_view key, bool value);
  // Adds `code` and `error` fields.
  Event& With(const absl::Status& status);

 private:
  bool enabled_;
  std::string line_;
};

inline Event Debug(absl::string_view event) { return Event(Level::kDebug, event); }
inline Event Info(absl::string_view event) { return Event(Level::kInfo, event); }
inline Event Warn(absl::string_view event) { return Event(Level::kWarn, event); }
inline Event Error(absl::string_view event) { return Event(Level::kError, event); }

// Quotes a logfmt value when it needs it (spaces, '=', quotes, control
// characters, empty). Exposed for tests.
std::string QuoteValue(absl::string_view value);

}  // namespace kiosk::log

#endif  // KIOSK_COMMON_LOG_LOG_H_
