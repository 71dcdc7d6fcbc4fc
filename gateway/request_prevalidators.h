// When a JSON body already has shape errors (unknown fields, wrong types) the gateway answers
// 400 without calling the backend, but the client should still hear about every other
// problem in the same response. For RPCs that have one, the service's own validation rules
// (pure functions, linked here) run on the part of the request that did transcode.
#ifndef AIEVENTS_GATEWAY_REQUEST_PREVALIDATORS_H_
#define AIEVENTS_GATEWAY_REQUEST_PREVALIDATORS_H_

#include <string>
#include <vector>

#include "common/rpc/grpc_status.h"
#include "google/protobuf/message.h"

namespace aievents::gateway {

// The service-side violations of `request` for the RPC `method_full_name`
// ("aievents.v1.IngestService.CreateEvent"); empty when the RPC has no pure validator.
std::vector<FieldViolation> ServiceViolations(const std::string& method_full_name,
                                              const google::protobuf::Message& request);

// `first` plus those of `second` on fields `first` does not already name.
std::vector<FieldViolation> MergeViolations(std::vector<FieldViolation> first,
                                            const std::vector<FieldViolation>& second);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_REQUEST_PREVALIDATORS_H_
