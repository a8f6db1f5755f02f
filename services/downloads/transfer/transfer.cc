#include "services/downloads/transfer/transfer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "common/log/log.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/transfer/library_path.h"
#include "services/downloads/transfer/partial_copy.h"
#include "services/downloads/transfer/placement.h"

namespace kiosk::downloads::transfer {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// Hardlinks the source at the target name (atomic: the name either does not
// exist or is the complete file). Returns errno (0 = done).
int LinkIntoPlace(const Source& source, const LibraryFolder& folder, const Target& target,
                  const FileSystemHooks& hooks) {
  auto link = [&](const std::string& name) {
    if (hooks.link) return hooks.link(source.path.c_str(), folder.dir.get(), name.c_str());
    return ::linkat(AT_FDCWD, source.path.c_str(), folder.dir.get(), name.c_str(), 0);
  };
  if (!target.replace) return link(target.name) == 0 ? 0 : errno;
  // Replacing an identical copy: link beside it, then rename over it.
  const std::string partial = PartialName(target.name);
  ::unlinkat(folder.dir.get(), partial.c_str(), 0);
  if (link(partial) != 0) return errno;
  int err = RenameInFolder(folder.dir.get(), partial, target.name, /*replace=*/true);
  if (err != 0) ::unlinkat(folder.dir.get(), partial.c_str(), 0);
  return err;
}

// Link errors after which a copy is the right answer for hardlink_or_copy.
bool LinkImpossible(int err) {
  return err == EXDEV || err == EPERM || err == EMLINK || err == ENOTSUP || err == EOPNOTSUPP;
}

std::string DeviceText(dev_t device) {
  return absl::StrFormat("%u:%u", major(device), minor(device));
}

absl::Status CrossDeviceError(const Source& source, const std::string& destination,
                              dev_t dest_device) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot hardlink \"", source.path, "\" (filesystem ", DeviceText(source.st.st_dev), ") to \"",
      destination, "\" (filesystem ", DeviceText(dest_device),
      "): they are on different filesystems; put the download folder and the library on one "
      "filesystem "
      "or use the transfer mode hardlink_or_copy or copy"));
}

}  // namespace

absl::StatusOr<TransferMode> ParseTransferMode(std::string_view name_in) {
  absl::string_view name = Av(name_in);
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "hardlink") return TransferMode::kHardlink;
  if (lower == "copy") return TransferMode::kCopy;
  if (lower == "move") return TransferMode::kMove;
  if (lower == "hardlink_or_copy") return TransferMode::kHardlinkOrCopy;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown transfer mode \"", name, "\": use hardlink, copy, move or hardlink_or_copy"));
}

std::string TransferModeName(TransferMode mode) {
  switch (mode) {
    case TransferMode::kHardlink:
      return "hardlink";
    case TransferMode::kCopy:
      return "copy";
    case TransferMode::kMove:
      return "move";
    case TransferMode::kHardlinkOrCopy:
      return "hardlink_or_copy";
  }
  return "unknown";
}

absl::StatusOr<TransferPlan> PlanTransfer(const TransferRequest& request) {
  absl::StatusOr<Source> source = StatSource(request.source);
  if (!source.ok()) return source.status();
  absl::StatusOr<LibraryFolder> folder =
      OpenLibraryFolder(request.library_root, request.relative_destination, /*create=*/false);
  if (!folder.ok()) return folder.status();
  TransferPlan plan;
  plan.destination = Join(*folder, folder->name);
  plan.same_filesystem = folder->device == source->st.st_dev;
  switch (request.mode) {
    case TransferMode::kHardlink:
      if (!plan.same_filesystem) return CrossDeviceError(*source, plan.destination, folder->device);
      plan.mode = TransferMode::kHardlink;
      break;
    case TransferMode::kHardlinkOrCopy:
      plan.mode = plan.same_filesystem ? TransferMode::kHardlink : TransferMode::kCopy;
      plan.falls_back = !plan.same_filesystem;
      break;
    case TransferMode::kCopy:
      plan.mode = TransferMode::kCopy;
      break;
    case TransferMode::kMove:
      plan.mode = TransferMode::kMove;
      break;
  }
  return plan;
}

absl::StatusOr<TransferResult> Transfer(
    const TransferRequest& request,
    const std::function<void(int64_t done, int64_t total)>& progress) {
  return Transfer(request, progress, FileSystemHooks{});
}

