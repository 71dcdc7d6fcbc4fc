// Validation failures that name every offending field, and machine-readable error reasons,
// carried inside an absl::Status as google.rpc payloads (BadRequest, ErrorInfo). Protobuf
// only, no transport: the pure rules of common/domain build their errors with it, and
// common/rpc carries them across gRPC (ToGrpcStatus), the gateway into JSON.
#ifndef AIEVENTS_COMMON_STATUS_STATUS_DETAILS_H_
#define AIEVENTS_COMMON_STATUS_STATUS_DETAILS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/rpc/status.pb.h"

namespace aievents {

// One offending field: dotted path ("ai_event.summary") and the rule it breaks.
struct FieldViolation {
  std::string field;
  std::string description;

  bool operator==(const FieldViolation&) const = default;
};

// INVALID_ARGUMENT whose message summarises `violations` and whose payload lists them all.
absl::Status InvalidArgumentWithViolations(const std::vector<FieldViolation>& violations);

// The violations attached to `status` (empty when there are none).
std::vector<FieldViolation> GetFieldViolations(const absl::Status& status);

// A machine-readable reason attached to a status as google.rpc.ErrorInfo (e.g. MISSING_SCOPE
// with metadata "scope").
struct ErrorReason {
  std::string reason;
  std::map<std::string, std::string> metadata;
};

// The reason attached to `status`, if any.
std::optional<ErrorReason> GetErrorReason(const absl::Status& status);

// Prefixes every violation's field with `prefix` + "." (for a nested message).
std::vector<FieldViolation> PrefixViolations(const std::string& prefix,
                                             std::vector<FieldViolation> violations);

// absl::Status <-> google.rpc.Status, with every google.rpc detail (BadRequest, ErrorInfo) the
// status carries as a payload (the form a status takes inside a message, e.g. one reply of a
// batch RPC).
google::rpc::Status ToRpcStatus(const absl::Status& status);
absl::Status FromRpcStatus(const google::rpc::Status& status);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_STATUS_STATUS_DETAILS_H_
