#include "common/retry_after.h"

#include <algorithm>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

namespace kiosk {
namespace {
constexpr char kPayloadUrl[] = "type.kiosk/retry-after-seconds";
}  // namespace

absl::Status WithRetryAfter(absl::Status status, absl::Duration after) {
  const int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(after, absl::Seconds(1))));
  status.SetPayload(kPayloadUrl, absl::Cord(absl::StrCat(seconds)));
  return status;
}

std::optional<int64_t> RetryAfterSeconds(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kPayloadUrl);
  int64_t seconds = 0;
  if (!payload || !absl::SimpleAtoi(std::string(*payload), &seconds)) return std::nullopt;
  return seconds;
}

}  // namespace kiosk