absl::StatusOr<TransferResult> Transfer(
    const TransferRequest& request,
    const std::function<void(int64_t done, int64_t total)>& progress,
    const FileSystemHooks& hooks) {
  const absl::Time start = absl::Now();
  absl::StatusOr<Source> source_or = StatSource(request.source);
  if (!source_or.ok()) return source_or.status();
  const Source& source = *source_or;
  absl::StatusOr<LibraryFolder> folder_or =
      OpenLibraryFolder(request.library_root, request.relative_destination, /*create=*/true);
  if (!folder_or.ok()) return folder_or.status();
  const LibraryFolder& folder = *folder_or;
  const bool same_fs = folder.device == source.st.st_dev;
  const bool wants_link =
      request.mode == TransferMode::kHardlink || request.mode == TransferMode::kHardlinkOrCopy;
  if (request.mode == TransferMode::kHardlink && !same_fs) {
    return CrossDeviceError(source, Join(folder, folder.name), folder.device);
  }
  absl::StatusOr<Target> target_or = ChooseTarget(folder, source, request, same_fs);
  if (!target_or.ok()) return target_or.status();
  const Target& target = *target_or;

  TransferResult result;
  result.destination = Join(folder, target.name);
  result.bytes = source.st.st_size;
  auto finish = [&]() {
    result.duration = absl::Now() - start;
    return result;
  };

  if (target.already_done) {
    result.already_done = true;
    if (target.same_inode) {
      result.mode_used =
          request.mode == TransferMode::kMove ? TransferMode::kMove : TransferMode::kHardlink;
    } else {
      result.mode_used =
          request.mode == TransferMode::kMove ? TransferMode::kMove : TransferMode::kCopy;
      result.fell_back = wants_link;
    }
    // An interrupted move: the copy is in place, only the source is left to remove.
    if (request.mode == TransferMode::kMove) ::unlink(source.path.c_str());
    return finish();
  }

  if (wants_link) {
    int err = same_fs ? LinkIntoPlace(source, folder, target, hooks) : EXDEV;
    if (err == 0) {
      if (absl::Status s = FsyncDir(folder); !s.ok()) return s;
      result.mode_used = TransferMode::kHardlink;
      return finish();
    }
    if (err == EEXIST) {
      return absl::AbortedError(
          absl::StrCat("\"", result.destination, "\" appeared during the transfer; retry"));
    }
    if (!LinkImpossible(err)) {
      return absl::InternalError(absl::StrCat("cannot hardlink \"", source.path, "\" to \"",
                                              result.destination, "\": ", ErrnoText(err)));
    }
    if (request.mode == TransferMode::kHardlink) {
      if (err == EXDEV) return CrossDeviceError(source, result.destination, folder.device);
      return absl::FailedPreconditionError(absl::StrCat("cannot hardlink \"", source.path,
                                                        "\" to \"", result.destination,
                                                        "\": ", ErrnoText(err)));
    }
    result.fell_back = true;
    result.fallback_reason =
        same_fs ? absl::StrCat("hardlink failed: ", ErrnoText(err))
                : absl::StrCat("different filesystems (", DeviceText(source.st.st_dev), " and ",
                               DeviceText(folder.device), ")");
    log::Warn("transfer_hardlink_fallback")
        .With("source", source.path)
        .With("destination", result.destination)
        .With("reason", result.fallback_reason);
  }

  if (request.mode == TransferMode::kMove && same_fs) {
    // One atomic rename; never over an existing file.
    int rc = ::renameat2(AT_FDCWD, source.path.c_str(), folder.dir.get(), target.name.c_str(),
                         RENAME_NOREPLACE);
    int err = rc == 0 ? 0 : errno;
    if (err == 0) {
      if (absl::Status s = FsyncDir(folder); !s.ok()) return s;
      result.mode_used = TransferMode::kMove;
      return finish();
    }
    if (err == EEXIST) {
      return absl::AbortedError(
          absl::StrCat("\"", result.destination, "\" appeared during the transfer; retry"));
    }
    if (err != EXDEV && err != EINVAL && err != ENOSYS) {
      return absl::InternalError(absl::StrCat("cannot move \"", source.path, "\" to \"",
                                              result.destination, "\": ", ErrnoText(err)));
    }
    // Same device number but a different mount: copy then remove, below.
  }

  if (absl::Status s = CopyIntoPlace(source, folder, target, hooks, progress); !s.ok()) return s;
  if (request.mode == TransferMode::kMove) {
    // The copy is durable in the library before the source goes.
    if (::unlink(source.path.c_str()) != 0) {
      log::Warn("transfer_move_source_kept")
          .With("source", source.path)
          .With("error", ErrnoText(errno));
    }
    result.mode_used = TransferMode::kMove;
  } else {
    result.mode_used = TransferMode::kCopy;
  }
  return finish();
}

}  // namespace kiosk::downloads::transfer
