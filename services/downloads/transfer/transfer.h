// Puts one downloaded file into the library, crash-safely: hardlink, copy,
// move or hardlink-or-copy, never outside the library root, never silently
// over a different file.
//
//   TransferRequest req{.source = "/downloads/x/Movie.mkv", .library_root = "/media/movies",
//                       .relative_destination = "Movie (1999)/Movie (1999) Bluray-1080p.mkv"};
//   ASSIGN_OR_RETURN(TransferPlan plan, PlanTransfer(req));   // what will happen (mode, fallback)
//   ASSIGN_OR_RETURN(TransferResult done, Transfer(req, nullptr));
//
// A copy goes to ".<name>.kiosk-partial" in the destination folder, is fsynced,
// its size verified, then renamed into place (no replace) and the folder
// fsynced. After a kill -9, calling Transfer again finishes: a stale partial is
// replaced and an identical file already in place reports already_done.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kiosk::downloads::transfer {

enum class TransferMode { kHardlink, kCopy, kMove, kHardlinkOrCopy };
absl::StatusOr<TransferMode> ParseTransferMode(
    std::string_view name);  // "hardlink", "copy", "move", "hardlink_or_copy"
std::string TransferModeName(TransferMode mode);
// kFail: an existing different file fails the transfer (FAILED_PRECONDITION).
// kKeepBoth: the new file gets the first free name "<name> (1).<ext>", "(2)" ...
// kReplaceIfSame: an existing file is replaced only when its content is
//   identical (e.g. a copy becomes a hardlink, saving space); a different one fails.
// With every policy an identical file already in place counts as done.
enum class OnExisting {
  kFail,
  kKeepBoth,
  kReplaceIfSame
};  // an existing different file is never silently overwritten
struct TransferRequest {
  std::string source;  // absolute path of the downloaded file
  std::string
      library_root;  // absolute; the destination must stay inside it (no "..", no symlink escape)
  std::string relative_destination;  // from DestinationPath
  TransferMode mode = TransferMode::kHardlinkOrCopy;
  OnExisting on_existing = OnExisting::kFail;
};
struct TransferPlan {  // what will happen, before doing it
  bool same_filesystem = false;
  TransferMode mode;        // kHardlink, kCopy or kMove: the one that will be used
  bool falls_back = false;  // kHardlinkOrCopy across filesystems
  std::string destination;  // absolute
};
absl::StatusOr<TransferPlan> PlanTransfer(const TransferRequest& request);
struct TransferResult {
  std::string destination;  // absolute final path (may differ with kKeepBoth)
  TransferMode mode_used;   // kHardlink, kCopy or kMove
  bool fell_back = false;   // hardlink was wanted but copy was used
  int64_t bytes = 0;
  absl::Duration duration;
  bool already_done = false;    // the identical file was already in place (resume after a crash)
  std::string fallback_reason;  // added: why the hardlink was not possible ("" if none)
};
// Crash-safe: copy to a temporary name in the destination folder, fsync, verify size, rename into
// place; a kill -9 at any point leaves either no file or the complete file at `destination`, and
// calling Transfer again finishes the job. `progress` (may be null) gets bytes done/total during a
// copy. Errors: FAILED_PRECONDITION (hardlink across filesystems, existing different file with
// kFail), INVALID_ARGUMENT (path escape), RESOURCE_EXHAUSTED (ENOSPC: no partial file left),
// INTERNAL (I/O).
absl::StatusOr<TransferResult> Transfer(
    const TransferRequest& request,
    const std::function<void(int64_t done, int64_t total)>& progress);

// Added, for tests: the system calls Transfer makes that a test must be able
// to fail on purpose (EXDEV from link, ENOSPC from a write). Each returns what
// the system call returns and sets errno the same way. Empty = the real call.
struct FileSystemHooks {
  // linkat(AT_FDCWD, source, dir_fd, name, 0)
  std::function<int(const char* source, int dir_fd, const char* name)> link;
  // Copies up to `max` bytes from in_fd to out_fd at their current offsets
  // (copy_file_range, sendfile or read/write); returns bytes copied, 0 at end.
  std::function<ssize_t(int in_fd, int out_fd, size_t max)> copy_chunk;
};
absl::StatusOr<TransferResult> Transfer(
    const TransferRequest& request,
    const std::function<void(int64_t done, int64_t total)>& progress, const FileSystemHooks& hooks);

// Added: the temporary name a copy uses before the rename into place.
std::string PartialName(std::string_view final_name);

}  // namespace kiosk::downloads::transfer

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_H_
