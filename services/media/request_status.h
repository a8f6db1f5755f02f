// The one state machine of a media request. Every status change in
// kiosk-media goes through CheckTransition, whoever asks for it (a user, an
// admin, kiosk-plex or kiosk-downloads).
//
//   pending  -> approved | declined | cancelled | failed
//   approved -> processing | downloading | importing | available | partially_available | failed
//   processing -> downloading | importing | available | partially_available | failed
//   downloading -> importing | available | partially_available | failed | processing
//   importing -> downloading | available | partially_available | failed
//   available -> partially_available | pending (gone from Plex) | failed
//   partially_available -> available | pending | processing | downloading | importing | failed
//   failed -> approved (Retry); declined and cancelled are final
//
//   RETURN_IF_ERROR(CheckTransition(current.status, "approved"));
#ifndef KIOSK_SERVICES_MEDIA_REQUEST_STATUS_H_
#define KIOSK_SERVICES_MEDIA_REQUEST_STATUS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kiosk::media {

inline constexpr char kPending[] = "pending";
inline constexpr char kApproved[] = "approved";
inline constexpr char kDeclined[] = "declined";
inline constexpr char kProcessing[] = "processing";
inline constexpr char kDownloading[] = "downloading";
inline constexpr char kImporting[] = "importing";
inline constexpr char kAvailable[] = "available";
inline constexpr char kPartiallyAvailable[] = "partially_available";
inline constexpr char kFailed[] = "failed";
inline constexpr char kCancelled[] = "cancelled";

// Every status, in workflow order.
const std::vector<std::string>& RequestStatuses();
bool IsRequestStatus(absl::string_view status);
// Statuses of a request still on its way (one per title, type and language).
bool IsActiveStatus(absl::string_view status);
// Statuses kiosk-plex may take back or confirm (approved and later, not failed).
bool IsTrackedStatus(absl::string_view status);

// Whether the machine allows `from` -> `to`.
bool IsAllowedTransition(absl::string_view from, absl::string_view to);
// OK, or FAILED_PRECONDITION naming both statuses (INVALID_ARGUMENT for an
// unknown status).
absl::Status CheckTransition(absl::string_view from, absl::string_view to);

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_REQUEST_STATUS_H_
