// The title variants Radarr/Sonarr tokens offer: CleanTitle ("Law and Order
// SVU"), TitleThe ("Matrix, The"), diacritics removed, UTF-8-aware truncation.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_TITLE_TRANSFORMS_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_TITLE_TRANSFORMS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace kiosk::downloads::naming {

// "Amélie" -> "Amelie", "Œuvre" stays (no decomposition, as .NET's NFD strip).
std::string RemoveDiacritics(absl::string_view text);
// Radarr's CleanTitle: "&" -> "and", "/" and "\" -> space, stray punctuation
// and brackets removed, diacritics removed.
std::string CleanTitle(absl::string_view title);
// "The Matrix" -> "Matrix, The"; "A Quiet Place (2018)" -> "Quiet Place, A (2018)".
std::string TitleThe(absl::string_view title);
// "Title (Year)" unless the title already ends with "(Year)".
std::string TitleYear(absl::string_view title, int year);
// The title without a trailing " (Year)".
std::string TitleWithoutYear(absl::string_view title);
// Radarr's Truncate: keeps at most |max_chars| UTF-8 characters; a positive
// limit cuts the end, a negative one the start; the cut side gets `ellipsis`.
std::string TruncateTitle(absl::string_view text, int max_chars, absl::string_view ellipsis);
// Number of UTF-8 characters.
size_t Utf8Length(absl::string_view text);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_TITLE_TRANSFORMS_H_
