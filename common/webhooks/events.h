// The events plex-kiosk notifies webhooks of, by name, and the event filters
// admins give webhooks: a name ("request.created"), a group ("request.*"),
// or nothing at all (every event).
//
//   RETURN_IF_ERROR(webhooks::EmitEvent(queue, tx, webhooks::kRequestApproved, data));
//   if (webhooks::FilterMatches(hook.events, event)) ...
#ifndef KIOSK_COMMON_WEBHOOKS_EVENTS_H_
#define KIOSK_COMMON_WEBHOOKS_EVENTS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace kiosk::webhooks {

inline constexpr char kRequestCreated[] = "request.created";
inline constexpr char kRequestApproved[] = "request.approved";
inline constexpr char kRequestDeclined[] = "request.declined";
inline constexpr char kRequestAvailable[] = "request.available";
inline constexpr char kRequestFailed[] = "request.failed";
inline constexpr char kDownloadFailed[] = "download.failed";
inline constexpr char kTransferDone[] = "transfer.done";
inline constexpr char kUserCreated[] = "user.created";
// Sent by UsersService.TestWebhook to one webhook, whatever its filter.
inline constexpr char kWebhookTest[] = "webhook.test";

// Every event above, in this order.
const std::vector<std::string>& KnownEvents();
bool IsKnownEvent(absl::string_view event);

// A filter entry is a known event or "<group>.*" where some known event
// starts with "<group>." ("request.*").
bool IsValidEventFilter(absl::string_view entry);
// Empty filter = every event; otherwise `event` must match one entry.
bool FilterMatches(const std::vector<std::string>& filter, absl::string_view event);

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_EVENTS_H_
