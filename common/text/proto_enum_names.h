// The one rule that turns proto enum values into the lower-case words the HTTP API and the
// database use: drop the enum's own name as prefix and lower-case the rest, so
// EventType.EVENT_TYPE_PHONE_CALL is "phone_call" and MatchMethod.MATCH_METHOD_NONE is "none".
#ifndef AIEVENTS_COMMON_TEXT_PROTO_ENUM_NAMES_H_
#define AIEVENTS_COMMON_TEXT_PROTO_ENUM_NAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace aievents {

// "phone_call" for EVENT_TYPE_PHONE_CALL.
std::string ShortEnumName(const google::protobuf::EnumValueDescriptor* value);

// The value whose short name is `name` (exact, lower case); nullptr when none. The zero
// "UNSPECIFIED" value is never returned.
const google::protobuf::EnumValueDescriptor* FindEnumValueByShortName(
    const google::protobuf::EnumDescriptor* type, std::string_view name);

// Every accepted short name, in declaration order (for error messages).
std::vector<std::string> ShortEnumNames(const google::protobuf::EnumDescriptor* type);

// Typed convenience: ShortName(v1::EVENT_TYPE_SMS) == "sms".
template <typename Enum>
std::string ShortName(Enum value) {
  return ShortEnumName(google::protobuf::GetEnumDescriptor<Enum>()->FindValueByNumber(value));
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_PROTO_ENUM_NAMES_H_
