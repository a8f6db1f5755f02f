#include "services/downloads/rename_admin.h"

#include <initializer_list>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace kiosk::downloads {
namespace {

absl::Status OneOf(const char* field, const std::optional<std::string>& value,
                   std::initializer_list<const char*> allowed) {
  if (!value) return absl::OkStatus();
  for (const char* a : allowed) {
    if (*value == a) return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat(field, " '", *value, "' is not one of: ",
                                                 absl::StrJoin(allowed, ", ")));
}

}  // namespace

absl::Status ValidateMediaType(const std::string& media_type) {
  if (media_type == "movie" || media_type == "tv") return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("media_type '", media_type, "' must be movie or tv"));
}

absl::StatusOr<std::vector<RenameSettings>> RenameAdmin::List() { return store_.ListRenameSettings(); }

absl::StatusOr<RenameSettings> RenameAdmin::Get(const std::string& media_type) {
  RETURN_IF_ERROR(ValidateMediaType(media_type));
  return store_.GetRenameSettings(media_type);
}

absl::StatusOr<RenameSettings> RenameAdmin::Update(const std::string& media_type,
                                                   const RenameSettingsPatch& patch) {
  RETURN_IF_ERROR(ValidateMediaType(media_type));
  RETURN_IF_ERROR(OneOf("illegal_char_mode", patch.illegal_char_mode, {"replace", "remove"}));
  RETURN_IF_ERROR(OneOf("colon_mode", patch.colon_mode,
                        {"delete", "dash", "space_dash", "space_dash_space", "smart"}));
  RETURN_IF_ERROR(OneOf("transfer_mode", patch.transfer_mode,
                        {"hardlink", "copy", "move", "hardlink_or_copy"}));
  RETURN_IF_ERROR(OneOf("on_existing", patch.on_existing, {"fail", "keep_both", "replace_if_same"}));
  if (patch.library_root && !patch.library_root->empty() &&
      (!absl::StartsWith(*patch.library_root, "/") ||
       absl::StrContains(*patch.library_root, "/../") || absl::EndsWith(*patch.library_root, "/.."))) {
    return absl::InvalidArgumentError(absl::StrCat(
        "library_root '", *patch.library_root, "' must be an absolute path without '..'"));
  }
  if (patch.folder_format && patch.folder_format->empty()) {
    return absl::InvalidArgumentError("folder_format cannot be empty");
  }
  if (patch.file_format && patch.file_format->empty()) {
    return absl::InvalidArgumentError("file_format cannot be empty");
  }
  ASSIGN_OR_RETURN(RenameSettings current, store_.GetRenameSettings(media_type));
  RenameSettings next = current;
  if (patch.folder_format) next.folder_format = *patch.folder_format;
  if (patch.season_folder_format) next.season_folder_format = *patch.season_folder_format;
  if (patch.file_format) next.file_format = *patch.file_format;
  if (patch.colon_mode) next.colon_mode = *patch.colon_mode;
  if (patch.illegal_char_mode) next.illegal_char_mode = *patch.illegal_char_mode;
  // The formats must render before they are saved.
  ASSIGN_OR_RETURN(PreviewResult preview,
                   Preview({.media_type = media_type,
                            .folder_format = next.folder_format,
                            .season_folder_format = next.season_folder_format,
                            .file_format = next.file_format,
                            .colon_mode = next.colon_mode,
                            .illegal_char_mode = next.illegal_char_mode,
                            .release_name = "",
                            .extension = ""}));
  (void)preview;
  return store_.UpdateRenameSettings(media_type, patch);
}

}  // namespace kiosk::downloads

