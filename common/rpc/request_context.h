// Who is calling and for which request: what every tenant-scoped operation receives.
#ifndef AIEVENTS_COMMON_RPC_REQUEST_CONTEXT_H_
#define AIEVENTS_COMMON_RPC_REQUEST_CONTEXT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace aievents {

struct RequestContext {
  // The tenant named by the caller's credential; every query is scoped to it.
  std::string tenant_id;
  // The API key row that authenticated the call, and its display prefix (for audit records).
  // For an internal call, the key the calling service acted for (empty when it acted for
  // nobody, e.g. webhook processing) and the actor's name.
  std::string key_id;
  std::string key_prefix;
  // What the caller may do (see common/auth/scopes.h). Internal calls may do everything.
  std::vector<std::string> scopes;
  bool internal = false;
  // The metadata that authenticates this caller to peer services (its API key, or the internal
  // token and tenant), forwarded on every outgoing call so peers see the same caller.
  std::vector<std::pair<std::string, std::string>> forward_metadata;
  // Correlates log lines across the gateway and services.
  std::string request_id;
  // The incoming call's deadline: outgoing calls end by it (PrepareOutgoingCall), and so does
  // database work (ScopedRequestDeadline). InfiniteFuture when the caller set none.
  absl::Time deadline = absl::InfiniteFuture();
  // The caller's rate-limit state as response metadata (x-http-header-ratelimit-*), for
  // answers that carry their own metadata (each reply of a batch).
  std::vector<std::pair<std::string, std::string>> rate_limit_metadata;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_REQUEST_CONTEXT_H_
