// The channel every internal gRPC client uses (gateway to services, service to service), and
// the transport settings its servers must agree with, made in one place.
#ifndef AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_
#define AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_

#include <memory>
#include <string>

#include "grpcpp/channel.h"

namespace aievents {

// The largest gRPC message a process sends or receives unless `grpc-max-message-bytes` says
// otherwise. gRPC's own default receive limit is 4 MiB, under what the gateway may be set to
// accept as a webhook body; a larger body then failed as RESOURCE_EXHAUSTED.
inline constexpr int kDefaultGrpcMaxMessageBytes = 16 * 1024 * 1024;

// Client keepalive: a ping after this long without activity, even with no call open, so a
// connection to a vanished pod is noticed in ping + timeout instead of at the next call.
// Servers permit pings this often (GrpcServiceRunner).
inline constexpr int kKeepaliveTimeMs = 20000;
inline constexpr int kKeepaliveTimeoutMs = 10000;

// An insecure channel to `target` (peers authenticate calls with the internal token or the
// caller's key, see docs/security.md):
// - round_robin over every address the target resolves to. With `dns:///name:port` of a
//   headless Service that is every ready pod, so calls spread over the replicas instead of
//   sticking to the one pick_first chose (docs/kubernetes.md);
// - reconnection backoff from 100 ms to at most 1 s. gRPC's default grows to 120 s: a peer back
//   after a restart of a few seconds was then reached only seconds later (docs/reliability.md);
// - keepalive as above, and messages up to `max_message_bytes` each way.
std::shared_ptr<grpc::Channel> NewInternalChannel(
    const std::string& target, int max_message_bytes = kDefaultGrpcMaxMessageBytes);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_INTERNAL_CHANNEL_H_
