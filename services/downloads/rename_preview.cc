// RenameAdmin::Preview: the rename engine (naming/) on sample data.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/downloads/naming/naming_format.h"
#include "services/downloads/naming/release_name.h"
#include "services/downloads/rename_admin.h"

namespace kiosk::downloads {

absl::StatusOr<PreviewResult> RenameAdmin::Preview(const PreviewInput& in) {
  RETURN_IF_ERROR(ValidateMediaType(in.media_type));
  ASSIGN_OR_RETURN(RenameSettings saved, store_.GetRenameSettings(in.media_type));
  auto pick = [](const std::string& given, const std::string& stored) {
    return given.empty() ? stored : given;
  };
  const std::string colon = pick(in.colon_mode, saved.colon_mode);
  const std::string illegal = pick(in.illegal_char_mode, saved.illegal_char_mode);
  naming::NamingOptions options;
  if (colon == "delete") {
    options.colon = naming::ColonMode::kDelete;
  } else if (colon == "dash") {
    options.colon = naming::ColonMode::kDash;
  } else if (colon == "space_dash") {
    options.colon = naming::ColonMode::kSpaceDash;
  } else if (colon == "space_dash_space") {
    options.colon = naming::ColonMode::kSpaceDashSpace;
  } else if (colon == "smart") {
    options.colon = naming::ColonMode::kSmart;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "colon_mode '", colon, "' is not one of: delete, dash, space_dash, space_dash_space, smart"));
  }
  if (illegal != "replace" && illegal != "remove") {
    return absl::InvalidArgumentError(
        absl::StrCat("illegal_char_mode '", illegal, "' is not one of: replace, remove"));
  }
  options.replace_illegal = illegal == "replace";
  const std::string extension = in.extension.empty() ? ".mkv" : in.extension;
  if (!absl::StartsWith(extension, ".") || absl::StrContains(extension, "/") || extension.size() > 16) {
    return absl::InvalidArgumentError(
        absl::StrCat("extension '", extension, "' must look like .mkv"));
  }
  naming::NamingContext context = naming::SampleContext(in.media_type);
  if (!in.release_name.empty()) context.release = naming::ParseReleaseName(in.release_name);
  const naming::RenameFormats formats{
      .folder_format = pick(in.folder_format, saved.folder_format),
      .season_folder_format = pick(in.season_folder_format, saved.season_folder_format),
      .file_format = pick(in.file_format, saved.file_format)};
  ASSIGN_OR_RETURN(std::string relative,
                   naming::DestinationPath(formats, context, options, extension));
  PreviewResult result;
  result.relative_path = relative;
  result.library_root = saved.library_root;
  if (!in.release_name.empty()) {
    result.parsed_title = context.release.title;
    result.parsed_year = context.release.year.value_or(0);
    result.parsed_quality = context.release.quality;
    result.parsed_group = context.release.group;
    result.parsed_languages = context.release.languages;
  }
  return result;
}

}  // namespace kiosk::downloads
