// FR/EN title mappings (media.title_mappings): filled from TMDB search
// results (source tmdb) and corrected by admins (source manual, never
// overwritten by TMDB). Searching them is what still works when TMDB is down.
//
//   RETURN_IF_ERROR(store.RememberFromTmdb(mappings));
//   ASSIGN_OR_RETURN(std::vector<TitleMapping> hits, store.Search("amélie", "", 20));
#ifndef KIOSK_SERVICES_MEDIA_TITLE_MAPPING_STORE_H_
#define KIOSK_SERVICES_MEDIA_TITLE_MAPPING_STORE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/media/model.h"

namespace kiosk::media {

struct MappingPatch {
  std::optional<std::string> title_fr;
  std::optional<std::string> title_en;
  std::optional<std::string> original_title;
  std::optional<int> year;
};

class TitleMappingStore {
 public:
  virtual ~TitleMappingStore() = default;

  // Inserts or refreshes source-tmdb mappings; manual ones are left alone.
  virtual absl::Status RememberFromTmdb(const std::vector<TitleMapping>& mappings) = 0;
  // Mappings whose French, English or original title contains `query` (case
  // folded), `media_type` "" = both; most recently updated first.
  virtual absl::StatusOr<std::vector<TitleMapping>> Search(const std::string& query,
                                                           const std::string& media_type,
                                                           int limit, int offset) = 0;
  // The mappings of these titles, keyed "movie:194".
  virtual absl::StatusOr<std::map<std::string, TitleMapping>> ForTitles(
      const std::vector<TitleKey>& keys) = 0;
  // An admin's mapping (source manual); replaces a tmdb one for the same title.
  virtual absl::StatusOr<TitleMapping> PutManual(const TitleMapping& mapping) = 0;
  // Changes a mapping, which becomes manual. NOT_FOUND for an unknown id.
  virtual absl::StatusOr<TitleMapping> Update(int64_t id, const MappingPatch& patch) = 0;
  virtual absl::Status Delete(int64_t id) = 0;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_TITLE_MAPPING_STORE_H_
