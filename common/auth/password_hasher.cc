#include "common/auth/password_hasher.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace kiosk::auth {
namespace {

constexpr absl::string_view kSupported = "only Argon2 (argon2id, argon2i, argon2d) is supported";

absl::Status CheckPasswordLength(absl::string_view password) {
  if (password.size() > kMaxPasswordBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("password longer than ", kMaxPasswordBytes, " bytes"));
  }
  return absl::OkStatus();
}

std::optional<argon2_type> TypeFromVariant(absl::string_view variant) {
  if (variant == "argon2id") return Argon2_id;
  if (variant == "argon2i") return Argon2_i;
  if (variant == "argon2d") return Argon2_d;
  return std::nullopt;
}

// The scheme of a non-Argon2 modular-crypt string, for the error message.
std::optional<absl::string_view> KnownOtherScheme(absl::string_view id) {
  if (id == "2" || id == "2a" || id == "2b" || id == "2x" || id == "2y") return "bcrypt";
  if (id == "scrypt" || id == "7") return "scrypt";
  if (absl::StartsWith(id, "pbkdf2")) return "PBKDF2";
  if (id == "1") return "MD5-crypt";
  if (id == "5") return "SHA-256-crypt";
  if (id == "6") return "SHA-512-crypt";
  if (id == "y" || id == "gy") return "yescrypt";
  if (id == "balloon") return "balloon";
  return std::nullopt;
}

