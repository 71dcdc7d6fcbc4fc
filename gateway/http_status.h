// The one mapping from gRPC status codes to HTTP statuses (the one grpc-gateway uses), and the
// JSON error body every failure has:
//   {"error": {"code": "INVALID_ARGUMENT", "message": "...",
//              "field_violations": [{"field": "ai_event.summary", "description": "..."}]}}
#ifndef AIEVENTS_GATEWAY_HTTP_STATUS_H_
#define AIEVENTS_GATEWAY_HTTP_STATUS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/http/http_server.h"
#include "common/rpc/grpc_status.h"

namespace aievents::gateway {

// InvalidArgument/FailedPrecondition/OutOfRange 400, Unauthenticated 401, PermissionDenied 403,
// NotFound 404, AlreadyExists/Aborted 409, ResourceExhausted 429, Cancelled 499,
// Unimplemented 501, Unavailable 503, DeadlineExceeded 504, everything else 500.
int HttpStatusFromCode(absl::StatusCode code);

// "INVALID_ARGUMENT" for kInvalidArgument, and so on.
std::string CodeName(absl::StatusCode code);

// An error response with the JSON body above. `code` is a gRPC code name or one of the
// gateway's own: PAYLOAD_TOO_LARGE (413), UNSUPPORTED_MEDIA_TYPE (415), METHOD_NOT_ALLOWED (405).
HttpResponse ErrorResponse(int http_status, const std::string& code, const std::string& message,
                           const std::vector<FieldViolation>& violations = {});

// The error response for a failed status, with its field violations.
HttpResponse ErrorResponseFromStatus(const absl::Status& status);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_HTTP_STATUS_H_
