#include "common/net/outbound_target.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_details.h"

namespace aievents {
namespace {

constexpr size_t kMaxUrlLength = 2048;

struct V4Range {
  uint32_t network;
  int prefix;
  const char* reason;
};

// IANA's special-purpose IPv4 registry, what a public web server is never in.
constexpr V4Range kRefusedV4[] = {
    {0x00000000, 8, "an unspecified address (0.0.0.0/8)"},
    {0x0a000000, 8, "a private address (RFC 1918)"},
    {0x64400000, 10, "a shared address (CGNAT, 100.64.0.0/10)"},
    {0x7f000000, 8, "a loopback address"},
    {0xa9fe0000, 16, "a link-local address (169.254.0.0/16, cloud metadata among them)"},
    {0xac100000, 12, "a private address (RFC 1918)"},
    {0xc0000000, 24, "an IETF protocol address (192.0.0.0/24)"},
    {0xc0000200, 24, "a documentation address (192.0.2.0/24)"},
    {0xc0586300, 24, "a 6to4 relay address (192.88.99.0/24)"},
    {0xc0a80000, 16, "a private address (RFC 1918)"},
    {0xc6120000, 15, "a benchmarking address (198.18.0.0/15)"},
    {0xc6336400, 24, "a documentation address (198.51.100.0/24)"},
    {0xcb007100, 24, "a documentation address (203.0.113.0/24)"},
    {0xe0000000, 4, "a multicast address"},
    {0xf0000000, 4, "a reserved address (240.0.0.0/4, broadcast among them)"},
};

bool InV4Range(uint32_t address, const V4Range& range) {
  uint32_t mask = range.prefix == 0 ? 0 : ~uint32_t{0} << (32 - range.prefix);
  return (address & mask) == range.network;
}

std::optional<std::string> RefusedV4(uint32_t address, const OutboundPolicy& policy) {
  for (const V4Range& range : kRefusedV4) {
    if (!InV4Range(address, range)) continue;
    if (range.network == 0x7f000000 && policy.allow_loopback) return std::nullopt;
    return std::string(range.reason);
  }
  return std::nullopt;
}

uint32_t V4At(const std::array<uint8_t, 16>& bytes, int offset) {
  return uint32_t{bytes[offset]} << 24 | uint32_t{bytes[offset + 1]} << 16 |
         uint32_t{bytes[offset + 2]} << 8 | uint32_t{bytes[offset + 3]};
}

// Whether the first `bits` bits of `bytes` equal those of `prefix`.
bool HasPrefix(const std::array<uint8_t, 16>& bytes, std::initializer_list<uint8_t> prefix,
               int bits) {
  int i = 0;
  for (uint8_t byte : prefix) {
    int left = bits - 8 * i;
    if (left <= 0) break;
    uint8_t mask = left >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - left));
    if ((bytes[i] & mask) != (byte & mask)) return false;
    ++i;
  }
  return true;
}

// An IPv6 form that carries an IPv4 address is judged by that address too.
std::optional<std::string> RefusedEmbedded(uint32_t v4, const char* form,
                                           const OutboundPolicy& policy) {
  std::optional<std::string> reason = RefusedV4(v4, policy);
  if (!reason) return std::nullopt;
  return absl::StrCat(form, " embedding ", *reason);
}

