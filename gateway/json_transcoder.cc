#include "gateway/json_transcoder.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "aievents/v1/http.pb.h"
#include "common/text/base64.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::util::TimeUtil;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

std::string Join(const std::string& path, const std::string& name) {
  return path.empty() ? name : absl::StrCat(path, ".", name);
}

bool IsTimestamp(const Descriptor* descriptor) {
  return descriptor->full_name() == "google.protobuf.Timestamp";
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string UnknownFieldMessage(const Descriptor* descriptor, const std::string& name) {
  std::string best;
  size_t best_distance = 3;  // suggest only close typos
  std::vector<std::string> known;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const std::string& candidate = descriptor->field(i)->name();
    known.push_back(candidate);
    size_t distance = EditDistance(name, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (!best.empty()) return absl::StrCat("unknown field; did you mean \"", best, "\"?");
  return absl::StrCat("unknown field; allowed fields: ", absl::StrJoin(known, ", "));
}

// String fields marked (aievents.v1.json_text) also take a JSON object or array.
bool HoldsJsonText(const FieldDescriptor* field) {
  return field->options().GetExtension(v1::json_text);
}

bool IsBlank(const Json& value) {
  if (!value.is_string()) return false;
  for (char c : value.get_ref<const std::string&>()) {
    if (c != ' ' && c != '\t') return false;
  }
  return true;
}

// A decimal number written as a string: optional '-', digits with an optional fraction, an
// optional exponent. No spaces, no '+', no hex, no "NaN"/"Infinity".
bool IsDecimalText(const std::string& text, bool integer) {
  size_t i = text.size() > 0 && text[0] == '-' ? 1 : 0;
  size_t digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (integer) return digits > 0 && i == text.size();
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
    size_t exponent = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exponent;
    if (exponent == 0) return false;
  }
  return i == text.size();
}

// `value` as a JSON number when it is one, or a decimal string that converts to a finite one;
// nullopt otherwise.
std::optional<Json> NumberFrom(const Json& value, bool integer) {
  if (value.is_number()) return value;
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  if (!IsDecimalText(text, integer)) return std::nullopt;
  if (integer) {
    int64_t number;
    if (text[0] != '-') {
      uint64_t positive;
      if (!absl::SimpleAtoi(text, &positive)) return std::nullopt;
      return Json(positive);
    }
    if (!absl::SimpleAtoi(text, &number)) return std::nullopt;
    return Json(number);
  }
  double number;
  if (!absl::SimpleAtod(text, &number) || !std::isfinite(number)) return std::nullopt;
  return Json(number);
}

const char* JsonTypeName(const Json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

// One JSON value on its way into a field: a singular field, or a new element of a repeated one
// when `repeated`. Violations are reported under `path`.
struct FieldAssignment {
  const Json& given;
  const FieldDescriptor* field;
  Message& message;
  const std::string& path;
  bool repeated;
  std::vector<FieldViolation>& violations;

  const Reflection* reflection() const { return message.GetReflection(); }

  void Violation(std::string description) const {
    violations.push_back({path, std::move(description)});
  }

  // "must be EXPECTED, got WHAT": a string is quoted (its first 40 bytes), other JSON named.
  void WrongType(const std::string& expected) const {
    std::string got =
        given.is_string()
            ? absl::StrCat("\"", given.get_ref<const std::string&>().substr(0, 40), "\"")
            : JsonTypeName(given);
    Violation(absl::StrCat("must be ", expected, ", got ", got));
  }

  // The message to fill: the field's own, or a new element of the repeated field.
  Message* TargetMessage() const {
    return repeated ? reflection()->AddMessage(&message, field)
                    : reflection()->MutableMessage(&message, field);
  }
};

void SetStringField(const FieldAssignment& in) {
  Json value = in.given;
  if (HoldsJsonText(in.field) && (value.is_object() || value.is_array())) {
    // A form's %XX can put bytes that are not UTF-8 in the object, which dump refuses.
    try {
      value = value.dump();
    } catch (const Json::type_error&) {
      return in.Violation("must be valid UTF-8 text");
    }
  }
  if (!value.is_string()) {
    return in.WrongType(HoldsJsonText(in.field) ? "a string, an object or an array" : "a string");
  }
  std::string text = value.get<std::string>();
  // Protobuf strings must be UTF-8 (a backend could not even read the request otherwise).
  if (in.field->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(text)) {
    return in.Violation("must be valid UTF-8 text");
  }
  in.repeated ? in.reflection()->AddString(&in.message, in.field, text)
              : in.reflection()->SetString(&in.message, in.field, text);
}

void SetBoolField(const FieldAssignment& in) {
  Json value = in.given;
  if (in.given == "true" || in.given == "false") value = in.given == "true";
  if (!value.is_boolean()) return in.WrongType("true or false");
  in.repeated ? in.reflection()->AddBool(&in.message, in.field, value.get<bool>())
              : in.reflection()->SetBool(&in.message, in.field, value.get<bool>());
}

void SetFloatingPointField(const FieldAssignment& in) {
  std::optional<Json> parsed = NumberFrom(in.given, /*integer=*/false);
  if (!parsed.has_value()) return in.WrongType("a number (or a decimal string such as \"0.92\")");
  double number = parsed->get<double>();
  const Reflection* reflection = in.reflection();
  if (in.field->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
    in.repeated ? reflection->AddDouble(&in.message, in.field, number)
                : reflection->SetDouble(&in.message, in.field, number);
  } else {
    in.repeated ? reflection->AddFloat(&in.message, in.field, static_cast<float>(number))
                : reflection->SetFloat(&in.message, in.field, static_cast<float>(number));
  }
}

// The value for an integer field when it fits the field's type; nullopt after reporting why not.
std::optional<int64_t> CheckedInteger(const FieldAssignment& in) {
  std::optional<Json> parsed = NumberFrom(in.given, /*integer=*/true);
  Json value = parsed.has_value() ? *parsed : in.given;
  if (!value.is_number_integer()) {
    in.WrongType("an integer (or a string of digits)");
    return std::nullopt;
  }
  FieldDescriptor::CppType type = in.field->cpp_type();
  bool is_unsigned =
      type == FieldDescriptor::CPPTYPE_UINT32 || type == FieldDescriptor::CPPTYPE_UINT64;
  bool is_32 = type == FieldDescriptor::CPPTYPE_INT32 || type == FieldDescriptor::CPPTYPE_UINT32;
  if (is_unsigned && !value.is_number_unsigned() && value.get<int64_t>() < 0) {
    in.WrongType("a non-negative integer");
    return std::nullopt;
  }
  // Above int64's range (2^63 and up) only unsigned fields could hold it; none is clamped.
  if (!is_unsigned && value.is_number_unsigned() &&
      value.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    in.WrongType(is_32 ? "a 32-bit integer" : "a 64-bit integer");
    return std::nullopt;
  }
  int64_t number = value.is_number_unsigned()
                       ? static_cast<int64_t>(std::min<uint64_t>(
                             value.get<uint64_t>(), std::numeric_limits<int64_t>::max()))
                       : value.get<int64_t>();
  if (is_32 && (number > std::numeric_limits<int32_t>::max() ||
                number < std::numeric_limits<int32_t>::min())) {
    in.WrongType("a 32-bit integer");
    return std::nullopt;
  }
  return number;
}

void SetIntegerField(const FieldAssignment& in) {
  std::optional<int64_t> number = CheckedInteger(in);
  if (!number.has_value()) return;
  const Reflection* reflection = in.reflection();
  switch (in.field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      in.repeated ? reflection->AddInt32(&in.message, in.field, static_cast<int32_t>(*number))
                  : reflection->SetInt32(&in.message, in.field, static_cast<int32_t>(*number));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      in.repeated ? reflection->AddUInt32(&in.message, in.field, static_cast<uint32_t>(*number))
                  : reflection->SetUInt32(&in.message, in.field, static_cast<uint32_t>(*number));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      in.repeated ? reflection->AddUInt64(&in.message, in.field, static_cast<uint64_t>(*number))
                  : reflection->SetUInt64(&in.message, in.field, static_cast<uint64_t>(*number));
      break;
    default:
      in.repeated ? reflection->AddInt64(&in.message, in.field, *number)
                  : reflection->SetInt64(&in.message, in.field, *number);
  }
}

// Enums are their value's short lower-case name ("phone_call").
void SetEnumField(const FieldAssignment& in) {
  std::vector<std::string> names = ShortEnumNames(in.field->enum_type());
  std::string allowed = absl::StrCat("one of ", absl::StrJoin(names, ", "));
  if (!in.given.is_string()) return in.WrongType(allowed);
  const std::string& name = in.given.get_ref<const std::string&>();
  const auto* enum_value = FindEnumValueByShortName(in.field->enum_type(), name);
  if (enum_value == nullptr) {
    return in.Violation(absl::StrCat("must be ", allowed, ", got \"", name, "\""));
  }
  in.repeated ? in.reflection()->AddEnum(&in.message, in.field, enum_value)
              : in.reflection()->SetEnum(&in.message, in.field, enum_value);
}

// google.protobuf.Timestamp is an RFC 3339 string.
void SetTimestampField(const FieldAssignment& in) {
  if (!in.given.is_string()) return in.WrongType("an RFC 3339 date-time string");
  auto time = ParseRfc3339(in.given.get<std::string>());
  if (!time.ok()) return in.Violation(std::string(time.status().message()));
  auto timestamp = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(*time));
  in.TargetMessage()->CopyFrom(timestamp);
}

// Any other message is a JSON object, converted field by field under the same path.
void SetMessageField(const FieldAssignment& in, const TranscodeOptions& options) {
  if (IsTimestamp(in.field->message_type())) return SetTimestampField(in);
  if (!in.given.is_object()) return in.WrongType("an object");
  for (FieldViolation& v : JsonToMessage(in.given, *in.TargetMessage(), in.path, options)) {
    in.violations.push_back(std::move(v));
  }
}

// Converts one JSON value into a singular field (or one element when `repeated`).
void SetValue(const Json& given, const FieldDescriptor* field, Message& message,
              const std::string& path, bool repeated, std::vector<FieldViolation>& violations,
              const TranscodeOptions& options) {
  FieldAssignment in{given, field, message, path, repeated, violations};
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return SetStringField(in);
    case FieldDescriptor::CPPTYPE_BOOL:
      return SetBoolField(in);
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return SetFloatingPointField(in);
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return SetIntegerField(in);
    case FieldDescriptor::CPPTYPE_ENUM:
      return SetEnumField(in);
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return SetMessageField(in, options);
  }
}

}  // namespace

