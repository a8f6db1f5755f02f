#include "common/webhooks/outbox.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/webhooks/events.h"

namespace kiosk::webhooks {

std::string FormatRfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

std::string NewEventId() { return absl::BytesToHexString(RandomBytes(16)); }

absl::Status EmitEvent(const jobs::JobQueue& queue, pqxx::transaction_base& tx,
                       absl::string_view event, const nlohmann::json& data) {
  if (!IsKnownEvent(event)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown event \"", event, "\""));
  }
  if (!data.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("event ", event, ": data must be an object"));
  }
  const nlohmann::json payload = {{"event", std::string(event)},
                                  {"event_id", NewEventId()},
                                  {"occurred_at", FormatRfc3339(absl::Now())},
                                  {"data", data}};
  jobs::EnqueueOptions options;
  options.max_attempts = kDispatchMaxAttempts;
  absl::StatusOr<std::optional<int64_t>> id =
      queue.Enqueue(tx, kDispatchKind, payload.dump(), options);
  return id.status();
}

}  // namespace kiosk::webhooks
