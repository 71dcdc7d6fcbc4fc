// What every outgoing internal gRPC call does: forward the caller's credentials and request id,
// and set a deadline. Plus the standard health probe of a peer.
#ifndef AIEVENTS_COMMON_RPC_GRPC_CLIENT_H_
#define AIEVENTS_COMMON_RPC_GRPC_CLIENT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/rpc/request_context.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace aievents {

// Adds the caller's forward_metadata, `x-request-id` and a deadline of `timeout` from now, or
// the caller's own deadline when that comes first (a peer never works for a caller that has
// given up).
void PrepareOutgoingCall(grpc::ClientContext& call, const RequestContext& context,
                         absl::Duration timeout);

// OK when `service` on the peer answers SERVING within `timeout`; UNAVAILABLE otherwise.
absl::Status CheckGrpcHealth(grpc::health::v1::Health::Stub& health, const std::string& service,
                             absl::Duration timeout);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_GRPC_CLIENT_H_
