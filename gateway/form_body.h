// application/x-www-form-urlencoded bodies (Zapier's default "form" payload type) as the JSON
// object the transcoder takes: "customer_lookup__email=a%40b.c&ai_event__event_type=sms"
// becomes {"customer_lookup": {"email": "a@b.c"}, "ai_event": {"event_type": "sms"}}. Every
// value is a string; the transcoder converts numbers, booleans and enums under the JSON rules.
#ifndef AIEVENTS_GATEWAY_FORM_BODY_H_
#define AIEVENTS_GATEWAY_FORM_BODY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/rpc/grpc_status.h"

namespace aievents::gateway {

// True for "application/x-www-form-urlencoded" (any parameters, any case).
bool IsFormContentType(const std::string& content_type);

// The form as a JSON object; `violations` names keys that are malformed, repeated, or both a
// value and a parent ("a=1&a__b=2"), by their dotted path.
nlohmann::json FormToJson(const std::string& body, std::vector<FieldViolation>& violations);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_FORM_BODY_H_
