#include "common/webhooks/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kiosk::webhooks {

std::string HmacSha256Hex(absl::string_view key, absl::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &length);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string SignedString(int64_t timestamp, absl::string_view body) {
  return absl::StrCat(timestamp, ".", body);
}

std::string SignatureHeaderValue(absl::string_view secret, int64_t timestamp,
                                 absl::string_view body) {
  return absl::StrCat("sha256=", HmacSha256Hex(secret, SignedString(timestamp, body)));
}

absl::Status VerifySignature(absl::string_view secret, absl::string_view timestamp,
                             absl::string_view body, absl::string_view signature, absl::Time now,
                             absl::Duration tolerance) {
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(timestamp, &seconds)) {
    return absl::UnauthenticatedError("X-Kiosk-Timestamp is not a number of seconds");
  }
  if (absl::AbsDuration(now - absl::FromUnixSeconds(seconds)) > tolerance) {
    return absl::UnauthenticatedError(
        absl::StrCat("X-Kiosk-Timestamp is more than ", absl::FormatDuration(tolerance),
                     " away from now (a replay, or a clock out of sync)"));
  }
  // Over the header as received, byte for byte.
  const std::string expected =
      absl::StrCat("sha256=", HmacSha256Hex(secret, absl::StrCat(timestamp, ".", body)));
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return absl::UnauthenticatedError("X-Kiosk-Signature does not match the body");
  }
  return absl::OkStatus();
}

}  // namespace kiosk::webhooks
