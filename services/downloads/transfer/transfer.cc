#include "services/downloads/transfer/transfer.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/log/log.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/transfer/file_copy.h"
#include "services/downloads/transfer/library_path.h"
#include "services/downloads/transfer/unique_fd.h"

namespace kiosk::downloads::transfer {
namespace {

constexpr size_t kChunkBytes = 8 << 20;  // progress granularity of a copy
constexpr absl::string_view kPartialSuffix = ".kiosk-partial";
constexpr size_t kMaxNameBytes = 255;

std::string ErrnoText(int err) { return std::strerror(err); }

struct Source {
  std::string path;
  struct stat st;
};

absl::StatusOr<Source> StatSource(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return absl::InvalidArgumentError(absl::StrCat("source \"", path, "\" must be an absolute path"));
  }
  Source source{.path = path};
  if (::stat(path.c_str(), &source.st) != 0) {
    int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat("source file \"", path, "\" does not exist"));
    }
    return absl::InternalError(absl::StrCat("cannot read source \"", path, "\": ", ErrnoText(err)));
  }
  if (!S_ISREG(source.st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("source \"", path, "\" is not a regular file"));
  }
  return source;
}

std::string Join(const LibraryFolder& folder, absl::string_view name) {
  return absl::StrCat(folder.dir_path, "/", name);
}

// The first free or identical name for kKeepBoth: "Name (1).mkv", "Name (2).mkv".
std::string NumberedName(absl::string_view name, int n) {
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot == 0) return absl::StrCat(name, " (", n, ")");
  return absl::StrCat(name.substr(0, dot), " (", n, ")", name.substr(dot));
}

enum class Existing { kNone, kIdentical, kDifferent };

