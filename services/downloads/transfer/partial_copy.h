// Writing a copy crash-safely: into ".<name>.kiosk-partial" beside the final
// name (locked, space reserved, fsynced, size checked), then renamed into
// place without replacing anything, then the folder fsynced.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_PARTIAL_COPY_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_PARTIAL_COPY_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "services/downloads/transfer/library_path.h"
#include "services/downloads/transfer/placement.h"
#include "services/downloads/transfer/transfer.h"

namespace kiosk::downloads::transfer {

// Copies the source to the partial name, fsyncs and checks it, then renames it
// into place and fsyncs the folder. On any failure the partial is removed:
// RESOURCE_EXHAUSTED when the disk is full, ABORTED when another live
// transfer holds the partial or the final name appeared meanwhile.
absl::Status CopyIntoPlace(const Source& source, const LibraryFolder& folder, const Target& target,
                           const FileSystemHooks& hooks,
                           const std::function<void(int64_t, int64_t)>& progress);

// Renames `from` to `to` inside the folder without replacing an existing file
// (renameat2 RENAME_NOREPLACE, or link + unlink where that is unsupported),
// or replacing it when `replace`. Returns errno (0 = done).
int RenameInFolder(int dir_fd, const std::string& from, const std::string& to, bool replace);

absl::Status FsyncDir(const LibraryFolder& folder);

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_PARTIAL_COPY_H_
