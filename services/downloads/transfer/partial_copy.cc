#include "services/downloads/transfer/partial_copy.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "common/log/log.h"
#include "services/downloads/naming/absl_view.h"
#include "services/downloads/transfer/file_copy.h"
#include "services/downloads/transfer/unique_fd.h"

namespace kiosk::downloads::transfer {
namespace {

constexpr size_t kChunkBytes = 8 << 20;  // progress granularity of a copy
constexpr absl::string_view kPartialSuffix = ".kiosk-partial";
constexpr size_t kMaxNameBytes = 255;

std::string ErrnoText(int err) { return std::strerror(err); }

bool IsNoSpace(int err) { return err == ENOSPC || err == EDQUOT; }

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

absl::Status FsyncDir(const LibraryFolder& folder) {
  if (::fsync(folder.dir.get()) != 0) {
    int err = errno;
    return absl::InternalError(
        absl::StrCat("cannot fsync folder \"", folder.dir_path, "\": ", ErrnoText(err)));
  }
  return absl::OkStatus();
}

int RenameInFolder(int dir_fd, const std::string& from, const std::string& to, bool replace) {
  if (replace) return ::renameat(dir_fd, from.c_str(), dir_fd, to.c_str()) == 0 ? 0 : errno;
  if (::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  if (::linkat(dir_fd, from.c_str(), dir_fd, to.c_str(), 0) != 0) return errno;
  ::unlinkat(dir_fd, from.c_str(), 0);
  return 0;
}

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
    return absl::InternalError(
        absl::StrCat("cannot create \"", partial_path, "\": ", ErrnoText(err)));
  }
  // A crashed transfer's lock died with it; a live one still holds it.
  if (::flock(out.get(), LOCK_EX | LOCK_NB) != 0) {
    return absl::AbortedError(
        absl::StrCat("another transfer is writing \"", partial_path, "\"; try again later"));
  }
  struct stat partial_st;
  if (::fstat(out.get(), &partial_st) == 0 && partial_st.st_size > 0) {
    log::Info("transfer_stale_partial_replaced")
        .With("partial", partial_path)
        .With("bytes", int64_t{partial_st.st_size});
  }
  auto fail = [&](absl::Status status) {
    ::unlinkat(dir, partial.c_str(), 0);
    return status;
  };
  auto io_error = [&](absl::string_view what, int err) {
    if (IsNoSpace(err)) {
      return fail(absl::ResourceExhaustedError(absl::StrCat(
          "no space left in \"", folder.dir_path, "\" for ", total, " bytes while ", what, " (",
          ErrnoText(err), "); the partial copy was removed: free space and retry")));
    }
    return fail(absl::InternalError(
        absl::StrCat(what, " \"", partial_path, "\" failed: ", ErrnoText(err))));
  };
  if (::ftruncate(out.get(), 0) != 0) return io_error("truncating", errno);
  // Reserve the space first, so a full disk is known before gigabytes are
  // written. fallocate(2), not posix_fallocate: where the filesystem cannot
  // (NFS, some FUSE) glibc would emulate it by writing every block.
  if (total > 0 && ::fallocate(out.get(), 0, 0, total) != 0) {
    int err = errno;
    if (err != EOPNOTSUPP && err != ENOSYS && err != EINVAL) {
      return io_error("reserving space for", err);
    }
  }
  UniqueFd in(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in.valid()) {
    int err = errno;
    return fail(absl::InternalError(
        absl::StrCat("cannot open source \"", source.path, "\": ", ErrnoText(err))));
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
    return fail(absl::InternalError(
        absl::StrCat("copy of \"", source.path, "\" is ", written.st_size, " bytes (", done,
                     " copied) instead of ", total,
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
}  // namespace kiosk::downloads::transfer
