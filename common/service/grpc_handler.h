// The shape every tenant-scoped RPC handler shares: authenticate the caller, run the logic,
// convert absl::Status to grpc::Status once, and log server-side failures with request id and
// tenant.
#ifndef AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_
#define AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_

#include <utility>

#include "common/auth/authenticator.h"
#include "common/rpc/field_violations.h"
#include "common/runtime/log.h"
#include "common/runtime/request_deadline.h"
#include "grpcpp/server_context.h"

namespace aievents {

// The codes that mean the service failed, not the request: logged where they are answered.
inline bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kUnknown || code == absl::StatusCode::kDataLoss;
}

// `method` is the RPC's full name ("aievents.v1.TimelineService.GetEvent"): what the caller
// must be allowed to call (its required_scope) and what logs name; `logic` takes the
// authorized RequestContext and returns absl::StatusOr<Response>.
template <typename Response, typename Logic>
grpc::Status HandleAuthenticated(const char* method, Authenticator& authenticator,
                                 grpc::ServerContext* context, Response* response, Logic&& logic) {
  absl::StatusOr<RequestContext> caller = authenticator.Authorize(*context, method);
  if (!caller.ok()) {
    // A refused key is the caller's business; a key lookup that failed is ours to see (the
    // client only gets INTERNAL or UNAVAILABLE).
    if (IsServerFault(caller.status().code())) {
      log::Error("rpc_auth_failed", {{"method", method}, {"error", caller.status().ToString()}});
    }
    return ToGrpcStatus(caller.status());
  }
  // Database work anywhere below ends by the caller's deadline.
  ScopedRequestDeadline deadline(caller->deadline);
  absl::StatusOr<Response> result = std::forward<Logic>(logic)(*caller);
  if (!result.ok()) {
    if (IsServerFault(result.status().code())) {
      log::Error("rpc_failed", {{"method", method},
                                {"request_id", caller->request_id},
                                {"tenant", caller->tenant_id},
                                {"error", result.status().ToString()}});
    }
    return ToGrpcStatus(result.status());
  }
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_
