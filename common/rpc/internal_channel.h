// The channel every internal gRPC client uses (gateway to services, service to service), so
// the settings that decide how a client lives through a peer's restart are made in one place.
#ifndef AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_
#define AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace aievents {

// An insecure channel to `target` (peers authenticate calls with the internal token or the
// caller's key, see docs/security.md) whose reconnection backoff starts at 100 ms and never
// grows beyond 1 s. gRPC's default grows to 120 s: a peer back after a restart of a few
// seconds was then reached only seconds later, and the outage callers saw outlasted the
// restart (docs/reliability.md).
std::shared_ptr<grpc::Channel> NewInternalChannel(const std::string& target);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_
