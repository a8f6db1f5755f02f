#include "services/downloads/transfer/library_path.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/absl_view.h"

namespace kiosk::downloads::transfer {
namespace {

std::string ErrnoText(int err) { return std::strerror(err); }

absl::StatusOr<std::string> RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) {
    int err = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("cannot resolve \"", path, "\": ", ErrnoText(err)));
  }
  return std::string(buffer);
}

bool Inside(absl::string_view path, absl::string_view root) {
  return path == root ||
         (absl::StartsWith(path, root) && (root == "/" || path[root.size()] == '/'));
}

}  // namespace

absl::Status ValidateRelativeDestination(absl::string_view relative) {
  if (relative.empty())
    return absl::InvalidArgumentError("the destination inside the library is empty");
  if (relative.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError("the destination inside the library contains a NUL byte");
  }
  if (relative.front() == '/') {
    return absl::InvalidArgumentError(absl::StrCat(
        "destination \"", relative, "\" is absolute; it must be relative to the library root"));
  }
  for (absl::string_view part : absl::StrSplit(relative, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat(
          "destination \"", relative, "\" has a \"", part,
          "\" component; only plain names are allowed so the file stays inside the library root"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<LibraryFolder> OpenLibraryFolder(absl::string_view library_root,
                                                absl::string_view relative, bool create) {
  if (absl::Status s = ValidateRelativeDestination(relative); !s.ok()) return s;
  if (library_root.empty() || library_root.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("library root \"", library_root, "\" must be an absolute path"));
  }
  absl::StatusOr<std::string> root = RealPath(std::string(library_root));
  if (!root.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("library root \"", library_root,
                     "\" does not exist or cannot be read: create it or fix the setting"));
  }
  std::vector<std::string> parts = absl::StrSplit(relative, '/');
  LibraryFolder folder;
  folder.name = parts.back();
  parts.pop_back();
  folder.dir = UniqueFd(::open(root->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!folder.dir.valid()) {
    int err = errno;
    return absl::FailedPreconditionError(
        absl::StrCat("library root \"", *root, "\" is not a readable folder: ", ErrnoText(err)));
  }
  folder.dir_path = *root;
  bool missing = false;
  for (const std::string& part : parts) {
    std::string next_path = absl::StrCat(folder.dir_path == "/" ? "" : folder.dir_path, "/", part);
    if (missing) {
      folder.dir_path = next_path;
      continue;
    }
    int fd =
        ::openat(folder.dir.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(folder.dir.get(), part.c_str(), 0755) != 0 && errno != EEXIST) {
        int err = errno;
        if (err == ENOSPC || err == EDQUOT) {
          return absl::ResourceExhaustedError(
              absl::StrCat("no space left to create folder \"", next_path, "\""));
        }
        return absl::InternalError(
            absl::StrCat("cannot create folder \"", next_path, "\": ", ErrnoText(err)));
      }
      fd =
          ::openat(folder.dir.get(), part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0 && errno == ENOENT) {
      missing = true;
      folder.dir_path = next_path;
      continue;
    }
    if (fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
      struct stat st;
      if (::fstatat(folder.dir.get(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        // A link is fine only when where it really points stays inside the root.
        absl::StatusOr<std::string> target = RealPath(next_path);
        if (!target.ok() || !Inside(*target, *root)) {
          return absl::InvalidArgumentError(absl::StrCat(
              "\"", next_path, "\" is a symbolic link leading outside the library root \"", *root,
              "\"; the file is not placed there"));
        }
        fd = ::open(target->c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        next_path = *target;
      }
      if (fd < 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "\"", next_path,
            "\" exists and is not a folder; move it away or change the naming format"));
      }
    }
    if (fd < 0) {
      int err = errno;
      return absl::InternalError(
          absl::StrCat("cannot open folder \"", next_path, "\": ", ErrnoText(err)));
    }
    folder.dir = UniqueFd(fd);
    folder.dir_path = next_path;
  }
  struct stat st;
  if (::fstat(folder.dir.get(), &st) == 0) folder.device = st.st_dev;
  if (missing) {
    folder.dir.Reset();
    return folder;
  }
  if (::fstatat(folder.dir.get(), folder.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", folder.dir_path, "/", folder.name,
                       "\" is a symbolic link; a file is never written through one"));
    }
    if (S_ISDIR(st.st_mode)) {
      return absl::FailedPreconditionError(
          absl::StrCat("\"", folder.dir_path, "/", folder.name,
                       "\" is a folder; the file cannot be placed there"));
    }
  }
  return folder;
}

}  // namespace kiosk::downloads::transfer
