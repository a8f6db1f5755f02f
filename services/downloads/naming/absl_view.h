// Debian's Abseil 20220623 has its own absl::string_view (not an alias of
// std::string_view, which the downloads API uses), so calls into absl::
// string helpers go through Av().
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_ABSL_VIEW_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_ABSL_VIEW_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace kiosk::downloads {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace kiosk::downloads

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_ABSL_VIEW_H_
