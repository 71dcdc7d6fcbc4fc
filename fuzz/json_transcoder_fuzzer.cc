// The gateway's JSON transcoder as the gateway handler drives it. The first line picks one of
// the gateway's routes, so its request message ("POST /v1/ai-events", or any other text, which
// picks one by its bytes) and options ("... blank": blank is absent; "... query": the rest is
// a query string set with SetFieldFromText); the rest is the body, parsed by the strict parser
// and transcoded. Checks, beyond "no crash":
//  - every violation says what is wrong;
//  - what was accepted renders to JSON that can be dumped (strings are UTF-8);
//  - a body accepted without violations keeps every number as given (no silent clamping),
//    and its rendering transcodes back to the same message.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "fuzz/fuzz_support.h"
#include "gateway/gateway_server.h"
#include "gateway/json_transcoder.h"
#include "gateway/request_prevalidators.h"
#include "gateway/route_table.h"
#include "gateway/strict_json.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/util/message_differencer.h"

namespace aievents::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using Json = nlohmann::json;

const std::vector<Route>& Routes() {
  static const RouteTable* table = [] {
    auto built = RouteTable::Build(FrontedServices());
    if (!built.ok() || built->routes().empty()) __builtin_trap();
    return new RouteTable(*std::move(built));
  }();
  return table->routes();
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* descriptor) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
}

bool IsTimestamp(const FieldDescriptor* field) {
  return field->message_type() != nullptr &&
         field->message_type()->full_name() == "google.protobuf.Timestamp";
}

bool IsBlankString(const Json& value) {
  return value.is_string() &&
         value.get_ref<const std::string&>().find_first_not_of(" \t") == std::string::npos;
}

// A JSON integer, or the decimal string the transcoder also takes, as a 128-bit number (wide
// enough for every int64 and uint64); false for anything else.
bool GivenInteger(const Json& value, __int128* out) {
  if (value.is_number_unsigned()) {
    *out = value.get<uint64_t>();
    return true;
  }
  if (value.is_number_integer()) {
    *out = value.get<int64_t>();
    return true;
  }
  if (!value.is_string()) return false;
  const std::string& text = value.get_ref<const std::string&>();
  size_t i = !text.empty() && text[0] == '-' ? 1 : 0;
  if (i == text.size() || text.size() > 30) return false;
  __int128 number = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    number = number * 10 + (text[i] - '0');
  }
  *out = text[0] == '-' ? -number : number;
  return true;
}

std::string Int128Text(__int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  std::string digits;
  for (; value != 0; value /= 10) {
    digits.insert(digits.begin(), static_cast<char>('0' + (negative ? -(value % 10) : value % 10)));
  }
  return negative ? "-" + digits : digits;
}

__int128 StoredInteger(const Message& message, const FieldDescriptor* field, int index) {
  const auto* r = message.GetReflection();
  bool repeated = index >= 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      return repeated ? r->GetRepeatedInt32(message, field, index) : r->GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
      return repeated ? r->GetRepeatedInt64(message, field, index) : r->GetInt64(message, field);
    case FieldDescriptor::CPPTYPE_UINT32:
      return repeated ? r->GetRepeatedUInt32(message, field, index) : r->GetUInt32(message, field);
    default:
      return repeated ? r->GetRepeatedUInt64(message, field, index) : r->GetUInt64(message, field);
  }
}

void CheckNumbersKept(const Json& input, const Message& message, const std::string& path);

// One given value against what the transcoder stored for it (index -1: a singular field).
void CheckLeafKept(const Json& given, const Message& message, const FieldDescriptor* field,
                   int index, const std::string& path) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      __int128 expected;
      if (!GivenInteger(given, &expected)) return;
      __int128 stored = StoredInteger(message, field, index);
      FUZZ_CHECK(stored == expected, path + ": given " + Int128Text(expected) +
                                         ", accepted without a violation but stored as " +
                                         Int128Text(stored));
      return;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      if (IsTimestamp(field) || !given.is_object()) return;
      const auto* r = message.GetReflection();
      CheckNumbersKept(
          given,
          index >= 0 ? r->GetRepeatedMessage(message, field, index) : r->GetMessage(message, field),
          path);
      return;
    }
    default:
      return;
  }
}

void CheckNumbersKept(const Json& input, const Message& message, const std::string& path) {
  for (const auto& [name, given] : input.items()) {
    const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(name);
    if (field == nullptr || field->is_map() || given.is_null() || IsBlankString(given)) continue;
    std::string field_path = path.empty() ? name : path + "." + name;
    if (!field->is_repeated()) {
      CheckLeafKept(given, message, field, -1, field_path);
    } else if (given.is_array()) {
      for (size_t i = 0; i < given.size(); ++i) {
        CheckLeafKept(given[i], message, field, static_cast<int>(i), field_path);
      }
    }
  }
}

