#include "common/auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/crypto.h"

namespace kiosk::auth {
namespace {

// Fixed header: the only one we ever issue.
constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("invalid access token: ", why));
}

bool IsBase64Url(absl::string_view part) {
  for (char c : part) {
    if (!(absl::ascii_isalnum(c) || c == '-' || c == '_')) return false;
  }
  return !part.empty();
}

absl::StatusOr<nlohmann::json> DecodeJsonPart(absl::string_view part, absl::string_view name) {
  std::string raw;
  if (!IsBase64Url(part) || !absl::WebSafeBase64Unescape(part, &raw)) {
    return Unauthenticated(absl::StrCat("the ", name, " is not base64url"));
  }
  nlohmann::json json = nlohmann::json::parse(raw, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object())
    return Unauthenticated(absl::StrCat("the ", name, " is not a JSON object"));
  return json;
}

}  // namespace

JwtCodec::JwtCodec(std::string secret, absl::Duration leeway)
    : secret_(std::move(secret)), leeway_(leeway) {}

std::string JwtCodec::Mac(absl::string_view signing_input) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &length);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string JwtCodec::Sign(const TokenClaims& claims) const {
  nlohmann::json payload = {
      {"iss", kIssuer},
      {"sub", claims.role == kServiceRole ? absl::StrCat("service:", claims.service)
                                          : absl::StrCat(claims.user_id)},
      {"role", claims.role},
      {"jti", claims.token_id},
      {"iat", absl::ToUnixSeconds(claims.issued_at)},
      {"exp", absl::ToUnixSeconds(claims.expires_at)},
  };
  if (claims.must_change_password) payload["pwc"] = true;
  std::string input = absl::StrCat(absl::WebSafeBase64Escape(kHeader), ".",
                                   absl::WebSafeBase64Escape(payload.dump()));
  return absl::StrCat(input, ".", absl::WebSafeBase64Escape(Mac(input)));
}

std::string JwtCodec::SignServiceToken(const std::string& service, absl::Time now,
                                       absl::Duration ttl) const {
  TokenClaims claims;
  claims.role = kServiceRole;
  claims.service = service;
  claims.token_id = absl::BytesToHexString(RandomBytes(16));
  claims.issued_at = now;
  claims.expires_at = now + ttl;
  return Sign(claims);
}

absl::StatusOr<TokenClaims> JwtCodec::Verify(absl::string_view token, absl::Time now) const {
  if (token.size() > 8192) return Unauthenticated("too long");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not a JWT (three dot-separated parts)");

  absl::StatusOr<nlohmann::json> header = DecodeJsonPart(parts[0], "header");
  if (!header.ok()) return header.status();
  // The algorithm is ours to choose, never the token's: anything but HS256
  // (including "none") is refused before looking at the signature.
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return Unauthenticated("algorithm must be HS256");
  }
  if (auto typ = header->find("typ");
      typ != header->end() && (!typ->is_string() || typ->get<std::string>() != "JWT")) {
    return Unauthenticated("type must be JWT");
  }

  std::string signature;
  if (!IsBase64Url(parts[2]) || !absl::WebSafeBase64Unescape(parts[2], &signature)) {
    return Unauthenticated("the signature is not base64url");
  }
  std::string expected = Mac(absl::StrCat(parts[0], ".", parts[1]));
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return Unauthenticated("bad signature");
  }

  absl::StatusOr<nlohmann::json> payload = DecodeJsonPart(parts[1], "payload");
  if (!payload.ok()) return payload.status();
  const nlohmann::json& p = *payload;
  auto string_claim = [&](const char* name) -> const std::string* {
    auto it = p.find(name);
    return it != p.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  auto time_claim = [&](const char* name, absl::Time* out) {
    auto it = p.find(name);
    if (it == p.end() || !it->is_number_integer()) return false;
    *out = absl::FromUnixSeconds(it->get<int64_t>());
    return true;
  };
  const std::string* iss = string_claim("iss");
  if (iss == nullptr || *iss != kIssuer) return Unauthenticated("wrong issuer");
  TokenClaims claims;
  const std::string* role = string_claim("role");
  if (role == nullptr || (*role != "admin" && *role != "user" && *role != kServiceRole)) {
    return Unauthenticated("bad role");
  }
  claims.role = *role;
  const std::string* sub = string_claim("sub");
  if (claims.role == kServiceRole) {
    if (sub == nullptr || !absl::StartsWith(*sub, "service:") || sub->size() <= 8) {
      return Unauthenticated("bad subject");
    }
    claims.service = sub->substr(8);
  } else if (sub == nullptr || !absl::SimpleAtoi(*sub, &claims.user_id) || claims.user_id <= 0) {
    return Unauthenticated("bad subject");
  }
  const std::string* jti = string_claim("jti");
  if (jti == nullptr || jti->empty()) return Unauthenticated("missing token id");
  claims.token_id = *jti;
  if (!time_claim("iat", &claims.issued_at) || !time_claim("exp", &claims.expires_at)) {
    return Unauthenticated("missing iat or exp");
  }
  if (auto pwc = p.find("pwc"); pwc != p.end()) {
    if (!pwc->is_boolean()) return Unauthenticated("bad pwc claim");
    claims.must_change_password = pwc->get<bool>();
  }
  if (now > claims.expires_at + leeway_) return Unauthenticated("expired; refresh it");
  if (claims.issued_at > now + leeway_) return Unauthenticated("issued in the future");
  return claims;
}

}  // namespace kiosk::auth
