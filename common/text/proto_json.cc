#include "common/text/proto_json.h"

#include "common/text/base64.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace aievents {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::TimeUtil;
using OrderedJson = nlohmann::ordered_json;

bool IsTimestamp(const Descriptor* descriptor) {
  return descriptor->full_name() == "google.protobuf.Timestamp";
}

OrderedJson ValueToJson(const Message& message, const FieldDescriptor* field, int index) {
  const Reflection* reflection = message.GetReflection();
  bool repeated = field->is_repeated();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text = repeated ? reflection->GetRepeatedString(message, field, index)
                                  : reflection->GetString(message, field);
      // bytes are base64, as in the standard protobuf JSON mapping.
      if (field->type() == FieldDescriptor::TYPE_BYTES) return Base64Encode(text);
      return text;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return repeated ? reflection->GetRepeatedBool(message, field, index)
                      : reflection->GetBool(message, field);
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return repeated ? reflection->GetRepeatedDouble(message, field, index)
                      : reflection->GetDouble(message, field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return repeated ? reflection->GetRepeatedFloat(message, field, index)
                      : reflection->GetFloat(message, field);
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? reflection->GetRepeatedInt32(message, field, index)
                      : reflection->GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? reflection->GetRepeatedInt64(message, field, index)
                      : reflection->GetInt64(message, field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? reflection->GetRepeatedUInt32(message, field, index)
                      : reflection->GetUInt32(message, field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return repeated ? reflection->GetRepeatedUInt64(message, field, index)
                      : reflection->GetUInt64(message, field);
    case FieldDescriptor::CPPTYPE_ENUM:
      return ShortEnumName(repeated ? reflection->GetRepeatedEnum(message, field, index)
                                    : reflection->GetEnum(message, field));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& child = repeated ? reflection->GetRepeatedMessage(message, field, index)
                                      : reflection->GetMessage(message, field);
      if (IsTimestamp(field->message_type())) {
        const auto& timestamp = static_cast<const google::protobuf::Timestamp&>(child);
        return FormatRfc3339(absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(timestamp)));
      }
      return MessageToJson(child);
    }
  }
  return nullptr;
}

}  // namespace

OrderedJson MessageToJson(const Message& message) {
  OrderedJson out = OrderedJson::object();
  const Descriptor* descriptor = message.GetDescriptor();
  const Reflection* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_map()) {
      // Maps are JSON objects (keys rendered as text).
      OrderedJson object = OrderedJson::object();
      const FieldDescriptor* key = field->message_type()->map_key();
      const FieldDescriptor* value = field->message_type()->map_value();
      for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
        const Message& entry = reflection->GetRepeatedMessage(message, field, j);
        OrderedJson key_json = ValueToJson(entry, key, 0);
        object[key_json.is_string() ? key_json.get<std::string>() : key_json.dump()] =
            ValueToJson(entry, value, 0);
      }
      out[field->name()] = std::move(object);
    } else if (field->is_repeated()) {
      OrderedJson array = OrderedJson::array();
      for (int j = 0; j < reflection->FieldSize(message, field); ++j) {
        array.push_back(ValueToJson(message, field, j));
      }
      out[field->name()] = std::move(array);
    } else if (field->has_presence() && !reflection->HasField(message, field)) {
      out[field->name()] = nullptr;
    } else {
      out[field->name()] = ValueToJson(message, field, 0);
    }
  }
  return out;
}

}  // namespace aievents
