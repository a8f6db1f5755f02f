// Admins' view of the FR/EN title mappings: list, add or replace (source
// manual), correct, delete. Validation and rights here; storage in
// TitleMappingStore.
//
//   MappingAdmin admin(store);
//   ASSIGN_OR_RETURN(TitleMapping m, admin.Put(caller, mapping));
#ifndef KIOSK_SERVICES_MEDIA_MAPPING_ADMIN_H_
#define KIOSK_SERVICES_MEDIA_MAPPING_ADMIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "services/media/title_mapping_store.h"

namespace kiosk::media {

class MappingAdmin {
 public:
  explicit MappingAdmin(TitleMappingStore& store) : store_(store) {}

  absl::StatusOr<std::vector<TitleMapping>> List(const auth::Caller& caller,
                                                 const std::string& query,
                                                 const std::string& media_type, int page,
                                                 int page_size);
  absl::StatusOr<TitleMapping> Put(const auth::Caller& caller, const TitleMapping& mapping);
  absl::StatusOr<TitleMapping> Update(const auth::Caller& caller, int64_t id,
                                      const MappingPatch& patch);
  absl::Status Delete(const auth::Caller& caller, int64_t id);

 private:
  TitleMappingStore& store_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_MAPPING_ADMIN_H_
