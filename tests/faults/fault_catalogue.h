// A TMDB catalogue as large as a fault test needs: `count` films with ids
// from `first_id`, each a title no other request uses, so every create call
// of a load test is a new request.
#ifndef KIOSK_TESTS_FAULTS_FAULT_CATALOGUE_H_
#define KIOSK_TESTS_FAULTS_FAULT_CATALOGUE_H_

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/media/testing/tmdb_double.h"

namespace kiosk::testing {

inline std::vector<media::testing::CatalogueEntry> FaultCatalogue(int first_id, int count) {
  std::vector<media::testing::CatalogueEntry> films;
  films.reserve(count);
  for (int i = 0; i < count; ++i) {
    const int id = first_id + i;
    films.push_back({.media_type = "movie",
                     .id = id,
                     .title_fr = absl::StrCat("Film de panne ", id),
                     .title_en = absl::StrCat("Fault Film ", id),
                     .original_title = absl::StrCat("Fault Film ", id),
                     .original_language = "en",
                     .date = "2020-01-01",
                     .poster_path = "",
                     .overview_fr = "",
                     .overview_en = "",
                     .imdb_id = absl::StrCat("tt9", id),
                     .tvdb_id = 0,
                     .popularity = 1.0,
                     .seasons = {}});
  }
  return films;
}

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_FAULT_CATALOGUE_H_
