// Admin logic of the rename settings (one row per media type) and their
// preview: checks what an admin types before it is saved.
#ifndef KIOSK_SERVICES_DOWNLOADS_RENAME_ADMIN_H_
#define KIOSK_SERVICES_DOWNLOADS_RENAME_ADMIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/downloads/model.h"
#include "services/downloads/pg_download_store.h"

namespace kiosk::downloads {

struct PreviewInput {
  std::string media_type;
  // Overrides of the saved settings ("" = saved).
  std::string folder_format, season_folder_format, file_format, colon_mode, illegal_char_mode;
  std::string release_name;  // "" = the sample's release
  std::string extension;     // "" = ".mkv"
};

struct PreviewResult {
  std::string relative_path;
  std::string library_root;
  std::string parsed_title;
  int parsed_year = 0;
  std::string parsed_quality;
  std::string parsed_group;
  std::vector<std::string> parsed_languages;
};

class RenameAdmin {
 public:
  explicit RenameAdmin(PgDownloadStore& store) : store_(store) {}

  absl::StatusOr<std::vector<RenameSettings>> List();
  absl::StatusOr<RenameSettings> Get(const std::string& media_type);
  // INVALID_ARGUMENT naming the field for an unknown mode, a relative
  // library root or a format that does not render.
  absl::StatusOr<RenameSettings> Update(const std::string& media_type,
                                        const RenameSettingsPatch& patch);
  absl::StatusOr<PreviewResult> Preview(const PreviewInput& input);

 private:
  PgDownloadStore& store_;
};

// INVALID_ARGUMENT unless "movie" or "tv".
absl::Status ValidateMediaType(const std::string& media_type);

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_RENAME_ADMIN_H_
