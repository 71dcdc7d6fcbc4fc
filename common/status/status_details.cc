#include "common/status/status_details.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/text.h"
#include "google/rpc/error_details.pb.h"

namespace aievents {
namespace {

constexpr char kBadRequestTypeUrl[] = "type.googleapis.com/google.rpc.BadRequest";
constexpr char kErrorInfoTypeUrl[] = "type.googleapis.com/google.rpc.ErrorInfo";
constexpr char kRpcTypeUrlPrefix[] = "type.googleapis.com/google.rpc.";

}  // namespace

absl::Status InvalidArgumentWithViolations(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  for (const FieldViolation& violation : violations) {
    // A description may quote what the client sent, which need not be UTF-8; protobuf strings
    // must be.
    auto* out = bad_request.add_field_violations();
    out->set_field(SanitizeUtf8(violation.field));
    out->set_description(SanitizeUtf8(violation.description));
    parts.push_back(absl::StrCat(out->field(), ": ", out->description()));
  }
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat("invalid request: ", absl::StrJoin(parts, "; ")));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> GetFieldViolations(const absl::Status& status) {
  std::vector<FieldViolation> violations;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload.has_value()) return violations;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return violations;
  for (const auto& violation : bad_request.field_violations()) {
    violations.push_back({violation.field(), violation.description()});
  }
  return violations;
}

std::optional<ErrorReason> GetErrorReason(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  if (!payload.has_value()) return std::nullopt;
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return std::nullopt;
  ErrorReason reason;
  reason.reason = info.reason();
  reason.metadata.insert(info.metadata().begin(), info.metadata().end());
  return reason;
}

std::vector<FieldViolation> PrefixViolations(const std::string& prefix,
                                             std::vector<FieldViolation> violations) {
  for (FieldViolation& violation : violations) {
    violation.field = violation.field.empty() ? prefix : absl::StrCat(prefix, ".", violation.field);
  }
  return violations;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(status.code()));
  details.set_message(std::string(status.message()));
  // Every google.rpc detail (BadRequest, ErrorInfo) travels; nothing else is meant for clients.
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    if (type_url.rfind(kRpcTypeUrlPrefix, 0) != 0) return;
    auto* any = details.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return details;
}

absl::Status FromRpcStatus(const google::rpc::Status& details) {
  if (details.code() == 0) return absl::OkStatus();
  absl::Status result(static_cast<absl::StatusCode>(details.code()), details.message());
  for (const auto& any : details.details()) {
    if (any.type_url().rfind(kRpcTypeUrlPrefix, 0) == 0) {
      result.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return result;
}

}  // namespace aievents
