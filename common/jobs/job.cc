#include "common/jobs/job.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace kiosk::jobs {

bool IsJobStatus(const std::string& status) {
  return std::find(std::begin(kStatuses), std::end(kStatuses), status) != std::end(kStatuses);
}

bool IsJobKind(const std::string& kind) {
  if (kind.empty() || kind.size() > 100 || !absl::ascii_islower(kind[0])) return false;
  return std::all_of(kind.begin(), kind.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '_' || c == '.' || c == '-';
  });
}

}  // namespace kiosk::jobs
