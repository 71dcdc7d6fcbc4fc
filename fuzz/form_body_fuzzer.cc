// The gateway's form-body parser (Zapier's "form" payloads), then the transcoder as the
// handler runs it on a form (CreateEvent, blank is absent). Checks:
//  - the result is an object of objects no deeper than the parser allows, with string leaves;
//  - encoding the result again as a form and parsing it gives the same object, without
//    violations (what was kept means what it said);
//  - the transcoded request renders as JSON (no text that is not UTF-8 slips through).
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aievents/v1/ingest_service.pb.h"
#include "fuzz/fuzz_support.h"
#include "gateway/form_body.h"
#include "gateway/json_transcoder.h"

namespace {

using Json = nlohmann::json;

std::string PercentEncode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// The form that says `json` again: one "a__b=value" pair per leaf. Joining the key parts with
// "__" gives back the decoded key they were split from, so the split repeats exactly.
void Encode(const Json& json, const std::string& prefix, std::string& form, size_t depth) {
  FUZZ_CHECK(json.is_object(), "a node that is not an object at " + prefix);
  FUZZ_CHECK(depth <= 4, "nested deeper than the parser allows: " + prefix);
  for (const auto& [key, value] : json.items()) {
    std::string name = depth == 1 ? PercentEncode(key) : prefix + "__" + PercentEncode(key);
    if (value.is_object()) {
      Encode(value, name, form, depth + 1);
    } else {
      FUZZ_CHECK(value.is_string(), "a leaf that is not a string at " + name);
      if (!form.empty()) form += '&';
      form += name + "=" + PercentEncode(value.get<std::string>());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using aievents::FieldViolation;
  std::string body(reinterpret_cast<const char*>(data), size);
  std::vector<FieldViolation> violations;
  Json json = aievents::gateway::FormToJson(body, violations);

  std::string again;
  Encode(json, "", again, 1);
  std::vector<FieldViolation> second;
  Json reparsed = aievents::gateway::FormToJson(again, second);
  FUZZ_CHECK(second.empty(), "re-encoded form " + again + " has violations, first: " +
                                 second[0].field + ": " + second[0].description);
  FUZZ_CHECK(reparsed == json, "re-encoded form " + again + " parses differently");

  aievents::v1::CreateEventRequest request;
  aievents::gateway::JsonToMessage(json, request, "", {.blank_is_absent = true});
  aievents::gateway::MessageToJson(request).dump();
  return 0;
}
