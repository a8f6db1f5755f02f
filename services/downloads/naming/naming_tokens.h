// One token of a naming format ("{Movie.CleanTitle:30}") as Radarr's
// TitleRegex splits it, and its rendering against a NamingContext: the value,
// the case rule, the separator, cleaning, then prefix and suffix.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_TOKENS_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_TOKENS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/downloads/naming/naming_format.h"

namespace kiosk::downloads::naming {

// Stands for Radarr's "{ellipsis}" until the end of RenderFormat, so that
// collapsing "..." to "." does not eat the ellipsis of a truncated title.
inline constexpr absl::string_view kEllipsisMark = "\xEE\x80\x80";  // U+E000, private use

// One "{...}" as Radarr's TitleRegex splits it.
struct TokenMatch {
  std::string prefix;
  std::string name;       // as written: "Movie.CleanTitle"
  std::string key;        // separators removed, lowercase: "moviecleantitle"
  std::string separator;  // "." for {Movie.CleanTitle}, "" for {Movie Title}
  std::string format;     // after ':' ("30", "FR", "00"), "" if none
  std::string suffix;
};

// Splits the inside of "{...}": prefix chars "- ._[(", a one- or two-word
// name (a separator between the words), ":format", suffix chars "- ._)]".
// INVALID_ARGUMENT when it is not that shape.
absl::StatusOr<TokenMatch> ParseToken(absl::string_view body);

// Radarr's ReplaceToken. INVALID_ARGUMENT for an unknown token name. An
// empty value renders as "" (prefix and suffix dropped).
absl::StatusOr<std::string> RenderToken(const TokenMatch& t, const NamingContext& c,
                                        const NamingOptions& options);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_NAMING_TOKENS_H_