// A decimal as libargon2 reads it: digits only, no sign, no leading zero,
// fits in 32 bits.
std::optional<uint32_t> ParseDecimalU32(absl::string_view text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  if (value > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(value);
}

// "<name>=<decimal>".
std::optional<uint32_t> ParseAssignment(absl::string_view field, absl::string_view name) {
  if (!absl::StartsWith(field, name) || field.size() <= name.size() || field[name.size()] != '=') {
    return std::nullopt;
  }
  return ParseDecimalU32(field.substr(name.size() + 1));
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  return c == '+' ? 62 : 63;
}

// The decoded length of unpadded standard base64, with libargon2's rules: no
// '=', length not 1 mod 4, unused low bits of the last character zero.
std::optional<uint32_t> DecodedBase64Length(absl::string_view text) {
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  for (char c : text) {
    if (!IsBase64Char(c)) return std::nullopt;
  }
  const size_t leftover_bits = (text.size() * 6) % 8;  // 0, 2 or 4
  if ((Base64Value(text.back()) & ((1 << leftover_bits) - 1)) != 0) return std::nullopt;
  const size_t bytes = text.size() * 6 / 8;
  if (bytes > std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return static_cast<uint32_t>(bytes);
}

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed Argon2 PHC string: ", what));
}

// Status for a failed libargon2 call; never mentions the password.
absl::Status Argon2Error(absl::string_view call, int rc) {
  std::string message = absl::StrCat(call, " failed: ", argon2_error_message(rc));
  switch (rc) {
    case ARGON2_MEMORY_ALLOCATION_ERROR:
      return absl::ResourceExhaustedError(message);
    case ARGON2_DECODING_FAIL:
    case ARGON2_INCORRECT_TYPE:
    case ARGON2_INCORRECT_PARAMETER:
    case ARGON2_PWD_TOO_LONG:
    case ARGON2_SALT_TOO_SHORT:
    case ARGON2_SALT_TOO_LONG:
    case ARGON2_OUTPUT_TOO_SHORT:
    case ARGON2_OUTPUT_TOO_LONG:
    case ARGON2_TIME_TOO_SMALL:
    case ARGON2_MEMORY_TOO_LITTLE:
    case ARGON2_LANES_TOO_FEW:
    case ARGON2_LANES_TOO_MANY:
    case ARGON2_THREADS_TOO_FEW:
    case ARGON2_THREADS_TOO_MANY:
      return absl::InvalidArgumentError(message);
    default:
      return absl::InternalError(message);
  }
}

// Cost limits shared by new params and parsed hashes (libargon2's own).
absl::Status CheckCosts(uint32_t time_cost, uint32_t memory_kib, uint32_t parallelism,
                        uint32_t hash_len, uint32_t salt_len) {
  if (time_cost < ARGON2_MIN_TIME) return absl::InvalidArgumentError("time cost t must be >= 1");
  if (parallelism < ARGON2_MIN_LANES || parallelism > ARGON2_MAX_LANES) {
    return absl::InvalidArgumentError("parallelism p must be in [1, 16777215]");
  }
  if (memory_kib < ARGON2_MIN_MEMORY || memory_kib / 8 < parallelism) {
    return absl::InvalidArgumentError("memory m must be >= 8 KiB per lane (8 * p)");
  }
  if (hash_len < ARGON2_MIN_OUTLEN) {
    return absl::InvalidArgumentError("hash length must be >= 4 bytes");
  }
  if (salt_len < ARGON2_MIN_SALT_LENGTH) {
    return absl::InvalidArgumentError("salt length must be >= 8 bytes");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateArgon2Params(const Argon2Params& params) {
  return CheckCosts(params.time_cost, params.memory_kib, params.parallelism, params.hash_len,
                    params.salt_len);
}

absl::StatusOr<PhcInfo> ParsePhc(absl::string_view phc) {
  if (phc.empty()) return absl::InvalidArgumentError("empty password hash");
  if (phc[0] != '$') return Malformed("does not start with '$'");
  std::vector<absl::string_view> parts = absl::StrSplit(phc.substr(1), '$');
  const absl::string_view id = parts[0];
  if (!TypeFromVariant(id).has_value()) {
    if (std::optional<absl::string_view> other = KnownOtherScheme(id)) {
      return absl::InvalidArgumentError(
          absl::StrCat(*other, " password hashes are not supported; ", kSupported));
    }
    const bool printable = !id.empty() && id.size() <= 32 && absl::c_all_of(id, [](char c) {
      return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-';
    });
    return absl::InvalidArgumentError(absl::StrCat("unsupported password hash algorithm",
                                                   printable ? absl::StrCat(" '", id, "'") : "",
                                                   "; ", kSupported));
  }

  PhcInfo info;
  info.variant = std::string(id);
  // parts: variant, [v=<version>,] costs, salt, hash.
  size_t next = 1;
  if (parts.size() == 5) {
    std::optional<uint32_t> version = ParseAssignment(parts[next++], "v");
    if (!version.has_value()) return Malformed("bad version field");
    info.version = *version;
  } else if (parts.size() == 4) {
    info.version = ARGON2_VERSION_10;  // libargon2's default when "v=" is absent
  } else {
    return Malformed("expected $<variant>$v=<version>$<costs>$<salt>$<hash>");
  }
  if (info.version != ARGON2_VERSION_10 && info.version != ARGON2_VERSION_13) {
    return Malformed("unknown Argon2 version (expected v=19 or v=16)");
  }

  std::vector<absl::string_view> costs = absl::StrSplit(parts[next++], ',');
  if (costs.size() != 3) return Malformed("expected cost field m=<KiB>,t=<passes>,p=<lanes>");
  std::optional<uint32_t> m = ParseAssignment(costs[0], "m");
  std::optional<uint32_t> t = ParseAssignment(costs[1], "t");
  std::optional<uint32_t> p = ParseAssignment(costs[2], "p");
  if (!m.has_value() || !t.has_value() || !p.has_value()) {
    return Malformed("expected cost field m=<KiB>,t=<passes>,p=<lanes>");
  }
  info.memory_kib = *m;
  info.time_cost = *t;
  info.parallelism = *p;

  std::optional<uint32_t> salt_len = DecodedBase64Length(parts[next++]);
  if (!salt_len.has_value()) return Malformed("salt is not unpadded base64");
  std::optional<uint32_t> hash_len = DecodedBase64Length(parts[next++]);
  if (!hash_len.has_value()) return Malformed("hash is not unpadded base64");
  info.salt_len = *salt_len;
  info.hash_len = *hash_len;

  if (absl::Status costs_ok = CheckCosts(info.time_cost, info.memory_kib, info.parallelism,
                                         info.hash_len, info.salt_len);
      !costs_ok.ok()) {
    return Malformed(costs_ok.message());
  }
  return info;
}

PasswordHasher::PasswordHasher(Argon2Params params) : params_(params) {}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  if (absl::Status status = CheckPasswordLength(password); !status.ok()) return status;
  if (absl::Status status = ValidateArgon2Params(params_); !status.ok()) return status;
  std::string salt(params_.salt_len, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) !=
      1) {
    return absl::InternalError("RAND_bytes failed to produce a salt");
  }
  return internal::HashWithSalt(params_, password, salt);
}

absl::StatusOr<bool> PasswordHasher::Verify(absl::string_view password,
                                            absl::string_view phc) const {
  if (absl::Status status = CheckPasswordLength(password); !status.ok()) return status;
  absl::StatusOr<PhcInfo> info = ParsePhc(phc);
  if (!info.ok()) return info.status();
  const std::string encoded(phc);  // argon2_verify wants a NUL-terminated string
  const int rc = argon2_verify(encoded.c_str(), password.data(), password.size(),
                               *TypeFromVariant(info->variant));
  if (rc == ARGON2_OK) return true;
  if (rc == ARGON2_VERIFY_MISMATCH) return false;
  return Argon2Error("argon2_verify", rc);
}

bool PasswordHasher::NeedsRehash(absl::string_view phc) const {
  absl::StatusOr<PhcInfo> info = ParsePhc(phc);
  if (!info.ok()) return true;
  return info->variant != "argon2id" || info->version < ARGON2_VERSION_13 ||
         info->memory_kib < params_.memory_kib || info->time_cost < params_.time_cost ||
         info->parallelism < params_.parallelism || info->hash_len < params_.hash_len ||
         info->salt_len < params_.salt_len;
}

namespace internal {

absl::StatusOr<std::string> HashWithSalt(const Argon2Params& params, absl::string_view password,
                                         absl::string_view salt) {
  if (absl::Status status = CheckPasswordLength(password); !status.ok()) return status;
  if (salt.size() > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError("salt too long");
  }
  const auto salt_len = static_cast<uint32_t>(salt.size());
  if (absl::Status status = CheckCosts(params.time_cost, params.memory_kib, params.parallelism,
                                       params.hash_len, salt_len);
      !status.ok()) {
    return status;
  }
  // An upper bound, NUL included.
  std::string encoded(argon2_encodedlen(params.time_cost, params.memory_kib, params.parallelism,
                                        salt_len, params.hash_len, Argon2_id),
                      '\0');
  const int rc = argon2id_hash_encoded(params.time_cost, params.memory_kib, params.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       params.hash_len, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return Argon2Error("argon2id_hash_encoded", rc);
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

}  // namespace internal
}  // namespace kiosk::auth
