#include "common/text/proto_enum_names.h"

#include <cctype>

#include "common/text/text.h"

namespace aievents {
namespace {

// "EventType" -> "EVENT_TYPE_".
std::string PrefixOf(const google::protobuf::EnumDescriptor* type) {
  std::string prefix;
  const std::string& name = type->name();
  for (size_t i = 0; i < name.size(); ++i) {
    if (i > 0 && std::isupper(static_cast<unsigned char>(name[i]))) prefix.push_back('_');
    prefix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(name[i]))));
  }
  return prefix + "_";
}

}  // namespace

std::string ShortEnumName(const google::protobuf::EnumValueDescriptor* value) {
  if (value == nullptr) return "";
  std::string prefix = PrefixOf(value->type());
  const std::string& name = value->name();
  std::string rest = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  return ToLowerAscii(rest);
}

const google::protobuf::EnumValueDescriptor* FindEnumValueByShortName(
    const google::protobuf::EnumDescriptor* type, std::string_view name) {
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* value = type->value(i);
    if (value->number() != 0 && ShortEnumName(value) == name) return value;
  }
  return nullptr;
}

std::vector<std::string> ShortEnumNames(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) names.push_back(ShortEnumName(type->value(i)));
  }
  return names;
}

}  // namespace aievents
