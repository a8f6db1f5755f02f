// Opaque page tokens for List RPCs: a one-letter kind and a number (an
// offset, or the id to continue below), base64url-encoded, so clients treat
// them as opaque and a token of another list is refused.
//
//   response->set_next_page_token(EncodePageToken('j', last_id));
//   ASSIGN_OR_RETURN(int64_t before, DecodePageToken('j', request.page_token(), 1, INT64_MAX));
#ifndef KIOSK_COMMON_SERVER_PAGE_TOKEN_H_
#define KIOSK_COMMON_SERVER_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace kiosk::server {

std::string EncodePageToken(char kind, int64_t value);
// 0 for an empty token (the first page); INVALID_ARGUMENT for a token that
// is not of `kind` or whose number is outside [min, max].
absl::StatusOr<int64_t> DecodePageToken(char kind, const std::string& token, int64_t min,
                                        int64_t max);

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_PAGE_TOKEN_H_