std::vector<FieldViolation> JsonToMessage(const Json& json, Message& message,
                                          const std::string& path, TranscodeOptions options) {
  std::vector<FieldViolation> violations;
  if (!json.is_object()) {
    violations.push_back({path, absl::StrCat("must be a JSON object, got ", JsonTypeName(json))});
    return violations;
  }
  const Descriptor* descriptor = message.GetDescriptor();
  for (const auto& [name, value] : json.items()) {
    std::string field_path = Join(path, name);
    const FieldDescriptor* field = descriptor->FindFieldByName(name);
    if (field == nullptr) {
      violations.push_back({field_path, UnknownFieldMessage(descriptor, name)});
      continue;
    }
    if (value.is_null()) continue;  // null is "absent"
    if (options.blank_is_absent && IsBlank(value)) continue;
    if (field->is_map()) {
      violations.push_back({field_path, "map fields are not supported over HTTP"});
    } else if (field->is_repeated()) {
      if (!value.is_array()) {
        violations.push_back(
            {field_path, absl::StrCat("must be an array, got ", JsonTypeName(value))});
        continue;
      }
      for (size_t i = 0; i < value.size(); ++i) {
        SetValue(value[i], field, message, absl::StrCat(field_path, "[", i, "]"), true, violations,
                 options);
      }
    } else {
      SetValue(value, field, message, field_path, false, violations, options);
    }
  }
  return violations;
}

std::vector<FieldViolation> SetFieldFromText(const std::string& name, const std::string& text,
                                             Message& message) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr) return {{name, UnknownFieldMessage(message.GetDescriptor(), name)}};
  Json value = text;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      int64_t number;
      if (!absl::SimpleAtoi(text, &number)) return {{name, "must be an integer"}};
      value = number;
      break;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double number;
      if (!absl::SimpleAtod(text, &number) || !std::isfinite(number)) {
        return {{name, "must be a number"}};
      }
      value = number;
      break;
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (text != "true" && text != "false") return {{name, "must be true or false"}};
      value = text == "true";
      break;
    default:
      break;
  }
  std::vector<FieldViolation> violations;
  SetValue(value, field, message, name, field->is_repeated(), violations, {});
  return violations;
}

}  // namespace aievents::gateway
