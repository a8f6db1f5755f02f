// The signature of a webhook delivery, for the sender and for receivers
// written in C++ (tests, tools).
//
// Each delivery carries
//   X-Kiosk-Timestamp: <unix seconds when this attempt was sent>
//   X-Kiosk-Signature: sha256=<lowercase hex HMAC-SHA256(secret, "<timestamp>.<body>")>
// where <body> is the raw request body, byte for byte. A receiver recomputes
// the HMAC over the same string, compares in constant time, and rejects a
// timestamp far from its clock (a replayed request):
//
//   absl::Status ok = webhooks::VerifySignature(secret, request.Header("X-Kiosk-Timestamp"),
//                                               request.body,
//                                               request.Header("X-Kiosk-Signature"),
//                                               absl::Now());
#ifndef KIOSK_COMMON_WEBHOOKS_SIGNATURE_H_
#define KIOSK_COMMON_WEBHOOKS_SIGNATURE_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kiosk::webhooks {

// Lowercase hex HMAC-SHA256 of `data` with `key`.
std::string HmacSha256Hex(absl::string_view key, absl::string_view data);

// "<timestamp>.<body>": the string that is signed.
std::string SignedString(int64_t timestamp, absl::string_view body);

// The X-Kiosk-Signature value: "sha256=" + HmacSha256Hex(secret, SignedString(...)).
std::string SignatureHeaderValue(absl::string_view secret, int64_t timestamp,
                                 absl::string_view body);

// OK when `signature` is the signature of `body` at `timestamp` (both as
// received in the headers) and `timestamp` is within `tolerance` of `now`.
// UNAUTHENTICATED otherwise, saying which check failed.
absl::Status VerifySignature(absl::string_view secret, absl::string_view timestamp,
                             absl::string_view body, absl::string_view signature, absl::Time now,
                             absl::Duration tolerance = absl::Minutes(5));

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_SIGNATURE_H_
