// Protobuf messages as the suite's JSON: what the HTTP API answers and what outbound webhooks
// carry, so both render a message the same way by construction:
//  - JSON names are the proto field names (snake_case), in declaration order;
//  - enums are lower-case words without the enum prefix ("phone_call");
//  - google.protobuf.Timestamp is an RFC 3339 string;
//  - an absent field that has presence is null;
//  - maps are JSON objects and bytes are base64.
#ifndef AIEVENTS_COMMON_TEXT_PROTO_JSON_H_
#define AIEVENTS_COMMON_TEXT_PROTO_JSON_H_

#include <nlohmann/json.hpp>

#include "google/protobuf/message.h"

namespace aievents {

nlohmann::ordered_json MessageToJson(const google::protobuf::Message& message);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_PROTO_JSON_H_
