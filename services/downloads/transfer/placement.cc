#include "services/downloads/transfer/placement.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/downloads/transfer/file_copy.h"
#include "services/downloads/transfer/unique_fd.h"

namespace kiosk::downloads::transfer {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

// The candidate names for kKeepBoth: "Name (1).mkv", "Name (2).mkv".
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
    return absl::FailedPreconditionError(
        absl::StrCat("\"", shown_path, "\" exists and is not a regular file; it is left alone"));
  }
  if (existing_st->st_dev == source.st.st_dev && existing_st->st_ino == source.st.st_ino) {
    return Existing::kIdentical;
  }
  if (existing_st->st_size != source.st.st_size) return Existing::kDifferent;
  UniqueFd a(::openat(dir_fd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  UniqueFd b(::open(source.path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!a.valid() || !b.valid()) {
    int err = errno;
    return absl::InternalError(
        absl::StrCat("cannot compare \"", shown_path, "\": ", ErrnoText(err)));
  }
  absl::StatusOr<bool> same = SameContent(a.get(), b.get());
  if (!same.ok()) return same.status();
  return *same ? Existing::kIdentical : Existing::kDifferent;
}

}  // namespace

absl::StatusOr<Target> ChooseTarget(const LibraryFolder& folder, const Source& source,
                                    const TransferRequest& request, bool can_link) {
  struct stat st;
  for (int n = 0;; ++n) {
    Target target{.name = n == 0 ? folder.name : NumberedName(folder.name, n)};
    std::string shown = Join(folder, target.name);
    absl::StatusOr<Existing> existing =
        CompareExisting(folder.dir.get(), target.name, source, shown, &st);
    if (!existing.ok()) return existing.status();
    if (*existing == Existing::kNone) return target;
    if (*existing == Existing::kIdentical) {
      target.same_inode = st.st_dev == source.st.st_dev && st.st_ino == source.st.st_ino;
      // An identical copy becomes a hardlink when asked to and possible.
      bool wants_link =
          request.mode == TransferMode::kHardlink || request.mode == TransferMode::kHardlinkOrCopy;
      if (request.on_existing == OnExisting::kReplaceIfSame && !target.same_inode && wants_link &&
          can_link) {
        target.replace = true;
      } else {
        target.already_done = true;
      }
      return target;
    }
    if (request.on_existing != OnExisting::kKeepBoth) {
      return absl::FailedPreconditionError(absl::StrCat(
          "\"", shown, "\" already exists with different content (", st.st_size,
          " bytes, the new file has ", source.st.st_size,
          "); it is not overwritten: remove it or set the existing-file policy to keep both"));
    }
    if (n >= 999) {
      return absl::FailedPreconditionError(
          absl::StrCat("no free name for \"", Join(folder, folder.name), "\""));
    }
  }
}

absl::StatusOr<Source> StatSource(const std::string& path) {
  if (path.empty() || path.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("source \"", path, "\" must be an absolute path"));
  }
  Source source{.path = path};
  // A torrent can carry a symbolic link (BitTorrent v2); importing it would
  // copy whatever it points at (/etc/shadow...) into the library.
  struct stat link_st;
  if (::lstat(path.c_str(), &link_st) == 0 && S_ISLNK(link_st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("source \"", path, "\" is a symbolic link; only regular files are imported"));
  }
  if (::stat(path.c_str(), &source.st) != 0) {
    int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat("source file \"", path, "\" does not exist"));
    }
    return absl::InternalError(absl::StrCat("cannot read source \"", path, "\": ", ErrnoText(err)));
  }
  if (!S_ISREG(source.st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("source \"", path, "\" is not a regular file"));
  }
  return source;
}

std::string Join(const LibraryFolder& folder, absl::string_view name) {
  return absl::StrCat(folder.dir_path, "/", name);
}

}  // namespace kiosk::downloads::transfer
