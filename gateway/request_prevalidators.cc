#include "gateway/request_prevalidators.h"

#include <set>

#include "aievents/v1/ingest_service.pb.h"
#include "common/domain/event_validator.h"

namespace aievents::gateway {

std::vector<FieldViolation> ServiceViolations(const std::string& method_full_name,
                                              const google::protobuf::Message& request) {
  if (method_full_name == "aievents.v1.IngestService.CreateEvent") {
    auto result = ValidateCreateEvent(static_cast<const v1::CreateEventRequest&>(request));
    return result.ok() ? std::vector<FieldViolation>{} : GetFieldViolations(result.status());
  }
  return {};
}

std::vector<FieldViolation> MergeViolations(std::vector<FieldViolation> first,
                                            const std::vector<FieldViolation>& second) {
  std::set<std::string> named;
  for (const FieldViolation& violation : first) named.insert(violation.field);
  for (const FieldViolation& violation : second) {
    if (!named.contains(violation.field)) first.push_back(violation);
  }
  return first;
}

}  // namespace aievents::gateway