// Removes from a rendering what JSON input cannot say by design: enums at their zero value
// (rendered "unspecified", never accepted), maps (refused on input); bytes go back raw.
void PruneForInput(Json& rendered, const Message& message) {
  const auto* r = message.GetReflection();
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (!rendered.contains(field->name())) continue;
    Json& value = rendered[field->name()];
    if (field->is_map()) {
      rendered.erase(field->name());
    } else if (field->type() == FieldDescriptor::TYPE_BYTES) {
      if (field->is_repeated()) {
        for (int j = 0; j < r->FieldSize(message, field); ++j) {
          value[j] = r->GetRepeatedString(message, field, j);
        }
      } else if (!value.is_null()) {
        value = r->GetString(message, field);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM && !field->is_repeated() &&
               !field->has_presence() && r->GetEnumValue(message, field) == 0) {
      rendered.erase(field->name());
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !IsTimestamp(field)) {
      if (field->is_repeated()) {
        for (int j = 0; j < r->FieldSize(message, field); ++j) {
          PruneForInput(value[j], r->GetRepeatedMessage(message, field, j));
        }
      } else if (r->HasField(message, field)) {
        PruneForInput(value, r->GetMessage(message, field));
      }
    }
  }
}

void CheckViolations(const std::vector<FieldViolation>& violations) {
  for (const FieldViolation& violation : violations) {
    FUZZ_CHECK(!violation.description.empty(), "a violation of " + violation.field);
  }
}

void FuzzJsonBody(const Route& route, const std::string& body, TranscodeOptions options) {
  std::vector<FieldViolation> violations;
  absl::StatusOr<Json> parsed = ParseStrictJson(body, violations);
  if (!parsed.ok()) return;
  std::unique_ptr<Message> message = NewMessage(route.method->input_type());
  std::vector<FieldViolation> transcoded = JsonToMessage(*parsed, *message, "", options);
  CheckViolations(transcoded);
  ServiceViolations(route.method->full_name(), *message);
  // Throws (and so fails) if anything accepted is not UTF-8.
  std::string rendered = MessageToJson(*message).dump();
  if (!violations.empty() || !transcoded.empty()) return;

  CheckNumbersKept(*parsed, *message, "");
  Json again = Json::parse(rendered);
  PruneForInput(again, *message);
  std::unique_ptr<Message> copy = NewMessage(route.method->input_type());
  std::vector<FieldViolation> second = JsonToMessage(again, *copy);
  FUZZ_CHECK(second.empty(), "the rendering " + again.dump() + " is refused: " + second[0].field +
                                 ": " + second[0].description);
  FUZZ_CHECK(google::protobuf::util::MessageDifferencer::Equals(*message, *copy),
             "round trip through " + again.dump() + " changed\n" + message->DebugString() +
                 "into\n" + copy->DebugString());
}

// "name=value&..." as ApplyQuery in the gateway handler reads a query string.
void FuzzQuery(const Route& route, const std::string& query) {
  std::unique_ptr<Message> message = NewMessage(route.method->input_type());
  for (absl::string_view pair :
       absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
    size_t eq = pair.find('=');
    auto name = PercentDecode(std::string(pair.substr(0, eq)), true);
    auto value = PercentDecode(
        eq == absl::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)), true);
    if (!name.has_value() || !value.has_value()) continue;
    CheckViolations(SetFieldFromText(*name, *value, *message));
  }
  ServiceViolations(route.method->full_name(), *message);
  MessageToJson(*message).dump();
}

// The route named by "METHOD /path" (a rule's own spelling), or one picked by the line's bytes.
const Route& PickRoute(const std::vector<std::string>& words, const std::string& line) {
  const std::vector<Route>& routes = Routes();
  if (words.size() >= 2) {
    for (const Route& route : routes) {
      if (route.rule.method() == words[0] && route.rule.path() == words[1]) return route;
    }
  }
  size_t pick = 0;
  for (unsigned char c : line) pick = pick * 31 + c;
  return routes[pick % routes.size()];
}

}  // namespace
}  // namespace aievents::gateway

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aievents::gateway;
  aievents::fuzz::ByteReader input(data, size);
  std::string line = input.Line();
  std::vector<std::string> words = absl::StrSplit(line, ' ');
  const Route& route = PickRoute(words, line);
  bool query = false, blank_is_absent = false;
  for (size_t i = 2; i < words.size(); ++i) {
    query = query || words[i] == "query";
    blank_is_absent = blank_is_absent || words[i] == "blank";
  }
  std::string body = input.Rest();
  if (query) {
    FuzzQuery(route, body);
  } else {
    FuzzJsonBody(route, body, {.blank_is_absent = blank_is_absent});
  }
  return 0;
}
