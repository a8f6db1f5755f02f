// Access tokens an attacker could send, made from a real one: expired (but
// correctly signed), tampered (payload changed, signature kept), `alg: none`,
// signed with another secret, and under other algorithms (HS384 with the
// right secret, an RS256 header). Each must be refused (401 / UNAUTHENTICATED)
// everywhere.
#ifndef KIOSK_TESTS_SECURITY_FORGED_TOKENS_H_
#define KIOSK_TESTS_SECURITY_FORGED_TOKENS_H_

#include <string>
#include <vector>

namespace kiosk::testing {

struct ForgedToken {
  std::string kind;  // "expired", "tampered", ...
  std::string token;
};

// `real` is a valid access token of the suite signed with `secret`.
std::vector<ForgedToken> ForgeTokens(const std::string& real, const std::string& secret);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SECURITY_FORGED_TOKENS_H_
