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

TEST(DeliverySchedule, EightAttemptsOnSvixsScheduleWithinTwentyPercent) {
  RetrySchedule schedule;
  EXPECT_EQ(schedule.max_attempts(), 8);
  const absl::Duration expected[] = {absl::Seconds(5), absl::Minutes(5), absl::Minutes(30),
                                     absl::Hours(2),   absl::Hours(5),   absl::Hours(10),
                                     absl::Hours(10)};
  for (int attempt = 1; attempt <= 7; ++attempt) {
    const absl::Duration delay = expected[attempt - 1];
    EXPECT_EQ(RetryDelay(schedule, attempt, 0.5), delay) << "attempt " << attempt;
    EXPECT_EQ(RetryDelay(schedule, attempt, 0.0), delay * 0.8) << "attempt " << attempt;
    EXPECT_GT(*RetryDelay(schedule, attempt, 0.999), delay * 1.199) << "attempt " << attempt;
    EXPECT_LT(*RetryDelay(schedule, attempt, 0.999), delay * 1.2) << "attempt " << attempt;
  }
  EXPECT_EQ(RetryDelay(schedule, 8, 0.5), std::nullopt) << "the eighth attempt is the last";
  EXPECT_EQ(RetryDelay(schedule, 0, 0.5), std::nullopt);
}

TEST(DeliverySchedule, TheScheduleIsConfigurable) {
  absl::StatusOr<RetrySchedule> schedule = ParseRetrySchedule("1s, 2m,2m,1h");
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->max_attempts(), 5);
  EXPECT_EQ(RetryDelay(*schedule, 2, 0.5), absl::Minutes(2));
  EXPECT_EQ(RetryDelay(*schedule, 5, 0.5), std::nullopt);
  for (const char* bad : {"", "5", "5s,,1m", "0s", "25h", "5m,1m", "soon"}) {
    absl::StatusOr<RetrySchedule> refused = ParseRetrySchedule(bad);
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << bad;
    EXPECT_NE(refused.status().message().find("webhook-retry-schedule"), std::string::npos) << bad;
  }
}

TEST(DeliverySchedule, RetryAfterOn429And503ReplacesTheDelayUpToTheLongest) {
  RetrySchedule schedule;
  EXPECT_TRUE(HonoursRetryAfter(429));
  EXPECT_TRUE(HonoursRetryAfter(503));
  for (std::optional<int> status : {std::optional<int>(500), std::optional<int>(200),
                                    std::optional<int>(410), std::optional<int>()}) {
    EXPECT_FALSE(HonoursRetryAfter(status));
  }
  EXPECT_EQ(RetryDelay(schedule, 1, 0.9, absl::Seconds(120)), absl::Seconds(120));
  EXPECT_EQ(RetryDelay(schedule, 3, 0.9, absl::Seconds(0)), absl::Seconds(1));
  EXPECT_EQ(RetryDelay(schedule, 1, 0.9, absl::Hours(48)), absl::Hours(10));
  EXPECT_EQ(RetryDelay(schedule, 8, 0.9, absl::Seconds(5)), std::nullopt) << "still the last";
  // The endpoint rests at least as long as it asked.
  EXPECT_EQ(RestAfterFailures(1, absl::Seconds(120)), absl::Seconds(120));
  EXPECT_EQ(RestAfterFailures(8, absl::Seconds(1)), absl::Minutes(10));
}

TEST(DeliverySchedule, AFailingEndpointRestsLongerUpToTenMinutes) {
  EXPECT_EQ(RestAfterFailures(1), absl::Seconds(5));
  EXPECT_EQ(RestAfterFailures(2), absl::Seconds(10));
  EXPECT_EQ(RestAfterFailures(5), absl::Seconds(80));
  EXPECT_EQ(RestAfterFailures(8), absl::Minutes(10));
  EXPECT_EQ(RestAfterFailures(1000), absl::Minutes(10));
}

EndpointOutcome Attempt(Verdict verdict, std::optional<absl::Duration> retry_after = {}) {
  return {EndpointOutcome::Kind::kAttempt, verdict, retry_after};
}
EndpointOutcome Untried() { return {EndpointOutcome::Kind::kUntried, Verdict::kRetry, {}}; }

TEST(EndpointOutcomes, ASuccessEndsTheRest) {
  EndpointAfter after = FoldEndpointOutcomes(
      {3, false}, {Attempt(Verdict::kRetry), Attempt(Verdict::kDelivered)}, RetrySchedule{});
  EXPECT_EQ(after.released, 2);
  EXPECT_TRUE(after.succeeded);
  EXPECT_FALSE(after.failing);
  EXPECT_EQ(after.consecutive_failures, 0);
  EXPECT_EQ(after.disable, "");
}

TEST(EndpointOutcomes, FailuresAddUpAndTheLastRetryAfterSetsTheRest) {
  EndpointAfter after = FoldEndpointOutcomes(
      {2, false}, {Attempt(Verdict::kRetry), Attempt(Verdict::kRetry, absl::Seconds(90))},
      RetrySchedule{});
  EXPECT_TRUE(after.failing);
  EXPECT_FALSE(after.failing_restarted) << "still failing since before";
  EXPECT_EQ(after.consecutive_failures, 4);
  EXPECT_EQ(after.rest, absl::Seconds(90));
}

TEST(EndpointOutcomes, AFailureAfterASuccessFailsSinceNow) {
  EndpointAfter after = FoldEndpointOutcomes(
      {5, true}, {Attempt(Verdict::kDelivered), Attempt(Verdict::kRetry)}, RetrySchedule{});
  EXPECT_TRUE(after.succeeded);
  EXPECT_TRUE(after.failing);
  EXPECT_TRUE(after.failing_restarted);
  EXPECT_EQ(after.consecutive_failures, 1);
  EXPECT_EQ(after.rest, absl::Seconds(5));
  EXPECT_EQ(after.disable, "") << "the success restarted the five days";
}

TEST(EndpointOutcomes, GoneAndFiveDaysFailingDisable) {
  EXPECT_EQ(FoldEndpointOutcomes({0, false}, {Attempt(Verdict::kGone)}, {}).disable, "gone");
  EXPECT_EQ(FoldEndpointOutcomes({0, true}, {Attempt(Verdict::kGone)}, {}).disable, "gone");
  EXPECT_EQ(FoldEndpointOutcomes({9, true}, {Attempt(Verdict::kRetry)}, {}).disable, "failing");
  EXPECT_EQ(FoldEndpointOutcomes({9, false}, {Attempt(Verdict::kRetry)}, {}).disable, "");
}

TEST(EndpointOutcomes, UntriedMessagesOnlyReleaseTheirPlaces) {
  EndpointAfter after = FoldEndpointOutcomes({4, true}, {Untried(), Untried()}, {});
  EXPECT_EQ(after.released, 2);
  EXPECT_FALSE(after.succeeded);
  EXPECT_FALSE(after.failing);
  EXPECT_EQ(after.consecutive_failures, 4) << "unchanged";
  EXPECT_EQ(after.disable, "") << "an untried message proves nothing";
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
