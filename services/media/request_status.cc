#include "services/media/request_status.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace kiosk::media {
namespace {

using Edges = std::map<std::string, std::set<std::string>, std::less<>>;

// The allowed transitions, in one table. "failed" is reachable from every
// status still moving; a finished request (declined, cancelled) moves only
// by an admin's decision.
const Edges& AllowedEdges() {
  static const Edges* edges = new Edges{
      {kPending, {kApproved, kDeclined, kCancelled, kFailed}},
      {kApproved,
       {kProcessing, kDownloading, kImporting, kAvailable, kPartiallyAvailable, kFailed}},
      {kProcessing, {kDownloading, kImporting, kAvailable, kPartiallyAvailable, kFailed}},
      {kDownloading, {kProcessing, kImporting, kAvailable, kPartiallyAvailable, kFailed}},
      {kImporting, {kDownloading, kAvailable, kPartiallyAvailable, kFailed}},
      {kAvailable, {kPartiallyAvailable, kPending, kFailed}},
      {kPartiallyAvailable, {kAvailable, kPending, kProcessing, kDownloading, kImporting, kFailed}},
      {kFailed, {kApproved}},
      {kDeclined, {}},
      {kCancelled, {}},
  };
  return *edges;
}

}  // namespace

const std::vector<std::string>& RequestStatuses() {
  static const std::vector<std::string>* all = new std::vector<std::string>{
      kPending,   kApproved,  kDeclined,           kProcessing, kDownloading,
      kImporting, kAvailable, kPartiallyAvailable, kFailed,     kCancelled};
  return *all;
}

bool IsRequestStatus(absl::string_view status) {
  const auto& all = RequestStatuses();
  return std::find(all.begin(), all.end(), status) != all.end();
}

bool IsActiveStatus(absl::string_view status) {
  return status == kPending || status == kApproved || status == kProcessing ||
         status == kDownloading || status == kImporting;
}

bool IsTrackedStatus(absl::string_view status) {
  return status == kApproved || status == kProcessing || status == kDownloading ||
         status == kImporting || status == kAvailable || status == kPartiallyAvailable;
}

bool IsAllowedTransition(absl::string_view from, absl::string_view to) {
  auto it = AllowedEdges().find(from);
  return it != AllowedEdges().end() && it->second.count(std::string(to)) > 0;
}

absl::Status CheckTransition(absl::string_view from, absl::string_view to) {
  if (!IsRequestStatus(to)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown request status \"", to, "\"; use one of: ", absl::StrJoin(RequestStatuses(), ", ")));
  }
  if (IsAllowedTransition(from, to)) return absl::OkStatus();
  auto it = AllowedEdges().find(from);
  std::string allowed = it == AllowedEdges().end() || it->second.empty()
                            ? "none"
                            : absl::StrJoin(it->second, ", ");
  return absl::FailedPreconditionError(absl::StrCat("a ", from, " request cannot become ", to,
                                                    " (from ", from, ": ", allowed, ")"));
}

}  // namespace kiosk::media
