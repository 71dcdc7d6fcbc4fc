// The shape every tenant-scoped RPC handler shares: authenticate the caller, run the logic,
// convert absl::Status to grpc::Status once, and log server-side failures with request id and
// tenant.
#ifndef AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_
#define AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_

#include <utility>

#include "common/auth/authenticator.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/log.h"
#include "common/runtime/request_deadline.h"
#include "grpcpp/server_context.h"

namespace aievents {

// The codes that mean the service failed, not the request: logged where they are answered.
inline bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnavailable ||
         code == absl::StatusCode::kUnknown || code == absl::StatusCode::kDataLoss;
}

// The one place that decides what a failed RPC logs: refusals are the caller's business, server
// faults are ours to see. Used by HandleAuthenticated and by the asynchronous handlers alike.
inline void LogAuthorizationFault(const char* method, const absl::Status& status) {
  // A key lookup that failed (the client only gets INTERNAL or UNAVAILABLE).
  if (IsServerFault(status.code())) {
    log::Error("rpc_auth_failed", {{"method", method}, {"error", status.ToString()}});
  }
}

inline void LogCallFault(const char* method, const absl::Status& status,
                         const RequestContext& caller) {
  if (IsServerFault(status.code())) {
    log::Error("rpc_failed", {{"method", method},
                              {"request_id", caller.request_id},
                              {"tenant", caller.tenant_id},
                              {"error", status.ToString()}});
  }
}

// `method` is the RPC's full name ("aievents.v1.TimelineService.GetEvent"): what the caller
// must be allowed to call (its required_scope) and what logs name; `logic` takes the
// authorized RequestContext and returns absl::StatusOr<Response>.
template <typename Response, typename Logic>
grpc::Status HandleAuthenticated(const char* method, Authenticator& authenticator,
                                 grpc::ServerContext* context, Response* response, Logic&& logic) {
  absl::StatusOr<RequestContext> caller = authenticator.Authorize(*context, method);
  if (!caller.ok()) {
    LogAuthorizationFault(method, caller.status());
    return ToGrpcStatus(caller.status());
  }
  // Database work anywhere below ends by the caller's deadline.
  ScopedRequestDeadline deadline(caller->deadline);
  absl::StatusOr<Response> result = std::forward<Logic>(logic)(*caller);
  if (!result.ok()) {
    LogCallFault(method, result.status(), *caller);
    return ToGrpcStatus(result.status());
  }
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_SERVICE_GRPC_HANDLER_H_
