// The two halves of Radarr's file-name cleaning, used by RenderFormat:
// CleanTokenText on each token value (illegal characters, colons, leading
// spaces/dots), FinishFileName on the whole name (collapse repeated
// separators, trim, Windows reserved names). CleanFileName = both.
#ifndef KIOSK_SERVICES_DOWNLOADS_NAMING_CLEAN_FILE_NAME_H_
#define KIOSK_SERVICES_DOWNLOADS_NAMING_CLEAN_FILE_NAME_H_

#include <string>

#include "absl/strings/string_view.h"
#include "services/downloads/naming/naming_format.h"

namespace kiosk::downloads::naming {

// Radarr's FileNameBuilder.CleanFileName: colon mode, \ / < > ? * | " mapped
// to + + "" "" ! - "" "" (or removed), control characters removed, leading
// spaces and dots and trailing spaces trimmed.
std::string CleanTokenText(absl::string_view text, const NamingOptions& options);
// What Radarr's BuildFileName does after the tokens: trim, collapse repeated
// separators ("a..b" -> "a.b", "a  b" -> "a b"), drop trailing separators, and
// keep Windows reserved device names (CON, PRN, AUX, NUL, COM1-9, LPT1-9) from
// being a name: "con.x" -> "con_x", "CON" -> "CON_".
std::string FinishFileName(absl::string_view name);

}  // namespace kiosk::downloads::naming

#endif  // KIOSK_SERVICES_DOWNLOADS_NAMING_CLEAN_FILE_NAME_H_
