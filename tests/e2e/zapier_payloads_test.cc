// What Zapier sends, accepted as a demanding integrator expects (docs/http-api.md, "Zapier and
// other form-filling clients"): numbers as decimal strings, form bodies with "__" nesting,
// raw_payload as a JSON object, and "" for unmapped fields; strict everywhere else.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out += '&';
    out += key + '=';
    for (unsigned char c : value) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
        out += static_cast<char>(c);
      } else if (c == ' ') {
        out += '+';
      } else {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "%%%02X", c);
        out += hex;
      }
    }
  }
  return out;
}

class ZapierPayloadsTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = SharedSuite().NewTenant(); }

  HttpResult PostForm(const std::string& target, const std::string& body) {
    return SharedSuite().Call(tenant_.api_key, "POST", target, body,
                              {{"content-type", "application/x-www-form-urlencoded"}});
  }

  Suite::Tenant tenant_;
};

TEST_F(ZapierPayloadsTest, AFormBodyWithDoubleUnderscoresIsAnEvent) {
  std::string customer =
      CreateCustomer(SharedSuite(), tenant_.api_key, {{"email", "maria.lopez@example.com"}});
  HttpResult created = PostForm(
      "/v1/ai-events",
      FormEncode({{"customer_lookup__email", "maria.lopez@example.com"},
                  {"customer_lookup__phone", ""},  // unmapped in the Zap
                  {"ai_event__event_type", "phone_call"},
                  {"ai_event__source", "zapier"},
                  {"ai_event__summary", "Customer called about order #789 & asked for a refund."},
                  {"ai_event__raw_payload", R"({"duration": 245})"},
                  {"ai_event__occurred_at", "2026-03-10T14:30:00Z"},
                  {"ai_event__confidence", "0.92"},
                  {"ai_event__idempotency_key", ""}}));
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json event = created.Json();
  EXPECT_EQ(event["customer_id"], customer);
  EXPECT_EQ(event["summary"], "Customer called about order #789 & asked for a refund.");
  EXPECT_EQ(event["confidence"], 0.92);
  EXPECT_TRUE(event["customer_lookup"]["phone"].is_null()) << "blank is absent";
  EXPECT_EQ(event["idempotency_key"].get<std::string>().rfind("auto-", 0), 0u)
      << "a blank key is no key: the derived one makes Zapier's retries replays";
}

TEST_F(ZapierPayloadsTest, FormErrorsNameTheDottedField) {
  HttpResult bad =
      PostForm("/v1/ai-events", FormEncode({{"customer_lookup__email", "nobody@example.com"},
                                            {"ai_event__event_type", "fax"},
                                            {"ai_event__source", "zapier"},
                                            {"ai_event__summery", "typo"},
                                            {"ai_event__confidence", "high"}}));
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(ViolationFor(bad, "ai_event.event_type").find("phone_call"), std::string::npos);
  EXPECT_NE(ViolationFor(bad, "ai_event.summery").find("did you mean \"summary\""),
            std::string::npos)
      << bad.body;
  EXPECT_NE(ViolationFor(bad, "ai_event.confidence").find("must be a number"), std::string::npos);
  HttpResult twice = PostForm("/v1/ai-events", "ai_event__source=a&ai_event__source=b");
  EXPECT_NE(ViolationFor(twice, "ai_event.source").find("more than once"), std::string::npos)
      << twice.body;
  EXPECT_EQ(CountEvents(SharedSuite(), tenant_.id), 0);
}

TEST_F(ZapierPayloadsTest, AFormCreatesACustomer) {
  HttpResult created = PostForm("/v1/customers", FormEncode({{"first_name", "Ana"},
                                                             {"last_name", "Silva"},
                                                             {"email", ""},
                                                             {"phone", "+1 415 555 0101"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["first_name"], "Ana");
  EXPECT_TRUE(created.Json()["email"].is_null());
}

TEST_F(ZapierPayloadsTest, RawPayloadMayBeAJsonObjectStoredCompact) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["raw_payload"] = {{"call", {{"duration", 245}, {"agent", "Ava"}}}};
  HttpResult created = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["raw_payload"], R"({"call":{"agent":"Ava","duration":245}})");
  // The 5,000-character limit counts the stored serialization.
  body["ai_event"]["raw_payload"] = {{"text", std::string(4995, 'x')}};  // 5006 characters
  body["ai_event"]["source_eid"] = "too-long";
  HttpResult long_one = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  EXPECT_EQ(long_one.status, 400) << long_one.body;
  EXPECT_FALSE(ViolationFor(long_one, "ai_event.raw_payload").empty()) << long_one.body;
  body["ai_event"]["raw_payload"] = 42;  // neither text nor an object
  EXPECT_NE(ViolationFor(SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body),
                         "ai_event.raw_payload")
                .find("a string, an object or an array"),
            std::string::npos);
}

TEST_F(ZapierPayloadsTest, BlankRequiredFieldsAreStillRequired) {
  nlohmann::json body = ValidEvent();
  body["ai_event"]["summary"] = "  ";
  body["ai_event"]["event_type"] = "";
  HttpResult bad = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_FALSE(ViolationFor(bad, "ai_event.summary").empty()) << bad.body;
  EXPECT_FALSE(ViolationFor(bad, "ai_event.event_type").empty()) << bad.body;
}

TEST_F(ZapierPayloadsTest, OnPatchAnEmptyStringStillClears) {
  std::string customer = CreateCustomer(SharedSuite(), tenant_.api_key,
                                        {{"email", "clear.me@example.com"}, {"first_name", "Al"}});
  HttpResult patched = SharedSuite().Call(tenant_.api_key, "PATCH", "/v1/customers/" + customer,
                                          R"({"first_name": ""})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_TRUE(patched.Json()["first_name"].is_null()) << patched.body;
}

TEST_F(ZapierPayloadsTest, OtherContentTypesAreRefusedNamingTheAcceptedOnes) {
  HttpResult xml = SharedSuite().Call(tenant_.api_key, "POST", "/v1/ai-events", "<event/>",
                                      {{"content-type", "application/xml"}});
  EXPECT_EQ(xml.status, 415);
  EXPECT_NE(xml.body.find("application/x-www-form-urlencoded"), std::string::npos) << xml.body;
}

TEST_F(ZapierPayloadsTest, AnOutOfRangeJsonNumberIsA400) {
  HttpResult huge = SharedSuite().Call(
      tenant_.api_key, "POST", "/v1/ai-events",
      R"({"ai_event": {"confidence": 1e999}, "customer_lookup": {"email": "a@b.c"}})");
  EXPECT_EQ(huge.status, 400) << huge.body;
}

}  // namespace
}  // namespace aievents::testing
