// The pure rules of outbound webhooks: the retry schedule and rests, the wire form of a
// message (body, 20 KB rule, signatures) and what an endpoint may be.
#include <gtest/gtest.h>

#include <map>

#include "common/auth/standard_webhooks.h"
#include "common/text/base64.h"
#include "services/timeline/outbound/delivery_schedule.h"
#include "services/timeline/outbound/endpoint_rules.h"
#include "services/timeline/outbound/message_body.h"

namespace aievents::timeline {
namespace {

TEST(DeliverySchedule, OnlyA2xxDeliversAnd410IsGone) {
  EXPECT_EQ(Judge(200), Verdict::kDelivered);
  EXPECT_EQ(Judge(204), Verdict::kDelivered);
  EXPECT_EQ(Judge(299), Verdict::kDelivered);
  EXPECT_EQ(Judge(410), Verdict::kGone);
  for (int status : {301, 302, 400, 404, 429, 500, 503}) EXPECT_EQ(Judge(status), Verdict::kRetry);
  EXPECT_EQ(Judge(std::nullopt), Verdict::kRetry);
}

TEST(DeliverySchedule, EightAttemptsOnSvixsSchedule) {
  EXPECT_EQ(RetryDelay(1), absl::Seconds(5));
  EXPECT_EQ(RetryDelay(2), absl::Minutes(5));
  EXPECT_EQ(RetryDelay(3), absl::Minutes(30));
  EXPECT_EQ(RetryDelay(4), absl::Hours(2));
  EXPECT_EQ(RetryDelay(5), absl::Hours(5));
  EXPECT_EQ(RetryDelay(6), absl::Hours(10));
  EXPECT_EQ(RetryDelay(7), absl::Hours(10));
  EXPECT_EQ(RetryDelay(8), std::nullopt) << "the eighth attempt is the last";
  EXPECT_EQ(RetryDelay(0), std::nullopt);
}

TEST(DeliverySchedule, AFailingEndpointRestsLongerUpToTenMinutes) {
  EXPECT_EQ(RestAfterFailures(1), absl::Seconds(5));
  EXPECT_EQ(RestAfterFailures(2), absl::Seconds(10));
  EXPECT_EQ(RestAfterFailures(5), absl::Seconds(80));
  EXPECT_EQ(RestAfterFailures(8), absl::Minutes(10));
  EXPECT_EQ(RestAfterFailures(1000), absl::Minutes(10));
}

TEST(MessageBody, CarriesTypeTimestampAndData) {
  nlohmann::ordered_json data = {{"id", "e1"}, {"raw_payload", "{}"}};
  std::string body = MessageBody("ai_event.created", absl::FromUnixSeconds(1773153000), data);
  EXPECT_EQ(body, R"({"type":"ai_event.created","timestamp":"2026-03-10T14:30:00Z",)"
                  R"("data":{"id":"e1","raw_payload":"{}"}})");
}

TEST(MessageBody, ALargeEventLosesItsRawPayloadToStayUnder20KB) {
  nlohmann::ordered_json data = {{"id", "e1"}, {"raw_payload", std::string(30000, 'x')}};
  std::string body = MessageBody("ai_event.created", absl::UnixEpoch(), data);
  EXPECT_LT(body.size(), kMaxBodyBytes);
  nlohmann::json parsed = nlohmann::json::parse(body);
  EXPECT_TRUE(parsed["data"]["raw_payload"].is_null());
  EXPECT_EQ(parsed["data"]["raw_payload_omitted"], true);
  EXPECT_EQ(parsed["data"]["id"], "e1");
  // One just under the limit is left whole.
  data["raw_payload"] = std::string(19000, 'x');
  EXPECT_EQ(nlohmann::json::parse(
                MessageBody("ai_event.created", absl::UnixEpoch(), data))["data"]["raw_payload"]
                .get<std::string>()
                .size(),
            19000u);
}

TEST(MessageBody, SignedHeadersVerifyWithEachKey) {
  std::string old_key = "0123456789abcdef0123456789abcdef";
  std::string new_key = "fedcba9876543210fedcba9876543210";
  absl::Time now = absl::Now();
  std::string id = WebhookMessageId("01890a5d-ac96-774b-bcce-b302099a8057");
  EXPECT_EQ(id, "msg_01890a5dac96774bbcceb302099a8057");
  auto headers = SignedHeaders(id, now, "{}", {new_key, old_key});
  std::map<std::string, std::string> received(headers.begin(), headers.end());
  EXPECT_EQ(received["webhook-id"], id);
  EXPECT_EQ(received["webhook-timestamp"], std::to_string(absl::ToUnixSeconds(now)));
  EXPECT_TRUE(VerifyStandardWebhook(received, "{}", {old_key}, now).ok());
  EXPECT_TRUE(VerifyStandardWebhook(received, "{}", {new_key}, now).ok());
  EXPECT_FALSE(VerifyStandardWebhook(received, "{ }", {new_key}, now).ok()) << "body changed";
  EXPECT_FALSE(VerifyStandardWebhook(received, "{}", {std::string(32, 'z')}, now).ok());
}

TEST(EndpointRules, EventTypesAreKnownAndDeduplicated) {
  google::protobuf::RepeatedPtrField<std::string> types;
  EXPECT_FALSE(CheckEventTypes(types).ok()) << "at least one";
  *types.Add() = "ai_event.created";
  *types.Add() = "ai_event.created";
  *types.Add() = "customer.erased";
  auto kept = CheckEventTypes(types);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, (std::vector<std::string>{"ai_event.created", "customer.erased"}));
  *types.Add() = "ai_event.deleted";
  absl::Status refused = CheckEventTypes(types).status();
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.ToString().find("event_types[3]"), std::string::npos) << refused;
}

TEST(EndpointRules, ASecretIsWhsecAnd32RandomBytes) {
  std::string secret = NewSigningSecret();
  ASSERT_EQ(secret.rfind("whsec_", 0), 0u);
  auto key = DecodeSigningSecret(secret);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->size(), 32u);
  EXPECT_NE(NewSigningSecret(), secret);
}

TEST(EndpointRules, UrlRulesNameTheUrl) {
  OutboundPolicy strict;
  for (const char* url : {"", "http://example.com/", "https://127.0.0.1/", "https://10.1.2.3/"}) {
    absl::Status status = CheckEndpointUrl(url, strict);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_NE(status.ToString().find("url"), std::string::npos) << url << ": " << status;
  }
  EXPECT_FALSE(CheckEndpointUrl("https://x/" + std::string(kMaxUrlChars, 'a'), strict).ok());
  OutboundPolicy local{.allow_http = true, .allow_loopback = true};
  EXPECT_TRUE(CheckEndpointUrl("http://127.0.0.1:8080/hooks", local).ok());
  EXPECT_FALSE(CheckEndpointUrl("http://169.254.169.254/", local).ok());
  EXPECT_FALSE(CheckDescription(std::string(501, 'd')).ok());
  EXPECT_TRUE(CheckDescription(std::string(500, 'd')).ok());
}

}  // namespace
}  // namespace aievents::timeline
