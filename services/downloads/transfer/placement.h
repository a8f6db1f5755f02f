// Where a transferred file lands: the source as found on disk, and the name
// chosen in the destination folder after looking at what is already there
// (nothing, the identical file, or a different one, per OnExisting).
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_PLACEMENT_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_PLACEMENT_H_

#include <sys/stat.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/downloads/transfer/library_path.h"
#include "services/downloads/transfer/transfer.h"

namespace kiosk::downloads::transfer {

struct Source {
  std::string path;
  struct stat st;
};

// The source must be an absolute path to a regular file, not a symbolic
// link: INVALID_ARGUMENT, NOT_FOUND or FAILED_PRECONDITION otherwise.
absl::StatusOr<Source> StatSource(const std::string& path);

// "<folder>/<name>", absolute.
std::string Join(const LibraryFolder& folder, absl::string_view name);

struct Target {
  std::string name;
  bool already_done = false;
  bool same_inode = false;  // already_done by a hardlink to the source
  bool replace = false;     // kReplaceIfSame over an identical copy
};

// Chooses the name in `folder`: the requested one when free; when taken by
// identical content, already_done (or replace, for kReplaceIfSame with a
// possible link); when taken by a different file, FAILED_PRECONDITION, or the
// first free or identical "Name (n).ext" for kKeepBoth.
absl::StatusOr<Target> ChooseTarget(const LibraryFolder& folder, const Source& source,
                                    const TransferRequest& request, bool can_link);

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_PLACEMENT_H_