absl::StatusOr<Existing> CompareExisting(int dir_fd, const std::string& name, const Source& source,
                                         const std::string& shown_path, struct stat* existing_st) {
  if (::fstatat(dir_fd, name.c_str(), existing_st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return Existing::kNone;
    int err = errno;
    return absl::InternalError(absl::StrCat("cannot check \"", shown_path, "\": ", ErrnoText(err)));
  }
  if (!S_ISREG(existing_st->st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "\"", shown_path, "\" exists and is not a regular file; it is left alone"));
  }
  if (existing_st->st_dev == source.st.st_dev && existing_st->st_ino == source.st.st_ino) {
    return Existing::kIdentical;
  }
  if (existing_st->st_size != source.st.st_size) return Existing::kDifferent;
  UniqueFd a(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd b(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!a.valid() || !b.valid()) {
    int err = errno;
    return absl::InternalError(absl::StrCat("cannot compare \"", shown_path, "\": ", ErrnoText(err)));
  }
  absl::StatusOr<bool> same = SameContent(a.get(), b.get());
  if (!same.ok()) return same.status();
  return *same ? Existing::kIdentical : Existing::kDifferent;
}

// Where the file goes, after looking at what is already there.
struct Target {
  std::string name;
  bool already_done = false;
  bool same_inode = false;  // already_done by a hardlink to the source
  bool replace = false;     // kReplaceIfSame over an identical copy
};

absl::StatusOr<Target> ChooseTarget(const LibraryFolder& folder, const Source& source,
                                    const TransferRequest& request, bool can_link) {
  struct stat st;
  for (int n = 0;; ++n) {
    Target target{.name = n == 0 ? folder.name : NumberedName(folder.name, n)};
    std::string shown = Join(folder, target.name);
    absl::StatusOr<Existing> existing = CompareExisting(folder.dir.get(), target.name, source, shown, &st);
    if (!existing.ok()) return existing.status();
    if (*existing == Existing::kNone) return target;
    if (*existing == Existing::kIdentical) {
      target.same_inode = st.st_dev == source.st.st_dev && st.st_ino == source.st.st_ino;
      // An identical copy becomes a hardlink when asked to and possible.
      bool wants_link = request.mode == TransferMode::kHardlink || request.mode == TransferMode::kHardlinkOrCopy;
      if (request.on_existing == OnExisting::kReplaceIfSame && !target.same_inode && wants_link && can_link) {
        target.replace = true;
      } else {
        target.already_done = true;
      }
      return target;
    }
    if (request.on_existing != OnExisting::kKeepBoth) {
      return absl::FailedPreconditionError(absl::StrCat(
          "\"", shown, "\" already exists with different content (", st.st_size, " bytes, the new file has ",
          source.st.st_size, "); it is not overwritten: remove it or set the existing-file policy to keep both"));
    }
    if (n >= 999) {
      return absl::FailedPreconditionError(absl::StrCat("no free name for \"", Join(folder, folder.name), "\""));
    }
  }
}

absl::Status FsyncDir(const LibraryFolder& folder) {
  if (::fsync(folder.dir.get()) != 0) {
    int err = errno;
    return absl::InternalError(absl::StrCat("cannot fsync folder \"", folder.dir_path, "\": ", ErrnoText(err)));
  }
  return absl::OkStatus();
}

// Renames `from` to `to` inside the folder without replacing an existing file
// (renameat2 RENAME_NOREPLACE, or link + unlink where that is unsupported),
// or replacing it when `replace`. Returns errno (0 = done).
int RenameInFolder(int dir_fd, const std::string& from, const std::string& to, bool replace) {
  if (replace) return ::renameat(dir_fd, from.c_str(), dir_fd, to.c_str()) == 0 ? 0 : errno;
  if (::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  if (::linkat(dir_fd, from.c_str(), dir_fd, to.c_str(), 0) != 0) return errno;
  ::unlinkat(dir_fd, from.c_str(), 0);
  return 0;
}

bool IsNoSpace(int err) { return err == ENOSPC || err == EDQUOT; }

// Copies the source to the partial name, fsyncs and checks it, then renames it
// into place and fsyncs the folder. On any failure the partial is removed.
absl::Status CopyIntoPlace(const Source& source, const LibraryFolder& folder, const Target& target,
                           const FileSystemHooks& hooks,
                           const std::function<void(int64_t, int64_t)>& progress) {
  const std::string partial = PartialName(target.name);
  const std::string partial_path = Join(folder, partial);
  const int dir = folder.dir.get();
  int64_t total = source.st.st_size;
  UniqueFd out(::openat(dir, partial.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
  if (!out.valid()) {
    int err = errno;
    return absl::InternalError(absl::StrCat("cannot create \"", partial_path, "\": ", ErrnoText(err)));
  }
  // A crashed transfer's lock died with it; a live one still holds it.
  if (::flock(out.get(), LOCK_EX | LOCK_NB) != 0) {
    return absl::AbortedError(absl::StrCat("another transfer is writing \"", partial_path, "\"; try again later"));
  }
  struct stat partial_st;
  if (::fstat(out.get(), &partial_st) == 0 && partial_st.st_size > 0) {
    log::Info("transfer_stale_partial_replaced").With("partial", partial_path).With("bytes", int64_t{partial_st.st_size});
  }
  auto fail = [&](absl::Status status) {
    ::unlinkat(dir, partial.c_str(), 0);
    return status;
  };
  auto io_error = [&](absl::string_view what, int err) {
    if (IsNoSpace(err)) {
      return fail(absl::ResourceExhaustedError(absl::StrCat(
          "no space left in \"", folder.dir_path, "\" for ", total, " bytes while ", what,
          " (", ErrnoText(err), "); the partial copy was removed: free space and retry")));
    }
    return fail(absl::InternalError(absl::StrCat(what, " \"", partial_path, "\" failed: ", ErrnoText(err))));
  };
  if (::ftruncate(out.get(), 0) != 0) return io_error("truncating", errno);
  // Reserve the space first, so a full disk is known before gigabytes are written.
  if (total > 0) {
    int err = ::posix_fallocate(out.get(), 0, total);
    if (err != 0 && err != EOPNOTSUPP && err != EINVAL) return io_error("reserving space for", err);
  }
  UniqueFd in(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    int err = errno;
    return fail(absl::InternalError(absl::StrCat("cannot open source \"", source.path, "\": ", ErrnoText(err))));
  }
  FastCopier copier;
  int64_t done = 0;
  while (true) {
    ssize_t n = hooks.copy_chunk ? hooks.copy_chunk(in.get(), out.get(), kChunkBytes)
                                 : copier.Chunk(in.get(), out.get(), kChunkBytes);
    if (n < 0) return io_error("copying to", errno);
    if (n == 0) break;
    done += n;
    if (progress) progress(done, total);
  }
  // fallocate may have made the file longer than what was written if the
  // source shrank; the size check below catches any mismatch.
  if (::fsync(out.get()) != 0) return io_error("syncing", errno);
  struct stat written;
  if (::fstat(out.get(), &written) != 0) return io_error("checking", errno);
  if (done != total || written.st_size != total) {
    return fail(absl::InternalError(absl::StrCat(
        "copy of \"", source.path, "\" is ", written.st_size, " bytes (", done, " copied) instead of ", total,
        "; the source changed during the copy or the disk lost data: retry")));
  }
  if (int err = RenameInFolder(dir, partial, target.name, target.replace); err != 0) {
    if (err == EEXIST) {
      return fail(absl::AbortedError(absl::StrCat(
          "\"", Join(folder, target.name), "\" appeared during the copy; retry to compare it")));
    }
    return io_error("renaming into place", err);
  }
  return FsyncDir(folder);
}

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

std::string DeviceText(dev_t device) { return absl::StrFormat("%u:%u", major(device), minor(device)); }

absl::Status CrossDeviceError(const Source& source, const std::string& destination, dev_t dest_device) {
  return absl::FailedPreconditionError(absl::StrCat(
      "cannot hardlink \"", source.path, "\" (filesystem ", DeviceText(source.st.st_dev), ") to \"",
      destination, "\" (filesystem ", DeviceText(dest_device),
      "): they are on different filesystems; put the download folder and the library on one filesystem "
      "or use the transfer mode hardlink_or_copy or copy"));
}

}  // namespace

std::string PartialName(std::string_view final_name_in) {
  absl::string_view final_name = Av(final_name_in);
  std::string name = absl::StrCat(".", final_name, kPartialSuffix);
  if (name.size() <= kMaxNameBytes) return name;
  // Too long for one path component: a stable hash keeps resume working.
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : final_name) hash = (hash ^ c) * 1099511628211ULL;
  return absl::StrCat(".", absl::StrFormat("%016x", hash), kPartialSuffix);
}

absl::StatusOr<TransferMode> ParseTransferMode(std::string_view name_in) {
  absl::string_view name = Av(name_in);
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "hardlink") return TransferMode::kHardlink;
  if (lower == "copy") return TransferMode::kCopy;
  if (lower == "move") return TransferMode::kMove;
  if (lower == "hardlink_or_copy") return TransferMode::kHardlinkOrCopy;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown transfer mode \"", name, "\": use hardlink, copy, move or hardlink_or_copy"));
}

