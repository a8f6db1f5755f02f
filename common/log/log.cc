#include "common/log/log.h"

#include <unistd.h>

#include <atomic>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kiosk::log {
namespace {

struct State {
  std::mutex mu;
  std::string service = "kiosk";
  std::function<void(absl::string_view)> sink;
};

State& GetState() {
  static State* state = new State();  // never destroyed: logging may run during exit
  return *state;
}

std::atomic<int> g_min_level{static_cast<int>(Level::kInfo)};

void WriteAll(absl::string_view line) {
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n <= 0) return;  // nowhere left to report a logging failure
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace

absl::StatusOr<Level> ParseLevel(absl::string_view text) {
  std::string lower = absl::AsciiStrToLower(text);
  if (lower == "debug") return Level::kDebug;
  if (lower == "info") return Level::kInfo;
  if (lower == "warn" || lower == "warning") return Level::kWarn;
  if (lower == "error") return Level::kError;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", text, "\"; use debug, info, warn or error"));
}

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void Init(absl::string_view service, Level min_level) {
  State& state = GetState();
  std::lock_guard<std::mutex> lock(state.mu);
  state.service = std::string(service);
  g_min_level.store(static_cast<int>(min_level));
}

void SetSinkForTesting(std::function<void(absl::string_view)> sink) {
  State& state = GetState();
  std::lock_guard<std::mutex> lock(state.mu);
  state.sink = std::move(sink);
}

std::string QuoteValue(absl::string_view value) {
  bool needs_quotes = value.empty();
  for (char c : value) {
    if (c == ' ' || c == '=' || c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) {
      needs_quotes = true;
      break;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(&out, "\\x%02x", c);
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

Event::Event(Level level, absl::string_view event)
    : enabled_(static_cast<int>(level) >= g_min_level.load(std::memory_order_relaxed)) {
  if (!enabled_) return;
  std::string service;
  {
    State& state = GetState();
    std::lock_guard<std::mutex> lock(state.mu);
    service = state.service;
  }
  line_ = absl::StrCat(
      "ts=", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      " level=", LevelName(level), " service=", QuoteValue(service),
      " event=", QuoteValue(event));
}

Event::~Event() {
  if (!enabled_) return;
  line_ += '\n';
  State& state = GetState();
  std::function<void(absl::string_view)> sink;
  {
    std::lock_guard<std::mutex> lock(state.mu);
    sink = state.sink;
  }
  if (sink) {
    sink(line_);
  } else {
    WriteAll(line_);
  }
}

Event& Event::With(absl::string_view key, absl::string_view value) {
  if (enabled_) absl::StrAppend(&line_, " ", key, "=", QuoteValue(value));
  return *this;
}

Event& Event::With(absl::string_view key, int64_t value) {
  if (enabled_) absl::StrAppend(&line_, " ", key, "=", value);
  return *this;
}

Event& Event::With(absl::string_view key, uint64_t value) {
  if (enabled_) absl::StrAppend(&line_, " ", key, "=", value);
  return *this;
}

Event& Event::With(absl::string_view key, double value) {
  if (enabled_) absl::StrAppend(&line_, " ", key, "=", absl::StrFormat("%.3f", value));
  return *this;
}

Event& Event::With(absl::string_view key, bool value) {
  if (enabled_) absl::StrAppend(&line_, " ", key, "=", value ? "true" : "false");
  return *this;
}

Event& Event::With(const absl::Status& status) {
  if (!enabled_) return *this;
  With("code", absl::StatusCodeToString(status.code()));
  if (!status.ok()) With("error", status.message());
  return *this;
}

}  // namespace kiosk::log
