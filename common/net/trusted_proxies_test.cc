#include "common/net/trusted_proxies.h"

#include <gtest/gtest.h>

namespace kiosk::net {
namespace {

TEST(TrustedProxiesTest, ParsesBlocksAndSingleAddresses) {
  absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(" 10.0.0.0/8, 192.168.1.7 ,fd00::/8");
  ASSERT_TRUE(proxies.ok()) << proxies.status();
  EXPECT_TRUE(proxies->Trusts("10.200.3.4"));
  EXPECT_FALSE(proxies->Trusts("11.0.0.1"));
  EXPECT_TRUE(proxies->Trusts("192.168.1.7"));
  EXPECT_FALSE(proxies->Trusts("192.168.1.8"));
  EXPECT_TRUE(proxies->Trusts("fd12::1"));
  EXPECT_FALSE(proxies->Trusts("fe80::1"));
  // An IPv4 client seen on an IPv6 socket.
  EXPECT_TRUE(proxies->Trusts("::ffff:10.1.2.3"));
  EXPECT_FALSE(proxies->Trusts("not an ip"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNotABlock) {
  for (const char* bad : {"10.0.0.0/33", "::1/129", "10.0.0/8", "host.example", "10.0.0.0/x", "/8"}) {
    absl::StatusOr<TrustedProxies> proxies = TrustedProxies::Parse(bad);
    EXPECT_EQ(proxies.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(proxies.status().message().find(bad), std::string::npos) << proxies.status();
  }
}

TEST(TrustedProxiesTest, EmptyListTrustsNobody) {
  TrustedProxies none = *TrustedProxies::Parse("");
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.ClientAddress("127.0.0.1", "6.6.6.6"), "127.0.0.1");
}

TEST(TrustedProxiesTest, ClientAddressBelievesOnlyTrustedPeers) {
  TrustedProxies proxies = *TrustedProxies::Parse("127.0.0.1,10.0.0.0/8");
  // An untrusted peer cannot choose its address.
  EXPECT_EQ(proxies.ClientAddress("203.0.113.9", "1.2.3.4"), "203.0.113.9");
  // A trusted peer: the right-most untrusted hop, trusted hops skipped, and
  // whatever the client wrote to the left of it ignored.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "6.6.6.6, 198.51.100.2, 10.1.1.1"), "198.51.100.2");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "[2001:db8::5]"), "2001:db8::5");
  // Nothing (or garbage) forwarded: the peer itself, or the last good hop.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "garbage"), "127.0.0.1");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "garbage, 10.0.0.2"), "10.0.0.2");
  EXPECT_EQ(TrustedProxies::Loopback().ClientAddress("::1", "192.0.2.1"), "192.0.2.1");
}

TEST(TrustedProxiesTest, IpFromGrpcPeer) {
  EXPECT_EQ(IpFromGrpcPeer("ipv4:127.0.0.1:43210"), "127.0.0.1");
  EXPECT_EQ(IpFromGrpcPeer("ipv6:[::1]:43210"), "::1");
  EXPECT_EQ(IpFromGrpcPeer("unix:/tmp/socket"), "unix:/tmp/socket");
}

}  // namespace
}  // namespace kiosk::net
