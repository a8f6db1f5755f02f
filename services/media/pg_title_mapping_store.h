// TitleMappingStore on PostgreSQL (media.title_mappings).
//
//   PgTitleMappingStore mappings(pool);
#ifndef KIOSK_SERVICES_MEDIA_PG_TITLE_MAPPING_STORE_H_
#define KIOSK_SERVICES_MEDIA_PG_TITLE_MAPPING_STORE_H_

#include "common/db/connection_pool.h"
#include "services/media/title_mapping_store.h"

namespace kiosk::media {

class PgTitleMappingStore final : public TitleMappingStore {
 public:
  explicit PgTitleMappingStore(db::ConnectionPool& pool) : pool_(pool) {}

  absl::Status RememberFromTmdb(const std::vector<TitleMapping>& mappings) override;
  absl::StatusOr<std::vector<TitleMapping>> Search(const std::string& query,
                                                   const std::string& media_type, int limit,
                                                   int offset) override;
  absl::StatusOr<std::map<std::string, TitleMapping>> ForTitles(
      const std::vector<TitleKey>& keys) override;
  absl::StatusOr<TitleMapping> PutManual(const TitleMapping& mapping) override;
  absl::StatusOr<TitleMapping> Update(int64_t id, const MappingPatch& patch) override;
  absl::Status Delete(int64_t id) override;

 private:
  db::ConnectionPool& pool_;
};

}  // namespace kiosk::media

#endif  // KIOSK_SERVICES_MEDIA_PG_TITLE_MAPPING_STORE_H_
