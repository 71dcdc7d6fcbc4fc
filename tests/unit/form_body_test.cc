// Form bodies (Zapier's default payload type) into the JSON the transcoder takes, and the
// transcoder's leniency for what such clients send: numbers and booleans as strings, blank as
// absent, raw_payload as an object.
#include "gateway/form_body.h"

#include <gtest/gtest.h>

#include "aievents/v1/ingest_service.pb.h"
#include "aievents/v1/timeline_service.pb.h"
#include "gateway/json_transcoder.h"

namespace aievents::gateway {
namespace {

using nlohmann::json;

TEST(FormBody, DoubleUnderscoresNestAndValuesAreDecoded) {
  std::vector<FieldViolation> violations;
  json body = FormToJson(
      "customer_lookup__email=maria%40example.com&ai_event__summary=Called+about+%23789"
      "&ai_event__confidence=0.92&empty=",
      violations);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(body, json::parse(R"({"customer_lookup": {"email": "maria@example.com"},
      "ai_event": {"summary": "Called about #789", "confidence": "0.92"}, "empty": ""})"));
}

TEST(FormBody, RepeatsConflictsAndBadEscapesAreNamed) {
  std::vector<FieldViolation> violations;
  FormToJson("a=1&a=2&b=1&b__c=2&d__e=1&d=2&%zz=1&f__g__h__i__j=1", violations);
  std::map<std::string, std::string> by_field;
  for (const FieldViolation& v : violations) by_field[v.field] = v.description;
  EXPECT_EQ(by_field["a"], "is given more than once");
  EXPECT_EQ(by_field["b"], "is given both as a value and as an object");
  EXPECT_EQ(by_field["d"], "is given both as a value and as an object");
  EXPECT_NE(by_field["%zz"].find("malformed"), std::string::npos);
  EXPECT_EQ(by_field["f.g.h.i.j"], "nested too deeply");
}

TEST(FormBody, ContentType) {
  EXPECT_TRUE(IsFormContentType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(IsFormContentType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_FALSE(IsFormContentType("multipart/form-data"));
}

TEST(Leniency, DecimalStringsAreNumbersAndNothingElseIs) {
  for (const char* good : {"0.92", "1", "0", "-0.5", ".5", "1e-1", "5E-1"}) {
    v1::CreateEventRequest request;
    auto violations = JsonToMessage(json{{"ai_event", {{"confidence", good}}}}, request);
    EXPECT_TRUE(violations.empty()) << good;
    EXPECT_TRUE(request.ai_event().has_confidence()) << good;
  }
  for (const char* bad : {"abc", "NaN", "nan", "Infinity", "1e999", " 1", "1 ", "+1", "0x10", "1,5",
                          "1e", "-", "."}) {
    v1::CreateEventRequest request;
    auto violations = JsonToMessage(json{{"ai_event", {{"confidence", bad}}}}, request);
    ASSERT_EQ(violations.size(), 1u) << bad;
    EXPECT_EQ(violations[0].field, "ai_event.confidence") << bad;
  }
  v1::ListEventsRequest list;
  EXPECT_TRUE(JsonToMessage(json{{"page_size", "25"}, {"matched", "false"}}, list).empty());
  EXPECT_EQ(list.page_size(), 25);
  EXPECT_TRUE(list.has_matched());
  EXPECT_FALSE(list.matched());
  EXPECT_EQ(JsonToMessage(json{{"page_size", "2.5"}}, list).size(), 1u);
  EXPECT_EQ(JsonToMessage(json{{"page_size", "99999999999"}}, list).size(), 1u);
}

TEST(Leniency, BlankIsAbsentOnlyWhenAsked) {
  json body = {{"customer_lookup", {{"email", "a@b.c"}, {"phone", " "}}},
               {"ai_event", {{"confidence", ""}, {"idempotency_key", ""}}}};
  v1::CreateEventRequest lenient;
  EXPECT_TRUE(JsonToMessage(body, lenient, "", {.blank_is_absent = true}).empty());
  EXPECT_FALSE(lenient.customer_lookup().has_phone());
  EXPECT_FALSE(lenient.ai_event().has_confidence());
  EXPECT_FALSE(lenient.ai_event().has_idempotency_key());
  v1::CreateEventRequest strict;
  auto violations = JsonToMessage(body, strict);
  ASSERT_EQ(violations.size(), 1u) << "\"\" is not a number";
  EXPECT_EQ(violations[0].field, "ai_event.confidence");
  EXPECT_TRUE(strict.customer_lookup().has_phone()) << "kept as sent when blank is a value";
}

TEST(Leniency, RawPayloadTakesAnObjectOrArrayAsCompactText) {
  v1::CreateEventRequest request;
  EXPECT_TRUE(JsonToMessage(
                  json::parse(R"({"ai_event": {"raw_payload": {"b": [1, 2], "a": "x"}}})"), request)
                  .empty());
  EXPECT_EQ(request.ai_event().raw_payload(), R"({"a":"x","b":[1,2]})");
  v1::CreateEventRequest other;
  auto violations = JsonToMessage(json::parse(R"({"ai_event": {"source": {"a": 1}}})"), other);
  ASSERT_EQ(violations.size(), 1u) << "only raw_payload holds JSON text";
  EXPECT_EQ(violations[0].description, "must be a string, got an object");
}

}  // namespace
}  // namespace aievents::gateway
