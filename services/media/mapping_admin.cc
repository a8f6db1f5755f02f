#include "services/media/mapping_admin.h"

#include "absl/strings/str_cat.h"

namespace kiosk::media {
namespace {

constexpr size_t kMaxTitleBytes = 300;

absl::Status CheckTitle(const char* field, const std::string& title) {
  if (title.size() > kMaxTitleBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is limited to ", kMaxTitleBytes, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckYear(int year) {
  if (year != 0 && (year < 1870 || year > 2200)) {
    return absl::InvalidArgumentError("year must be from 1870 to 2200, or 0 when unknown");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<TitleMapping>> MappingAdmin::List(const auth::Caller& caller,
                                                             const std::string& query,
                                                             const std::string& media_type,
                                                             int page, int page_size) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (!media_type.empty() && media_type != "movie" && media_type != "tv") {
    return absl::InvalidArgumentError("media_type must be \"movie\", \"tv\" or empty");
  }
  if (page < 0 || page_size < 0 || page_size > 100) {
    return absl::InvalidArgumentError("page must be 1 or more and page_size from 1 to 100");
  }
  if (page == 0) page = 1;
  if (page_size == 0) page_size = 50;
  return store_.Search(query, media_type, page_size, (page - 1) * page_size);
}

absl::StatusOr<TitleMapping> MappingAdmin::Put(const auth::Caller& caller,
                                               const TitleMapping& m) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (m.media_type != "movie" && m.media_type != "tv") {
    return absl::InvalidArgumentError("media_type must be \"movie\" or \"tv\"");
  }
  if (m.tmdb_id <= 0) return absl::InvalidArgumentError("tmdb_id must be a TMDB id (> 0)");
  if (m.title_fr.empty() && m.title_en.empty() && m.original_title.empty()) {
    return absl::InvalidArgumentError("give at least one title: title_fr, title_en or original_title");
  }
  for (auto [field, title] : {std::pair{"title_fr", &m.title_fr}, std::pair{"title_en", &m.title_en},
                              std::pair{"original_title", &m.original_title}}) {
    if (absl::Status s = CheckTitle(field, *title); !s.ok()) return s;
  }
  if (absl::Status s = CheckYear(m.year); !s.ok()) return s;
  return store_.PutManual(m);
}

absl::StatusOr<TitleMapping> MappingAdmin::Update(const auth::Caller& caller, int64_t id,
                                                  const MappingPatch& patch) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (id <= 0) return absl::InvalidArgumentError("id must be a mapping id (> 0)");
  for (auto [field, title] :
       {std::pair{"title_fr", &patch.title_fr}, std::pair{"title_en", &patch.title_en},
        std::pair{"original_title", &patch.original_title}}) {
    if (*title) {
      if (absl::Status s = CheckTitle(field, **title); !s.ok()) return s;
    }
  }
  if (patch.year) {
    if (absl::Status s = CheckYear(*patch.year); !s.ok()) return s;
  }
  return store_.Update(id, patch);
}

absl::Status MappingAdmin::Delete(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (id <= 0) return absl::InvalidArgumentError("id must be a mapping id (> 0)");
  return store_.Delete(id);
}

}  // namespace kiosk::media
