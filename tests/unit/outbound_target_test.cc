#include "common/net/outbound_target.h"

#include <gtest/gtest.h>

#include <string>

#include "common/status/status_details.h"

namespace aievents {
namespace {

const OutboundPolicy kStrict;
const OutboundPolicy kLocalTrials{/*allow_http=*/true, /*allow_loopback=*/true};

std::optional<std::string> Refused(const std::string& address,
                                   const OutboundPolicy& policy = kStrict) {
  std::optional<IpAddress> parsed = ParseIpAddress(address);
  EXPECT_TRUE(parsed.has_value()) << address;
  return parsed ? RefusedAddressReason(*parsed, policy) : std::nullopt;
}

TEST(OutboundTarget, PublicAddressesAreAllowed) {
  for (const char* address :
       {"93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001:81a::200e",
        "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8"}) {
    EXPECT_EQ(Refused(address), std::nullopt) << address;
  }
}

TEST(OutboundTarget, EveryNonPublicRangeIsRefusedWithItsName) {
  const std::pair<const char*, const char*> cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.0.9", "loopback"},
      {"10.1.2.3", "RFC 1918"},
      {"172.16.0.1", "RFC 1918"},
      {"172.31.255.255", "RFC 1918"},
      {"192.168.1.1", "RFC 1918"},
      {"169.254.169.254", "link-local"},
      {"100.64.0.1", "CGNAT"},
      {"100.127.255.254", "CGNAT"},
      {"0.0.0.0", "unspecified"},
      {"224.0.0.1", "multicast"},
      {"239.255.255.250", "multicast"},
      {"255.255.255.255", "reserved"},
      {"192.0.2.10", "documentation"},
      {"198.51.100.7", "documentation"},
      {"203.0.113.9", "documentation"},
      {"198.18.0.1", "benchmarking"},
      {"::1", "loopback"},
      {"::", "unspecified"},
      {"fc00::1", "unique local"},
      {"fd12:3456::1", "unique local"},
      {"fe80::1", "link-local"},
      {"ff02::1", "multicast"},
      {"2001:db8::1", "documentation"},
      {"::ffff:127.0.0.1", "IPv4-mapped address embedding a loopback"},
      {"::ffff:10.0.0.1", "IPv4-mapped address embedding a private"},
      {"::ffff:169.254.169.254", "IPv4-mapped address embedding a link-local"},
      {"::127.0.0.1", "IPv4-compatible"},
      {"64:ff9b::a00:1", "NAT64 address embedding a private"},
      {"64:ff9b::7f00:1", "NAT64 address embedding a loopback"},
      {"64:ff9b:1::1", "local-use NAT64"},
      {"2002:a00:1::1", "6to4 address embedding a private"},
      {"2002:7f00:1::1", "6to4 address embedding a loopback"},
      {"2002:a9fe:a9fe::1", "6to4 address embedding a link-local"},
      {"2001::1", "Teredo"},
  };
  for (const auto& [address, reason] : cases) {
    std::optional<std::string> refused = Refused(address);
    ASSERT_TRUE(refused.has_value()) << address << " was allowed";
    EXPECT_NE(refused->find(reason), std::string::npos) << address << ": " << *refused;
  }
}

TEST(OutboundTarget, TheLoopbackAllowanceLetsLoopbackThroughButNeverLinkLocal) {
  for (const char* address : {"127.0.0.1", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_EQ(Refused(address, kLocalTrials), std::nullopt) << address;
  }
  for (const char* address :
       {"169.254.169.254", "::ffff:169.254.169.254", "fe80::1", "10.0.0.1", "192.168.0.1"}) {
    EXPECT_NE(Refused(address, kLocalTrials), std::nullopt) << address;
  }
}

TEST(OutboundTarget, AUrlIsHttpsWithAHostAndNoCredentials) {
  absl::StatusOr<TargetUrl> url =
      ParseTargetUrl("HTTPS://Hooks.Example.com:8443/in/aievents?x=1", kStrict);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "hooks.example.com");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->target, "/in/aievents?x=1");
  url = ParseTargetUrl("https://[2606:4700::1]/", kStrict);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->host, "2606:4700::1");
  EXPECT_EQ(url->port, 443);
  url = ParseTargetUrl("http://127.0.0.1:9000", kLocalTrials);
  ASSERT_TRUE(url.ok()) << url.status();
  EXPECT_EQ(url->target, "/");

  const std::pair<const char*, const char*> refused[] = {
      {"", "is required"},
      {"http://example.com/", "must start with https://"},
      {"ftp://example.com/", "must start with https://"},
      {"example.com/hook", "absolute URL"},
      {"https://user:pass@example.com/", "credentials"},
      {"https:///path", "must name a host"},
      {"https://example.com:0/", "port"},
      {"https://example.com:70000/", "port"},
      {"https://example.com:/", "port"},
      {"https://exa mple.com/", "spaces"},
      {"https://example.com/#frag", "fragment"},
      {"https://[::1/", "unclosed"},
      {"https://[1.2.3.4]/", "not an IPv6 address"},
      {"https://ex%61mple.com/", "characters a name cannot have"},
  };
  for (const auto& [text, rule] : refused) {
    absl::StatusOr<TargetUrl> parsed = ParseTargetUrl(text, kStrict);
    ASSERT_FALSE(parsed.ok()) << text << " was accepted";
    std::vector<FieldViolation> violations = GetFieldViolations(parsed.status());
    ASSERT_EQ(violations.size(), 1u) << text;
    EXPECT_EQ(violations[0].field, "url");
    EXPECT_NE(violations[0].description.find(rule), std::string::npos)
        << text << ": " << violations[0].description;
  }
}

TEST(OutboundTarget, ResolutionChecksEveryAddressTheNameGives) {
  // Numeric hosts, and forms a resolver reads as numbers, resolve without a network.
  for (const char* host :
       {"127.0.0.1", "2130706433", "0x7f.1", "localhost", "10.0.0.1", "169.254.169.254", "::1"}) {
    TargetUrl target{"https", host, 443, "/"};
    absl::StatusOr<std::vector<IpAddress>> resolved = ResolveTarget(target, kStrict);
    ASSERT_FALSE(resolved.ok()) << host << " was allowed";
    std::vector<FieldViolation> violations = GetFieldViolations(resolved.status());
    ASSERT_EQ(violations.size(), 1u);
    EXPECT_EQ(violations[0].field, "url");
    EXPECT_NE(violations[0].description.find("resolves to"), std::string::npos)
        << violations[0].description;
  }
  TargetUrl local{"http", "127.0.0.1", 9000, "/"};
  absl::StatusOr<std::vector<IpAddress>> resolved = ResolveTarget(local, kLocalTrials);
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_EQ(resolved->size(), 1u);
  EXPECT_EQ((*resolved)[0].ToString(), "127.0.0.1");
  TargetUrl metadata{"http", "169.254.169.254", 80, "/"};
  EXPECT_FALSE(ResolveTarget(metadata, kLocalTrials).ok());
  TargetUrl nowhere{"https", "no-such-host.invalid", 443, "/"};
  resolved = ResolveTarget(nowhere, kStrict);
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(GetFieldViolations(resolved.status())[0].description.find("does not resolve"),
            std::string::npos);
}

}  // namespace
}  // namespace aievents
