#include "common/webhooks/events.h"

#include <algorithm>

#include "absl/strings/match.h"

namespace kiosk::webhooks {

const std::vector<std::string>& KnownEvents() {
  static const auto* const kEvents = new std::vector<std::string>{
      kRequestCreated, kRequestApproved, kRequestDeclined, kRequestAvailable, kRequestFailed,
      kDownloadFailed, kTransferDone,    kUserCreated,     kWebhookTest};
  return *kEvents;
}

bool IsKnownEvent(absl::string_view event) {
  const std::vector<std::string>& known = KnownEvents();
  return std::find(known.begin(), known.end(), event) != known.end();
}

bool IsValidEventFilter(absl::string_view entry) {
  if (IsKnownEvent(entry)) return true;
  if (!absl::EndsWith(entry, ".*") || entry.size() < 3) return false;
  absl::string_view group = entry.substr(0, entry.size() - 1);  // "request."
  for (const std::string& event : KnownEvents()) {
    if (absl::StartsWith(event, group)) return true;
  }
  return false;
}

bool FilterMatches(const std::vector<std::string>& filter, absl::string_view event) {
  if (filter.empty()) return true;
  for (const std::string& entry : filter) {
    if (entry == event) return true;
    if (absl::EndsWith(entry, ".*") &&
        absl::StartsWith(event, absl::string_view(entry).substr(0, entry.size() - 1))) {
      return true;
    }
  }
  return false;
}

}  // namespace kiosk::webhooks
