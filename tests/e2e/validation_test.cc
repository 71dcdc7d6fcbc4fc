// Every validation rule of POST /v1/ai-events: each failure is a 400 naming the field and the
// rule, all problems are reported at once, and nothing is stored.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

class ValidationTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = SharedSuite().NewTenant(); }

  // Posts `body`, expects a 400 whose violations include `field`, and returns its description.
  std::string Rejected(const nlohmann::json& body, const std::string& field) {
    HttpResult result = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
    EXPECT_EQ(result.status, 400) << result.body;
    EXPECT_EQ(result.Json()["error"]["code"], "INVALID_ARGUMENT") << result.body;
    std::string description = ViolationFor(result, field);
    EXPECT_FALSE(description.empty()) << "no violation for " << field << " in " << result.body;
    return description;
  }

  void Accepted(const nlohmann::json& body) {
    HttpResult result = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
    EXPECT_EQ(result.status, 201) << result.body;
  }

  void TearDown() override {
    // Rejections never store anything: only the accepted requests of the test are there.
    EXPECT_EQ(CountEvents(SharedSuite(), tenant_.id), accepted_expected_);
  }

  Suite::Tenant tenant_;
  long accepted_expected_ = 0;
};

TEST_F(ValidationTest, CustomerLookupIsRequired) {
  nlohmann::json body = ValidEvent();
  body.erase("customer_lookup");
  EXPECT_NE(Rejected(body, "customer_lookup").find("is required"), std::string::npos);
}

TEST_F(ValidationTest, CustomerLookupNeedsAnIdentifier) {
  EXPECT_NE(Rejected(ValidEvent(nlohmann::json::object()), "customer_lookup").find("at least one"),
            std::string::npos);
  Rejected(ValidEvent({{"email", "   "}}), "customer_lookup");
}

TEST_F(ValidationTest, FirstNameAloneIsNotEnough) {
  EXPECT_NE(
      Rejected(ValidEvent({{"first_name", "Ana"}}), "customer_lookup.last_name").find("needs both"),
      std::string::npos);
  Rejected(ValidEvent({{"last_name", "Lee"}}), "customer_lookup.first_name");
}

TEST_F(ValidationTest, FirstAndLastNameAreEnough) {
  Accepted(ValidEvent({{"first_name", "Ana"}, {"last_name", "Lee"}}));
  accepted_expected_ = 1;
}

TEST_F(ValidationTest, EmailAndPhoneMustParse) {
  Rejected(ValidEvent({{"email", "not-an-email"}}), "customer_lookup.email");
  Rejected(ValidEvent({{"phone", "call me maybe"}}), "customer_lookup.phone");
  Rejected(ValidEvent({{"phone", "12"}}), "customer_lookup.phone");
}

TEST_F(ValidationTest, EventTypeMustBeKnown) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["event_type"] = "voicemail";
  EXPECT_NE(Rejected(body, "ai_event.event_type")
                .find("phone_call, sms, email, chat, workflow, "
                      "note, review, escalation, other"),
            std::string::npos);
  body["ai_event"].erase("event_type");
  Rejected(body, "ai_event.event_type");
}

TEST_F(ValidationTest, EveryEventTypeIsAccepted) {
  for (const char* type : {"phone_call", "sms", "email", "chat", "workflow", "note", "review",
                           "escalation", "other"}) {
    nlohmann::json body = ValidEvent();
    body["ai_event"]["event_type"] = type;
    Accepted(body);
  }
  accepted_expected_ = 9;
}

TEST_F(ValidationTest, RequiredEventFields) {
  for (const char* field : {"source", "summary", "raw_payload", "occurred_at"}) {
    nlohmann::json body = ValidEvent();
    body["ai_event"].erase(field);
    EXPECT_NE(Rejected(body, std::string("ai_event.") + field).find("required"), std::string::npos);
  }
  nlohmann::json blank = ValidEvent();
  blank["ai_event"]["summary"] = "  ";
  Rejected(blank, "ai_event.summary");
}

TEST_F(ValidationTest, SummaryIsCountedInCharactersNotBytes) {
  nlohmann::json body = ValidEvent();
  std::string e_acute = "\xC3\xA9";  // é: 2 bytes, 1 character
  std::string at_limit;
  for (int i = 0; i < 500; ++i) at_limit += e_acute;  // 1000 bytes, 500 characters
  body["ai_event"]["summary"] = at_limit;
  Accepted(body);
  accepted_expected_ = 1;
  body["ai_event"]["summary"] = at_limit + "x";
  EXPECT_NE(Rejected(body, "ai_event.summary").find("at most 500"), std::string::npos);
}

TEST_F(ValidationTest, RawPayloadIsLimitedTo5000Characters) {
  nlohmann::json body = ValidEvent();
  std::string snowman = "\xE2\x98\x83";  // ☃: 3 bytes, 1 character
  std::string at_limit;
  for (int i = 0; i < 5000; ++i) at_limit += snowman;
  body["ai_event"]["raw_payload"] = at_limit;
  Accepted(body);
  accepted_expected_ = 1;
  body["ai_event"]["raw_payload"] = at_limit + "x";
  EXPECT_NE(Rejected(body, "ai_event.raw_payload").find("at most 5000"), std::string::npos);
}

