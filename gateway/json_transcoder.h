// Generic, strict JSON <-> protobuf conversion driven by descriptors, so every RPC's HTTP body
// follows the same rules without per-endpoint code:
//  - JSON names are the proto field names (snake_case);
//  - unknown fields, wrong JSON types, out-of-range numbers and unknown enum words are
//    violations naming the dotted field path ("ai_event.summery: unknown field; did you mean
//    \"summary\"?"), all of them collected, not just the first;
//  - enums are lower-case words without the enum prefix ("phone_call");
//  - google.protobuf.Timestamp is an RFC 3339 string;
//  - null means "absent"; on output, an absent field that has presence is rendered as null;
//  - numbers may also come as decimal strings ("0.92", "-3", "1e3"), as the proto3 JSON
//    mapping allows and Zapier sends; "abc", "NaN", "1e999" and " 1" are still refused;
//    booleans may come as "true"/"false";
//  - a field that holds JSON text (raw_payload) also takes a JSON object or array, stored as
//    its compact serialization;
//  - with blank_is_absent, a blank string ("" or only spaces) means "absent" (Zapier sends ""
//    for a field the user did not map);
//  - on output, maps are JSON objects and bytes are base64 (input of either is refused).
#ifndef AIEVENTS_GATEWAY_JSON_TRANSCODER_H_
#define AIEVENTS_GATEWAY_JSON_TRANSCODER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/rpc/grpc_status.h"
#include "common/text/proto_json.h"
#include "google/protobuf/message.h"

namespace aievents::gateway {

struct TranscodeOptions {
  // "" means absent. Off where "" has a meaning of its own (PATCH: "" clears a field).
  bool blank_is_absent = false;
};

// Fills `message` from a JSON object; returns every violation (empty when all is well). Fields
// without violations are set even when others fail.
std::vector<FieldViolation> JsonToMessage(const nlohmann::json& json,
                                          google::protobuf::Message& message,
                                          const std::string& path = "",
                                          TranscodeOptions options = {});

// Sets the field named `name` from text (a path or query parameter).
std::vector<FieldViolation> SetFieldFromText(const std::string& name, const std::string& text,
                                             google::protobuf::Message& message);

// Output is common/text/proto_json's MessageToJson, shared with outbound webhooks.
using ::aievents::MessageToJson;

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_JSON_TRANSCODER_H_
