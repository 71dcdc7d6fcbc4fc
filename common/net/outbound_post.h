// One HTTP POST to a checked outbound target (an outbound webhook attempt): connects only to the
// addresses ResolveTarget approved (never resolving the name again), speaks TLS for https with
// the system's trust store, the host name checked and sent as SNI, follows no redirect, and
// ends by one deadline for everything (connect, TLS, request, answer). Only the status line
// and headers of the answer are read: the status is all an attempt records.
#ifndef AIEVENTS_COMMON_NET_OUTBOUND_POST_H_
#define AIEVENTS_COMMON_NET_OUTBOUND_POST_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/net/outbound_target.h"

namespace aievents {

struct OutboundPost {
  TargetUrl target;
  std::vector<IpAddress> addresses;  // from ResolveTarget, tried in order
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as application/json
  absl::Duration timeout = absl::Seconds(15);
};

// The HTTP status the target answered with, whatever it is. DEADLINE_EXCEEDED when no answer
// came in time; UNAVAILABLE for a refused connection, a TLS failure (an untrusted certificate
// among them) or a connection closed before an answer.
absl::StatusOr<int> Post(const OutboundPost& post);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_NET_OUTBOUND_POST_H_
