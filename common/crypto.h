// Small cryptographic helpers shared by the binaries (OpenSSL underneath).
#ifndef KIOSK_COMMON_CRYPTO_H_
#define KIOSK_COMMON_CRYPTO_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace kiosk {

// SHA-256 of `data`, lowercase hex.
std::string Sha256Hex(absl::string_view data);
// `n` bytes from OpenSSL's CSPRNG; aborts when it has no entropy (nothing
// secret may be issued then).
std::string RandomBytes(size_t n);

}  // namespace kiosk

#endif  // KIOSK_COMMON_CRYPTO_H_