std::string TransferModeName(TransferMode mode) {
  switch (mode) {
    case TransferMode::kHardlink: return "hardlink";
    case TransferMode::kCopy: return "copy";
    case TransferMode::kMove: return "move";
    case TransferMode::kHardlinkOrCopy: return "hardlink_or_copy";
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

absl::StatusOr<TransferResult> Transfer(const TransferRequest& request,
                                        const std::function<void(int64_t done, int64_t total)>& progress) {
  return Transfer(request, progress, FileSystemHooks{});
}

absl::StatusOr<TransferResult> Transfer(const TransferRequest& request,
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
  const bool wants_link = request.mode == TransferMode::kHardlink || request.mode == TransferMode::kHardlinkOrCopy;
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
      result.mode_used = request.mode == TransferMode::kMove ? TransferMode::kMove : TransferMode::kHardlink;
    } else {
      result.mode_used = request.mode == TransferMode::kMove ? TransferMode::kMove : TransferMode::kCopy;
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
      return absl::AbortedError(absl::StrCat("\"", result.destination, "\" appeared during the transfer; retry"));
    }
    if (!LinkImpossible(err)) {
      return absl::InternalError(absl::StrCat("cannot hardlink \"", source.path, "\" to \"", result.destination,
                                              "\": ", ErrnoText(err)));
    }
    if (request.mode == TransferMode::kHardlink) {
      if (err == EXDEV) return CrossDeviceError(source, result.destination, folder.device);
      return absl::FailedPreconditionError(absl::StrCat("cannot hardlink \"", source.path, "\" to \"",
                                                        result.destination, "\": ", ErrnoText(err)));
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
    int rc = ::renameat2(AT_FDCWD, source.path.c_str(), folder.dir.get(), target.name.c_str(), RENAME_NOREPLACE);
    int err = rc == 0 ? 0 : errno;
    if (err == 0) {
      if (absl::Status s = FsyncDir(folder); !s.ok()) return s;
      result.mode_used = TransferMode::kMove;
      return finish();
    }
    if (err == EEXIST) {
      return absl::AbortedError(absl::StrCat("\"", result.destination, "\" appeared during the transfer; retry"));
    }
    if (err != EXDEV && err != EINVAL && err != ENOSYS) {
      return absl::InternalError(absl::StrCat("cannot move \"", source.path, "\" to \"", result.destination,
                                              "\": ", ErrnoText(err)));
    }
    // Same device number but a different mount: copy then remove, below.
  }

  if (absl::Status s = CopyIntoPlace(source, folder, target, hooks, progress); !s.ok()) return s;
  if (request.mode == TransferMode::kMove) {
    // The copy is durable in the library before the source goes.
    if (::unlink(source.path.c_str()) != 0) {
      log::Warn("transfer_move_source_kept").With("source", source.path).With("error", ErrnoText(errno));
    }
    result.mode_used = TransferMode::kMove;
  } else {
    result.mode_used = TransferMode::kCopy;
  }
  return finish();
}

}  // namespace kiosk::downloads::transfer