TEST_F(ValidationTest, OccurredAtNeedsATimeZone) {
  nlohmann::json body = ValidEvent();
  for (const char* bad : {"2026-03-10T14:30:00", "2026-03-10", "10/03/2026 14:30",
                          "2026-02-30T10:00:00Z", "2026-03-10T25:00:00Z", "yesterday"}) {
    body["ai_event"]["occurred_at"] = bad;
    Rejected(body, "ai_event.occurred_at");
  }
  body["ai_event"]["occurred_at"] = "2026-03-10T16:30:00.250+02:00";
  HttpResult ok = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json()["occurred_at"], "2026-03-10T14:30:00.25Z");
  accepted_expected_ = 1;
}

TEST_F(ValidationTest, ConfidenceIsANumberFromZeroToOne) {
  nlohmann::json body = ValidEvent();
  for (double bad : {-0.01, 1.01, 42.0}) {
    body["ai_event"]["confidence"] = bad;
    EXPECT_NE(Rejected(body, "ai_event.confidence").find("from 0 to 1"), std::string::npos);
  }
  // Decimal strings are numbers too (the proto3 JSON mapping; Zapier sends them), but only
  // decimal ones.
  for (const char* bad : {"abc", "NaN", "Infinity", "1e999", " 0.9", "0x1", "+0.5", "", "."}) {
    body["ai_event"]["confidence"] = bad;
    if (std::string(bad).empty()) continue;  // blank is absent: see ZapierPayloadsTest
    EXPECT_NE(Rejected(body, "ai_event.confidence").find("must be a number"), std::string::npos)
        << bad;
  }
  body["ai_event"]["confidence"] = "1.5";
  EXPECT_NE(Rejected(body, "ai_event.confidence").find("from 0 to 1"), std::string::npos);
  for (double good : {0.0, 1.0}) {
    body["ai_event"]["confidence"] = good;
    body["ai_event"]["source_eid"] = "confidence-" + std::to_string(good);
    Accepted(body);
  }
  body["ai_event"]["confidence"] = "0.9";
  body["ai_event"]["source_eid"] = "confidence-string";
  HttpResult quoted = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  ASSERT_EQ(quoted.status, 201) << quoted.body;
  EXPECT_EQ(quoted.Json()["confidence"], 0.9) << "stored as the number";
  accepted_expected_ = 3;
}

TEST_F(ValidationTest, UnknownFieldsAreRejectedByName) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["summery"] = "typo";
  EXPECT_NE(Rejected(body, "ai_event.summery").find("did you mean \"summary\""), std::string::npos);
  nlohmann::json top = ValidEvent();
  top["extra"] = 1;
  Rejected(top, "extra");
  nlohmann::json lookup = ValidEvent({{"email", "a@example.com"}, {"mobile", "555"}});
  Rejected(lookup, "customer_lookup.mobile");
}

TEST_F(ValidationTest, WrongJsonTypesAreNamed) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["summary"] = 42;
  EXPECT_NE(Rejected(body, "ai_event.summary").find("must be a string"), std::string::npos);
  nlohmann::json lookup = ValidEvent();
  lookup["customer_lookup"] = "jane@example.com";
  Rejected(lookup, "customer_lookup");
}

TEST_F(ValidationTest, EveryViolationIsReportedAtOnce) {
  nlohmann::json body = {{"customer_lookup", {{"first_name", "Ana"}}},
                         {"ai_event",
                          {{"event_type", "call"},
                           {"summery", "typo"},
                           {"raw_payload", std::string(5001, 'x')},
                           {"occurred_at", "2026-03-10"},
                           {"confidence", 3}}}};
  HttpResult result = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  ASSERT_EQ(result.status, 400);
  for (const char* field : {"customer_lookup.last_name", "ai_event.event_type", "ai_event.summery",
                            "ai_event.source", "ai_event.summary", "ai_event.raw_payload",
                            "ai_event.occurred_at", "ai_event.confidence"}) {
    EXPECT_FALSE(ViolationFor(result, field).empty()) << field << " missing in " << result.body;
  }
}

TEST_F(ValidationTest, IdempotencyKeyAndSourceEidLimits) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["idempotency_key"] = std::string(256, 'k');
  Rejected(body, "ai_event.idempotency_key");
  body["ai_event"]["idempotency_key"] = std::string(255, 'k') + "é";  // 256 characters
  Rejected(body, "ai_event.idempotency_key");
  body["ai_event"].erase("idempotency_key");
  body["ai_event"]["source_eid"] = std::string(256, 'e');
  Rejected(body, "ai_event.source_eid");
}

}  // namespace
}  // namespace aievents::testing
