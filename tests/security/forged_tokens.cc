#include "tests/security/forged_tokens.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace kiosk::testing {
namespace {

std::string B64(const std::string& data) { return absl::WebSafeBase64Escape(data); }

std::string Mac(const EVP_MD* md, const std::string& secret, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &length);
  return std::string(reinterpret_cast<char*>(mac), length);
}

std::string Sign(const nlohmann::json& header, const nlohmann::json& payload,
                 const std::string& secret, const EVP_MD* md = EVP_sha256()) {
  std::string input = absl::StrCat(B64(header.dump()), ".", B64(payload.dump()));
  return absl::StrCat(input, ".", B64(Mac(md, secret, input)));
}

}  // namespace

std::vector<ForgedToken> ForgeTokens(const std::string& real, const std::string& secret) {
  std::vector<std::string> parts = absl::StrSplit(real, '.');
  std::string payload_text;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload_text)) return {};
  const nlohmann::json payload = nlohmann::json::parse(payload_text);
  const nlohmann::json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
  const int64_t now = absl::ToUnixSeconds(absl::Now());

  nlohmann::json expired = payload;
  expired["iat"] = now - 7200;
  expired["exp"] = now - 3600;
  nlohmann::json promoted = payload;
  promoted["role"] = "admin";
  promoted["sub"] = "1";
  promoted["exp"] = now + 86400;

  return {
      {"expired", Sign(hs256, expired, secret)},
      {"tampered", absl::StrCat(parts[0], ".", B64(promoted.dump()), ".", parts[2])},
      {"alg none",
       absl::StrCat(B64(R"({"alg":"none","typ":"JWT"})"), ".", B64(promoted.dump()), ".")},
      {"alg none signed", Sign({{"alg", "none"}, {"typ", "JWT"}}, promoted, secret)},
      {"other secret", Sign(hs256, promoted, "not-the-suite-secret-0123456789abcdef")},
      {"HS384", Sign({{"alg", "HS384"}, {"typ", "JWT"}}, payload, secret, EVP_sha384())},
      {"RS256 header", Sign({{"alg", "RS256"}, {"typ", "JWT"}}, payload, secret)},
      {"garbage", "not.a.token"},
  };
}

}  // namespace kiosk::testing
