// Password hashing with Argon2id, stored as PHC strings
// ("$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>") compatible with Python's
// argon2-cffi in both directions. Hashing and verification go through
// libargon2 (which compares in constant time); salts come from OpenSSL's
// RAND_bytes.
//
//   PasswordHasher hasher;                       // RFC 9106 low-memory profile
//   ASSIGN_OR_RETURN(std::string phc, hasher.Hash(password));
//   ASSIGN_OR_RETURN(bool ok, hasher.Verify(password, phc));
//   if (ok && hasher.NeedsRehash(phc)) { /* store hasher.Hash(password) */ }
//
// Passwords are arbitrary bytes (UTF-8, NUL, ...) of at most kMaxPasswordBytes.
// Neither passwords nor hashes ever appear in returned messages. A
// PasswordHasher is immutable and safe to use from several threads.
#ifndef KIOSK_COMMON_AUTH_PASSWORD_HASHER_H_
#define KIOSK_COMMON_AUTH_PASSWORD_HASHER_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::auth {

// Longer passwords are refused with InvalidArgument (a guard against hashing
// megabytes per request).
inline constexpr size_t kMaxPasswordBytes = 4096;

// Argon2id costs for new hashes. The defaults are RFC 9106's second
// recommended ("low-memory") profile, also argon2-cffi's default since 21.2;
// about 0.1 s per hash on a small server.
struct Argon2Params {
  uint32_t time_cost = 3;       // passes over memory (t)
  uint32_t memory_kib = 65536;  // m, in KiB; at least 8 * parallelism
  uint32_t parallelism = 4;     // lanes and threads (p)
  uint32_t hash_len = 32;       // bytes of output, at least 4
  uint32_t salt_len = 16;       // bytes of random salt, at least 8
};

// OK when libargon2 accepts `params`; InvalidArgument naming the bad field
// otherwise. Useful at startup, before the first Hash() would fail.
absl::Status ValidateArgon2Params(const Argon2Params& params);

// The fields of an Argon2 PHC string.
struct PhcInfo {
  std::string variant;   // "argon2id", "argon2i" or "argon2d"
  uint32_t version = 0;  // 19 (0x13) or 16 (0x10, also when "v=" is absent)
  uint32_t memory_kib = 0;
  uint32_t time_cost = 0;
  uint32_t parallelism = 0;
  uint32_t salt_len = 0;  // decoded bytes
  uint32_t hash_len = 0;  // decoded bytes
};

// Parses "$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>" (salt and hash in
// unpadded standard base64, fields in exactly this order, as libargon2 writes
// and reads them). InvalidArgument for anything else; for a known non-Argon2
// scheme (bcrypt "$2b$...", scrypt, pbkdf2, crypt(3) "$6$"...) the message
// says that this algorithm is not supported.
absl::StatusOr<PhcInfo> ParsePhc(absl::string_view phc);

class PasswordHasher {
 public:
  explicit PasswordHasher(Argon2Params params = {});

  // A new Argon2id PHC string with a fresh random salt. InvalidArgument for a
  // password over kMaxPasswordBytes or invalid params.
  absl::StatusOr<std::string> Hash(absl::string_view password) const;

  // Whether `password` matches `phc` (any Argon2 variant, version and costs,
  // e.g. argon2-cffi's older argon2i hashes). Takes the same time for every
  // password of a given length. InvalidArgument for a password over
  // kMaxPasswordBytes or a malformed or non-Argon2 `phc` (see ParsePhc).
  absl::StatusOr<bool> Verify(absl::string_view password, absl::string_view phc) const;

  // True when `phc` should be replaced by a new Hash() after a successful
  // Verify(): it is not argon2id, not version 19, or its memory, time,
  // parallelism, hash length or salt length is below params(). Hashes at
  // least as strong as params() are kept (unlike argon2-cffi, which asks for a
  // rehash on any difference). True for an unparsable `phc`.
  bool NeedsRehash(absl::string_view phc) const;

  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
};

namespace internal {

// Hash() with a caller-chosen salt (at least 8 bytes; params.salt_len is
// ignored), for known-answer tests. Production code calls Hash().
absl::StatusOr<std::string> HashWithSalt(const Argon2Params& params, absl::string_view password,
                                         absl::string_view salt);

}  // namespace internal
}  // namespace kiosk::auth

#endif  // KIOSK_COMMON_AUTH_PASSWORD_HASHER_H_
