#include "services/media/pg_requested_seasons_store.h"

#include <pqxx/pqxx>

#include "common/db/with_connection.h"
#include "nlohmann/json.hpp"

namespace kiosk::media {
namespace {

// requested_seasons: NULL = the whole series, else a JSON array of season
// numbers (whole seasons) and {"season": n, "episodes": [...]} objects.
constexpr char kActiveSelectionsSql[] = R"sql(
SELECT coalesce(requested_seasons::text, '') FROM media.media_requests
WHERE media_type = 'tv' AND tmdb_id = $1
  AND status NOT IN ('declined', 'cancelled', 'failed')
ORDER BY id)sql";

std::vector<SeasonSelection> ParseSelection(const std::string& text) {
  std::vector<SeasonSelection> seasons;
  nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return seasons;
  for (const nlohmann::json& item : parsed) {
    if (item.is_number_integer()) {
      seasons.push_back({item.get<int>(), {}});
    } else if (item.is_object() && item.contains("season") && item["season"].is_number_integer()) {
      SeasonSelection s{item["season"].get<int>(), {}};
      if (item.contains("episodes") && item["episodes"].is_array()) {
        for (const nlohmann::json& e : item["episodes"]) {
          if (e.is_number_integer()) s.episode_numbers.push_back(e.get<int>());
        }
      }
      seasons.push_back(std::move(s));
    }
  }
  return seasons;
}

}  // namespace

absl::StatusOr<std::vector<std::vector<SeasonSelection>>>
PgRequestedSeasonsStore::ActiveSelections(int tmdb_id) {
  return db::WithConnection(pool_, "reading the requested seasons of a series",
                            [&](pqxx::connection& conn) {
                              pqxx::read_transaction tx(conn);
                              std::vector<std::vector<SeasonSelection>> out;
                              for (const pqxx::row& row : tx.exec_params(kActiveSelectionsSql, tmdb_id)) {
                                out.push_back(ParseSelection(row[0].as<std::string>()));
                              }
                              return out;
                            });
}

}  // namespace kiosk::media
