#include "common/server/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kiosk::server {

std::string EncodePageToken(char kind, int64_t value) {
  return absl::WebSafeBase64Escape(absl::StrCat(std::string(1, kind), value));
}

absl::StatusOr<int64_t> DecodePageToken(char kind, const std::string& token, int64_t min,
                                        int64_t max) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t value = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() < 2 || raw[0] != kind ||
      !absl::SimpleAtoi(raw.substr(1), &value) || value < min || value > max) {
    return absl::InvalidArgumentError("page_token is not one this service issued");
  }
  return value;
}

}  // namespace kiosk::server
