// Input that used to escape as 500: every such request is now a 400 naming the problem, and a
// 500, should a bug cause one, still carries the request id.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(StrictInput, ARepeatedKeyIsRefusedByName) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult result = suite.Call(
      tenant.api_key, "POST", "/v1/ai-events",
      R"({"customer_lookup": {"email": "a@example.com"}, "ai_event": {"event_type": "phone_call",
          "source": "retell", "summary": "s", "raw_payload": "{}",
          "occurred_at": "2026-03-10T14:30:00Z", "event_type": "sms"}})");
  ASSERT_EQ(result.status, 400) << result.body;
  EXPECT_EQ(ViolationFor(result, "ai_event.event_type"), "is given more than once") << result.body;
  EXPECT_EQ(CountEvents(suite, tenant.id), 0);
}

TEST(StrictInput, InvalidUtf8IsA400WithTheRequestId) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  for (std::string body : {std::string("{\"ai_event\": {\"summary\": \"caf\xC3\"}}"),
                           std::string("{\"ai_event\": {\"summary\": \"\xFF\xFE\"}}"),
                           std::string("{\"ai_\xFF\": 1}")}) {
    HttpResult result =
        suite.Call(tenant.api_key, "POST", "/v1/ai-events", body, {{"x-request-id", "utf8-check"}});
    EXPECT_EQ(result.status, 400) << result.body;
    EXPECT_EQ(result.Header("x-request-id"), "utf8-check");
  }
  HttpResult form = suite.Call(tenant.api_key, "POST", "/v1/ai-events",
                               "ai_event__summary=caf%C3&ai_event__source=%FF",
                               {{"content-type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 400) << form.body;
}

TEST(StrictInput, AValidLocalTimeOutOfRangeInUtcIsNamed) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json body = ValidEvent();
  body["ai_event"]["occurred_at"] = "9999-12-31T23:59:59-01:00";
  HttpResult result = suite.Post(tenant.api_key, "/v1/ai-events", body);
  ASSERT_EQ(result.status, 400) << result.body;
  EXPECT_NE(ViolationFor(result, "ai_event.occurred_at").find("1900..9999"), std::string::npos)
      << result.body;
}

}  // namespace
}  // namespace aievents::testing
