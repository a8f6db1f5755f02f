// Resolves a destination inside the library root without ever leaving it:
// "..", absolute paths and empty components are refused before touching the
// disk, and every existing folder on the way is opened with O_NOFOLLOW; a
// symbolic link is followed only when its real target stays inside the root.
// The returned folder descriptor is what the transfer writes through, so a
// name checked here is the name written.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_LIBRARY_PATH_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_LIBRARY_PATH_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/downloads/transfer/unique_fd.h"

namespace kiosk::downloads::transfer {

struct LibraryFolder {
  UniqueFd dir;  // the destination folder (invalid when it does not exist yet and create=false)
  std::string dir_path;  // its absolute real path (as it will be when missing)
  std::string name;      // the file name inside it
  dev_t device = 0;      // st_dev of the deepest folder that exists
};

// INVALID_ARGUMENT unless `relative` is a plain relative path: not empty, not
// absolute, no "", "." or ".." component, no NUL byte.
absl::Status ValidateRelativeDestination(absl::string_view relative);

// Opens the folder of `relative` under `library_root`, creating missing
// folders (mode 0755) when `create`. INVALID_ARGUMENT on an escape (bad path,
// symbolic link leading outside, the final name being a symbolic link),
// FAILED_PRECONDITION when the root is missing or a path part is not a folder.
absl::StatusOr<LibraryFolder> OpenLibraryFolder(absl::string_view library_root,
                                                absl::string_view relative, bool create);

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_LIBRARY_PATH_H_
