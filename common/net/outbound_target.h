// Where aievents may send an HTTP request on a customer's behalf (a subscriber's webhook URL):
// the defences against server-side request forgery (issue 23). A URL is checked in two steps:
// its form (ParseTargetUrl: http(s), a host, no credentials), then every address its host
// resolves to (ResolveTarget), once; the caller connects to one of the addresses returned, never
// resolving the name again, so a DNS answer that changes between check and connect (rebinding)
// gains nothing. Loopback, private, link-local, shared (CGNAT), multicast, unspecified,
// documentation and reserved ranges are refused, and so are the IPv6 forms that embed an IPv4
// address (mapped, compatible, 6to4, NAT64) when the embedded address would be.
#ifndef AIEVENTS_COMMON_NET_OUTBOUND_TARGET_H_
#define AIEVENTS_COMMON_NET_OUTBOUND_TARGET_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aievents {

struct OutboundPolicy {
  // Plain http:// targets are accepted (otherwise https:// only).
  bool allow_http = false;
  // Loopback targets (127.0.0.0/8, ::1) are accepted: a receiver on this machine, for trying
  // things out (`make up` sets it). Link-local addresses, 169.254.169.254 among them (cloud
  // metadata), stay refused even then.
  bool allow_loopback = false;
};

struct TargetUrl {
  std::string scheme;  // "https" or "http"
  std::string host;    // a name (lower case) or an address, IPv6 without brackets
  int port = 0;        // the given port, or 443 / 80
  std::string target;  // path and query, "/" at least
};

// An IPv4 address is held as its 4 bytes; an IPv6 one as its 16.
struct IpAddress {
  bool is_v4 = false;
  std::array<uint8_t, 16> bytes{};

  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// An address written as text (dotted quad, or IPv6 without brackets); nullopt for anything else.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// The URL's parts, or INVALID_ARGUMENT naming `field` with the rule it breaks.
absl::StatusOr<TargetUrl> ParseTargetUrl(std::string_view url, const OutboundPolicy& policy,
                                         std::string_view field = "url");

// Why `address` may not be a target under `policy` ("a private address (RFC 1918)"), or nullopt
// when it may.
std::optional<std::string> RefusedAddressReason(const IpAddress& address,
                                                const OutboundPolicy& policy);

// Resolves the target's host once and checks every address it gets: all of them must be
// allowed (a name that also resolves to a private address is refused). INVALID_ARGUMENT naming
// `field` for a refused address or a name that does not resolve.
absl::StatusOr<std::vector<IpAddress>> ResolveTarget(const TargetUrl& target,
                                                     const OutboundPolicy& policy,
                                                     std::string_view field = "url");

}  // namespace aievents

#endif  // AIEVENTS_COMMON_NET_OUTBOUND_TARGET_H_
