#include "common/net/trusted_proxies.h"

#include <arpa/inet.h>

#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::net {
namespace {

// An address as 16 bytes (IPv4 mapped into ::ffff:0:0/96) and the number of
// leading bits its family adds (96 for IPv4, 0 for IPv6).
std::optional<std::pair<std::array<uint8_t, 16>, int>> ParseAddress(absl::string_view text) {
  std::string ip(absl::StripAsciiWhitespace(text));
  if (ip.size() > 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  std::array<uint8_t, 16> bytes{};
  in_addr v4;
  if (inet_pton(AF_INET, ip.c_str(), &v4) == 1) {
    bytes[10] = bytes[11] = 0xff;
    std::memcpy(&bytes[12], &v4, 4);
    return std::make_pair(bytes, 96);
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, ip.c_str(), &v6) == 1) {
    std::memcpy(bytes.data(), &v6, 16);
    return std::make_pair(bytes, 0);
  }
  return std::nullopt;
}

bool SamePrefix(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(absl::string_view list) {
  TrustedProxies proxies;
  for (absl::string_view entry : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(entry, absl::MaxSplits('/', 1));
    auto address = ParseAddress(parts.first);
    const int family_bits = address ? address->second : 0;
    int prefix = 128 - family_bits;
    const bool prefix_ok = parts.second.empty() ||
                           (absl::SimpleAtoi(parts.second, &prefix) && prefix >= 0 &&
                            prefix <= 128 - family_bits);
    if (!address || !prefix_ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("TRUSTED_PROXIES: \"", entry,
                       "\" is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1/128)"));
    }
    proxies.blocks_.push_back({address->first, family_bits + prefix});
  }
  return proxies;
}

TrustedProxies TrustedProxies::Loopback() { return *Parse("127.0.0.1/32,::1/128"); }

bool TrustedProxies::Trusts(absl::string_view ip) const {
  auto address = ParseAddress(ip);
  if (!address) return false;
  for (const Block& block : blocks_) {
    if (SamePrefix(block.address, address->first, block.prefix)) return true;
  }
  return false;
}

std::string TrustedProxies::ClientAddress(absl::string_view peer_ip,
                                          absl::string_view forwarded_for) const {
  std::string client(peer_ip);
  if (!Trusts(client)) return client;
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded_for, ',', absl::SkipWhitespace());
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    auto address = ParseAddress(*hop);
    if (!address) break;
    client = std::string(absl::StripAsciiWhitespace(*hop));
    if (client.front() == '[') client = client.substr(1, client.size() - 2);
    if (!Trusts(client)) break;
  }
  return client;
}

std::string IpFromGrpcPeer(absl::string_view peer) {
  for (absl::string_view scheme : {"ipv4:", "ipv6:"}) {
    if (absl::ConsumePrefix(&peer, scheme)) {
      const size_t colon = peer.rfind(':');
      if (colon != absl::string_view::npos) peer = peer.substr(0, colon);
      if (peer.size() > 2 && peer.front() == '[' && peer.back() == ']') {
        peer = peer.substr(1, peer.size() - 2);
      }
      return std::string(peer);
    }
  }
  return std::string(peer);
}

}  // namespace kiosk::net
