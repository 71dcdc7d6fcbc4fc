#include "gateway/http_status.h"

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace aievents::gateway {

int HttpStatusFromCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

std::string CodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnknown:
      return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted:
      return "ABORTED";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal:
      return "INTERNAL";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss:
      return "DATA_LOSS";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

HttpResponse ErrorResponse(int http_status, const std::string& code, const std::string& message,
                           const std::vector<FieldViolation>& violations) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const FieldViolation& violation : violations) {
    list.push_back({{"field", violation.field}, {"description", violation.description}});
  }
  nlohmann::ordered_json body = {
      {"error", {{"code", code}, {"message", message}, {"field_violations", list}}}};
  HttpResponse response;
  response.status = http_status;
  // Text that is not UTF-8 (an echo of what a client sent) is written as U+FFFD, never thrown.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

HttpResponse ErrorResponseFromStatus(const absl::Status& status) {
  std::string message(status.message());
  // gRPC's own message-size limit is RESOURCE_EXHAUSTED too, but unlike a rate limit it never
  // passes: 429 made vendors retry such a delivery forever.
  if (status.code() == absl::StatusCode::kResourceExhausted &&
      (absl::StartsWith(message, "Received message larger than max") ||
       absl::StartsWith(message, "Sent message larger than max"))) {
    return ErrorResponse(413, "PAYLOAD_TOO_LARGE",
                         absl::StrCat("the request does not fit in one backend message (", message,
                                      "); see grpc-max-message-bytes"));
  }
  // Internal details (SQL, stack) stay in the service's log, not in the client's response.
  if (status.code() == absl::StatusCode::kInternal || status.code() == absl::StatusCode::kUnknown) {
    message = "internal error; the request id in the x-request-id header identifies it in logs";
  }
  HttpResponse response = ErrorResponse(HttpStatusFromCode(status.code()), CodeName(status.code()),
                                        message, GetFieldViolations(status));
  std::optional<ErrorReason> reason = GetErrorReason(status);
  if (!reason.has_value()) return response;
  // The reason, and what a client acts on, as plain fields: the scope a key lacks, and when a
  // rate-limited call may be retried (also the Retry-After header).
  nlohmann::ordered_json body = nlohmann::ordered_json::parse(response.body);
  body["error"]["reason"] = reason->reason;
  if (auto scope = reason->metadata.find("scope"); scope != reason->metadata.end()) {
    body["error"]["missing_scope"] = scope->second;
  }
  if (auto retry = reason->metadata.find("retry_after_seconds"); retry != reason->metadata.end()) {
    response.headers.emplace_back("retry-after", retry->second);
  }
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

}  // namespace aievents::gateway