std::optional<std::string> RefusedV6(const std::array<uint8_t, 16>& b,
                                     const OutboundPolicy& policy) {
  bool first_ten_zero = true;
  for (int i = 0; i < 10; ++i) first_ten_zero = first_ten_zero && b[i] == 0;
  bool first_twelve_zero = first_ten_zero && b[10] == 0 && b[11] == 0;
  if (first_ten_zero && b[10] == 0xff && b[11] == 0xff) {
    return RefusedEmbedded(V4At(b, 12), "an IPv4-mapped address", policy);
  }
  if (first_twelve_zero) {
    uint32_t tail = V4At(b, 12);
    if (tail == 0) return "an unspecified address (::)";
    if (tail == 1) {
      return policy.allow_loopback ? std::nullopt
                                   : std::optional<std::string>("a loopback address");
    }
    return "an IPv4-compatible address (deprecated, ::/96)";
  }
  if (HasPrefix(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {
    return RefusedEmbedded(V4At(b, 12), "a NAT64 address", policy);
  }
  if (HasPrefix(b, {0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48)) {
    return "a local-use NAT64 address (64:ff9b:1::/48)";
  }
  if (HasPrefix(b, {0x20, 0x02}, 16)) {
    return RefusedEmbedded(V4At(b, 2), "a 6to4 address", policy);
  }
  if (HasPrefix(b, {0x20, 0x01, 0x00, 0x00}, 32)) return "a Teredo address (2001::/32)";
  if (HasPrefix(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) return "a documentation address (2001:db8::/32)";
  if (HasPrefix(b, {0x3f, 0xff}, 20)) return "a documentation address (3fff::/20)";
  if (HasPrefix(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64)) return "a discard-only address (100::/64)";
  if (HasPrefix(b, {0xfc}, 7)) return "a unique local address (fc00::/7)";
  if (HasPrefix(b, {0xfe, 0x80}, 10)) return "a link-local address (fe80::/10)";
  if (HasPrefix(b, {0xfe, 0xc0}, 10)) return "a site-local address (fec0::/10)";
  if (HasPrefix(b, {0xff}, 8)) return "a multicast address";
  return std::nullopt;
}

absl::Status Invalid(std::string_view field, std::string description) {
  return InvalidArgumentWithViolations({{std::string(field), std::move(description)}});
}

bool IsHostNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(is_v4 ? AF_INET : AF_INET6, bytes.data(), text, sizeof(text));
  return text;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  std::string copy(text);
  IpAddress address;
  if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) {
    address.is_v4 = true;
    return address;
  }
  if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

absl::StatusOr<TargetUrl> ParseTargetUrl(std::string_view url, const OutboundPolicy& policy,
                                         std::string_view field) {
  if (url.empty()) return Invalid(field, "is required");
  if (url.size() > kMaxUrlLength) {
    return Invalid(field, absl::StrCat("must be at most ", kMaxUrlLength, " characters"));
  }
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Invalid(field, "must not contain spaces or control characters");
    }
  }
  TargetUrl target;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) {
    return Invalid(field, "must be an absolute URL starting with https://");
  }
  target.scheme = absl::AsciiStrToLower(std::string(url.substr(0, colon)));
  if (target.scheme != "https" && !(target.scheme == "http" && policy.allow_http)) {
    return Invalid(field, policy.allow_http ? "must start with https:// or http://"
                                            : "must start with https://");
  }
  std::string_view rest = url.substr(colon + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view after =
      authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (after.find('#') != std::string_view::npos)
    return Invalid(field, "must not have a fragment (#)");
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(field, "must not carry credentials (user@host)");
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid(field, "has an unclosed [IPv6 address]");
    host = authority.substr(1, close - 1);
    std::string_view tail = authority.substr(close + 1);
    if (!tail.empty() && tail.front() != ':') return Invalid(field, "has text after ]");
    if (!tail.empty()) port = tail.substr(1);
    std::optional<IpAddress> literal = ParseIpAddress(host);
    if (!literal || literal->is_v4) {
      return Invalid(field, "has a bracketed host that is not an IPv6 address");
    }
  } else {
    size_t port_colon = authority.rfind(':');
    if (port_colon != std::string_view::npos) {
      host = authority.substr(0, port_colon);
      port = authority.substr(port_colon + 1);
    }
    for (char c : host) {
      if (!IsHostNameChar(c))
        return Invalid(field, "has a host with characters a name cannot have");
    }
  }
  if (host.empty()) return Invalid(field, "must name a host");
  if (host.size() > 253) return Invalid(field, "has a host name longer than 253 characters");
  target.host = absl::AsciiStrToLower(std::string(host));
  target.port = target.scheme == "https" ? 443 : 80;
  if (!port.empty() || (authority.size() > host.size() && authority.back() == ':')) {
    int number = 0;
    if (!absl::SimpleAtoi(absl::string_view(port.data(), port.size()), &number) || number < 1 ||
        number > 65535 || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return Invalid(field, "has a port that is not a number from 1 to 65535");
    }
    target.port = number;
  }
  target.target =
      after.empty() || after.front() == '?' ? "/" + std::string(after) : std::string(after);
  return target;
}

std::optional<std::string> RefusedAddressReason(const IpAddress& address,
                                                const OutboundPolicy& policy) {
  return address.is_v4 ? RefusedV4(V4At(address.bytes, 0), policy)
                       : RefusedV6(address.bytes, policy);
}

absl::StatusOr<std::vector<IpAddress>> ResolveTarget(const TargetUrl& target,
                                                     const OutboundPolicy& policy,
                                                     std::string_view field) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int error = getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
  if (error != 0) {
    return Invalid(field, absl::StrCat("has a host that does not resolve (", target.host, ": ",
                                       gai_strerror(error), ")"));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, &freeaddrinfo);
  std::vector<IpAddress> addresses;
  for (const addrinfo* info = found; info != nullptr; info = info->ai_next) {
    IpAddress address;
    if (info->ai_family == AF_INET) {
      address.is_v4 = true;
      const auto* in = reinterpret_cast<const sockaddr_in*>(info->ai_addr);
      std::memcpy(address.bytes.data(), &in->sin_addr, 4);
    } else if (info->ai_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(info->ai_addr);
      std::memcpy(address.bytes.data(), &in6->sin6_addr, 16);
    } else {
      continue;
    }
    if (std::optional<std::string> reason = RefusedAddressReason(address, policy)) {
      return Invalid(field, absl::StrCat("resolves to ", address.ToString(), ", ", *reason,
                                         ", which webhooks may not target"));
    }
    bool seen = false;
    for (const IpAddress& earlier : addresses) seen = seen || earlier == address;
    if (!seen) addresses.push_back(address);
  }
  if (addresses.empty()) {
    return Invalid(field,
                   absl::StrCat("has a host with no IPv4 or IPv6 address (", target.host, ")"));
  }
  return addresses;
}

}  // namespace aievents
