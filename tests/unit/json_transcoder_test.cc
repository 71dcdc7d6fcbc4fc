#include "gateway/json_transcoder.h"

#include <gtest/gtest.h>

#include "aievents/v1/ingest_service.pb.h"

namespace aievents::gateway {
namespace {

using nlohmann::json;

TEST(JsonTranscoder, ParsesTheSeedShape) {
  v1::CreateEventRequest request;
  auto violations = JsonToMessage(
      json::parse(R"({"customer_lookup": {"phone": "+1 555"}, "ai_event": {"event_type": "sms",
        "confidence": 0.5, "summary": "hi", "source_eid": null}})"),
      request);
  EXPECT_TRUE(violations.empty());
  EXPECT_EQ(request.customer_lookup().phone(), "+1 555");
  EXPECT_EQ(request.ai_event().event_type(), v1::EVENT_TYPE_SMS);
  EXPECT_DOUBLE_EQ(request.ai_event().confidence(), 0.5);
  EXPECT_FALSE(request.ai_event().has_source_eid()) << "null means absent";
}

TEST(JsonTranscoder, NamesUnknownFieldsWithSuggestions) {
  v1::CreateEventRequest request;
  auto violations =
      JsonToMessage(json::parse(R"({"ai_event": {"summery": "x"}, "zzz": 1})"), request);
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "ai_event.summery");
  EXPECT_NE(violations[0].description.find("did you mean \"summary\""), std::string::npos);
  EXPECT_EQ(violations[1].field, "zzz");
  EXPECT_NE(violations[1].description.find("allowed fields"), std::string::npos);
}

TEST(JsonTranscoder, WrongTypesAndEnums) {
  v1::CreateEventRequest request;
  auto violations = JsonToMessage(
      json::parse(R"({"ai_event": {"summary": 1, "confidence": "high", "event_type": "fax"}})"),
      request);
  std::map<std::string, std::string> by_field;
  for (const auto& violation : violations) by_field[violation.field] = violation.description;
  ASSERT_EQ(by_field.size(), 3u);
  EXPECT_EQ(by_field["ai_event.summary"], "must be a string, got a number");
  EXPECT_EQ(by_field["ai_event.confidence"],
            "must be a number (or a decimal string such as \"0.92\"), got \"high\"");
  EXPECT_NE(by_field["ai_event.event_type"].find("phone_call"), std::string::npos);
  EXPECT_EQ(request.ai_event().event_type(), v1::EVENT_TYPE_UNSPECIFIED);
}

TEST(JsonTranscoder, NotAnObject) {
  v1::CreateEventRequest request;
  auto violations = JsonToMessage(json::parse("[]"), request);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "");
}

TEST(JsonTranscoder, RendersPresenceAsNullEnumsAsWordsTimestampsAsRfc3339) {
  v1::AiEvent event;
  event.set_id("e1");
  event.set_match_method(v1::MATCH_METHOD_NONE);
  event.set_event_type(v1::EVENT_TYPE_PHONE_CALL);
  event.mutable_occurred_at()->set_seconds(1773153000);
  json rendered = json::parse(MessageToJson(event).dump());
  EXPECT_TRUE(rendered["customer_id"].is_null());
  EXPECT_TRUE(rendered["confidence"].is_null());
  EXPECT_EQ(rendered["match_method"], "none");
  EXPECT_EQ(rendered["event_type"], "phone_call");
  EXPECT_EQ(rendered["occurred_at"], "2026-03-10T14:30:00Z");
  EXPECT_EQ(rendered["summary"], "");
  EXPECT_TRUE(rendered["customer_lookup"].is_null());
  EXPECT_EQ(MessageToJson(event).begin().key(), "id") << "declaration order";
}

TEST(JsonTranscoder, SetsFieldsFromText) {
  v1::CreateEventRequest request;
  EXPECT_TRUE(SetFieldFromText("nope", "1", request).size() == 1);
  v1::AiEventInput input;
  EXPECT_TRUE(SetFieldFromText("confidence", "0.25", input).empty());
  EXPECT_DOUBLE_EQ(input.confidence(), 0.25);
  EXPECT_EQ(SetFieldFromText("confidence", "abc", input).size(), 1u);
  EXPECT_TRUE(SetFieldFromText("event_type", "note", input).empty());
  EXPECT_EQ(input.event_type(), v1::EVENT_TYPE_NOTE);
}

}  // namespace
}  // namespace aievents::gateway
