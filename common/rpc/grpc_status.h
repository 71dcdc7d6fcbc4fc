// absl::Status <-> grpc::Status with every google.rpc detail the status carries (field
// violations, error reasons: common/status/status_details.h) in the standard status-details
// trailer.
#ifndef AIEVENTS_COMMON_RPC_GRPC_STATUS_H_
#define AIEVENTS_COMMON_RPC_GRPC_STATUS_H_

#include "absl/status/status.h"
#include "common/status/status_details.h"
#include "grpcpp/support/status.h"

namespace aievents {

// absl::Status -> grpc::Status, the details (if any) as a serialized google.rpc.Status.
grpc::Status ToGrpcStatus(const absl::Status& status);

// grpc::Status -> absl::Status, keeping field violations from the details.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_GRPC_STATUS_H_
