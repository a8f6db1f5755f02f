// Which peers may tell us the client's address (X-Forwarded-For), as nginx's
// real_ip module does: an address list of trusted proxies, given as CIDR
// blocks, e.g. "127.0.0.1/32,::1/128,10.0.0.0/8".
//
// kiosk-gateway resolves the client behind an Ingress it trusts and passes
// one address to the services (gRPC metadata x-forwarded-for); kiosk-users
// believes that metadata only when the call comes from a trusted peer (the
// gateway), so a client that reaches kiosk-users directly cannot pick the
// address its login attempts are throttled under.
#ifndef KIOSK_COMMON_NET_TRUSTED_PROXIES_H_
#define KIOSK_COMMON_NET_TRUSTED_PROXIES_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::net {

class TrustedProxies {
 public:
  // Comma-separated CIDR blocks or single addresses; "" trusts nobody.
  // InvalidArgument names the entry that is not one.
  static absl::StatusOr<TrustedProxies> Parse(absl::string_view list);
  // 127.0.0.1/32 and ::1/128: a gateway on the same host.
  static TrustedProxies Loopback();

  bool Trusts(absl::string_view ip) const;

  // The client's address: `peer_ip` itself unless it is trusted; then the
  // right-most address of `forwarded_for` (an X-Forwarded-For value) that is
  // not a trusted proxy, skipping trusted hops. Malformed entries stop the
  // walk at the last good address.
  std::string ClientAddress(absl::string_view peer_ip, absl::string_view forwarded_for) const;

  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    std::array<uint8_t, 16> address{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                     // over the 128 bits
  };
  std::vector<Block> blocks_;
};

// "ipv4:1.2.3.4:5678" / "ipv6:[::1]:5678" (grpc::ServerContext::peer()) ->
// "1.2.3.4" / "::1"; anything else unchanged.
std::string IpFromGrpcPeer(absl::string_view peer);

}  // namespace kiosk::net

#endif  // KIOSK_COMMON_NET_TRUSTED_PROXIES_H_
