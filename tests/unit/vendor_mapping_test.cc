// Vendor payloads (the seed examples, as fixtures) to call contributions, and the merge that
// makes one AI event per call whatever the delivery order.
#include "services/ingest/webhooks/vendor_mapping.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/text/text.h"
#include "services/ingest/webhooks/call_merger.h"
#include "tests/support/fixtures.h"

namespace aievents::ingest {
namespace {

using testing::ReadFixture;

CallContribution Contribution(v1::WebhookVendor vendor, const std::string& fixture,
                              absl::Time received, const std::string& delivery_id) {
  std::string raw = ReadFixture(fixture);
  nlohmann::json body = nlohmann::json::parse(raw);
  auto identity = IdentifyDelivery(vendor, body, {}, raw);
  EXPECT_TRUE(identity.ok()) << fixture << ": " << identity.status();
  auto mapped = MapDelivery(vendor, body, *identity, delivery_id, received);
  EXPECT_TRUE(mapped.ok()) << fixture << ": " << mapped.status();
  EXPECT_EQ(mapped->kind, MappedDelivery::Kind::kCall) << fixture;
  return mapped->call;
}

// Everything the event shows except the list of delivery ids in the payload.
std::string Comparable(const ValidatedEvent& event) {
  nlohmann::json payload = nlohmann::json::parse(event.raw_payload);
  payload.erase("deliveries");
  return absl::StrCat(event.lookup.DebugString(), "|", event.event_type, "|", event.source, "|",
                      event.summary, "|", payload.dump(), "|", event.confidence.value_or(-1), "|",
                      event.source_eid.value_or(""), "|", *event.idempotency_key, "|",
                      absl::FormatTime(event.occurred_at));
}

TEST(AgntixMapping, SessionEndedCarriesTheAnalysis) {
  CallContribution call =
      Contribution(v1::WEBHOOK_VENDOR_AGNTIX, "agntix/session_ended.json", absl::Now(), "d1");
  EXPECT_EQ(call.call_id, "4981804c-2658-4893-84ff-9c2fa90fb3c2");
  EXPECT_EQ(call.rank, 2);
  EXPECT_EQ(call.customer_phone, "+971501234567");
  EXPECT_EQ(call.first_name, "Alex");
  EXPECT_EQ(call.last_name, "Morgan");
  EXPECT_FALSE(call.customer_id.has_value()) << "CRM-7728 is not one of our ids";
  EXPECT_EQ(call.summary, "Customer confirmed delivery slot for Wednesday afternoon.");
  EXPECT_EQ(call.sentiment, "POSITIVE");
  EXPECT_EQ(call.recording_url, "https://example.invalid/recordings/4981804c.wav");
  EXPECT_DOUBLE_EQ(*call.confidence, 0.92);
  EXPECT_NEAR(*call.duration_seconds, 9.416, 0.001);
  EXPECT_EQ((*call.analysis)["intent"], "Slot-Confirmed");
}

TEST(AgntixMapping, IdentityPrefersTheSvixMessageId) {
  nlohmann::json body = nlohmann::json::parse(ReadFixture("agntix/session_ended.json"));
  EXPECT_EQ(IdentifyAgntix(body, {{"svix-id", "msg_1"}})->message_id, "msg_1");
  EXPECT_EQ(IdentifyAgntix(body, {})->message_id,
            "4981804c-2658-4893-84ff-9c2fa90fb3c2:session.ended");
  body.erase("eventType");
  EXPECT_FALSE(IdentifyAgntix(body, {}).ok());
}

TEST(AgntixMapping, UnknownEventTypesAreIgnored) {
  nlohmann::json body = nlohmann::json::parse(ReadFixture("agntix/session_ended.json"));
  body["eventType"] = "message.added";
  auto identity = IdentifyAgntix(body, {});
  auto mapped = MapAgntix(body, *identity);
  ASSERT_TRUE(mapped.ok());
  EXPECT_EQ(mapped->kind, MappedDelivery::Kind::kIgnored);
}

TEST(WhippyMapping, TheSeedsCallStartedIsNotJson) {
  EXPECT_TRUE(nlohmann::json::parse(ReadFixture("whippy/call_started.json"), nullptr, false)
                  .is_discarded());
}

TEST(WhippyMapping, AnalyzedCallHasSummaryTranscriptAndRecording) {
  CallContribution call =
      Contribution(v1::WEBHOOK_VENDOR_WHIPPY, "whippy/call_analyzed.json", absl::Now(), "d1");
  EXPECT_EQ(call.call_id, "d649233e-9127-4ae3-b90e-09611ed94868");
  EXPECT_EQ(call.rank, 3);
  EXPECT_EQ(call.direction, "inbound");
  EXPECT_EQ(call.customer_phone, "+13232139334") << "inbound: the caller is the customer";
  EXPECT_EQ(call.last_name, "Hessel");
  EXPECT_EQ(call.sentiment, "Positive");
  EXPECT_NE(call.summary->find("Jack"), std::string::npos);
  EXPECT_NE(call.transcript->find("Global Technical Recruiters"), std::string::npos);
  EXPECT_NE(call.recording_url->find("recording.wav"), std::string::npos);
  EXPECT_NEAR(*call.duration_seconds, 15.848, 0.001);
}

TEST(CallMerger, WhippySameEventWhateverTheOrder) {
  std::vector<std::string> fixtures = {"whippy/call_started_corrected.json",
                                       "whippy/call_ended.json", "whippy/call_analyzed.json"};
  std::sort(fixtures.begin(), fixtures.end());
  std::string expected;
  int orders = 0;
  do {
    std::vector<CallContribution> contributions;
    absl::Time received = absl::FromUnixSeconds(1730379300);
    for (const std::string& fixture : fixtures) {
      received += absl::Seconds(1);
      contributions.push_back(Contribution(v1::WEBHOOK_VENDOR_WHIPPY, fixture, received,
                                           "d" + std::to_string(contributions.size())));
    }
    ValidatedEvent event =
        BuildCallEvent(v1::WEBHOOK_VENDOR_WHIPPY, MergeContributions(contributions));
    if (expected.empty()) {
      expected = Comparable(event);
      EXPECT_NE(event.summary.find("Jack"), std::string::npos) << "call.analyzed's summary wins";
      EXPECT_EQ(*event.idempotency_key, "webhook:whippy:d649233e-9127-4ae3-b90e-09611ed94868");
      EXPECT_EQ(absl::FormatTime("%Y-%m-%dT%H:%M:%S", event.occurred_at, absl::UTCTimeZone()),
                "2024-10-31T12:54:40");
    }
    EXPECT_EQ(Comparable(event), expected);
    ++orders;
  } while (std::next_permutation(fixtures.begin(), fixtures.end()));
  EXPECT_EQ(orders, 6);
}

TEST(CallMerger, LateStartDoesNotEraseRicherData) {
  absl::Time t = absl::Now();
  std::vector<CallContribution> late_start = {
      Contribution(v1::WEBHOOK_VENDOR_AGNTIX, "agntix/session_ended.json", t, "a"),
      Contribution(v1::WEBHOOK_VENDOR_AGNTIX, "agntix/session_created.json", t + absl::Seconds(5),
                   "b")};
  ValidatedEvent event = BuildCallEvent(v1::WEBHOOK_VENDOR_AGNTIX, MergeContributions(late_start));
  EXPECT_EQ(event.summary, "Customer confirmed delivery slot for Wednesday afternoon.");
  EXPECT_DOUBLE_EQ(*event.confidence, 0.92);
}

TEST(CallMerger, FallbackSummaryAndInProgress) {
  absl::Time t = absl::Now();
  ValidatedEvent started = BuildCallEvent(
      v1::WEBHOOK_VENDOR_AGNTIX,
      MergeContributions(
          {Contribution(v1::WEBHOOK_VENDOR_AGNTIX, "agntix/session_created.json", t, "a")}));
  EXPECT_EQ(started.summary, "Outbound AI call (in progress)");
  CallContribution ended =
      Contribution(v1::WEBHOOK_VENDOR_AGNTIX, "agntix/session_ended.json", t, "b");
  ended.summary.reset();
  ended.duration_seconds = 192;
  ValidatedEvent done = BuildCallEvent(v1::WEBHOOK_VENDOR_AGNTIX, MergeContributions({ended}));
  EXPECT_EQ(done.summary, "Outbound AI call, 3 min 12 s");
}

TEST(CallMerger, SummaryAndPayloadStayWithinLimits) {
  CallContribution call =
      Contribution(v1::WEBHOOK_VENDOR_WHIPPY, "whippy/call_analyzed.json", absl::Now(), "d");
  std::string long_text;
  for (int i = 0; i < 3000; ++i) long_text += "Grüße \"quoted\" ";  // escapes and 2-byte chars
  call.summary = long_text;
  call.transcript = long_text;
  ValidatedEvent event = BuildCallEvent(v1::WEBHOOK_VENDOR_WHIPPY, MergeContributions({call}));
  EXPECT_EQ(Utf8Length(event.summary), 500u);
  EXPECT_EQ(event.summary.substr(event.summary.size() - 3), "\xE2\x80\xA6");
  EXPECT_LE(Utf8Length(event.raw_payload), 5000u);
  nlohmann::json payload = nlohmann::json::parse(event.raw_payload);  // never broken JSON
  EXPECT_TRUE(payload["transcript_truncated"].get<bool>());
  EXPECT_EQ(payload["call_id"], "d649233e-9127-4ae3-b90e-09611ed94868");
}

TEST(CallMerger, DurationFormat) {
  EXPECT_EQ(FormatDuration(45), "45 s");
  EXPECT_EQ(FormatDuration(192), "3 min 12 s");
  EXPECT_EQ(FormatDuration(3720), "1 h 2 min");
}

TEST(SipgateMapping, TurnsSmsFailedAndPhonesWithoutPlus) {
  std::string raw = ReadFixture("sipgate/sms_failed.json");
  nlohmann::json body = nlohmann::json::parse(raw);
  auto identity = IdentifySipgate(body, raw);
  ASSERT_TRUE(identity.ok());
  EXPECT_EQ(identity->message_id.rfind("sha256:", 0), 0u);
  auto mapped = MapSipgate(body, *identity, absl::Now());
  ASSERT_TRUE(mapped.ok());
  ASSERT_EQ(mapped->kind, MappedDelivery::Kind::kStandalone);
  EXPECT_EQ(mapped->standalone.customer_lookup().phone(), "4915112345678");
  EXPECT_EQ(mapped->standalone.ai_event().event_type(), v1::EVENT_TYPE_SMS);
  CallContribution turn =
      Contribution(v1::WEBHOOK_VENDOR_SIPGATE, "sipgate/user_speak.json", absl::Now(), "t");
  EXPECT_EQ(turn.turn, "User: Hi, I would like to move my appointment.");
  EXPECT_EQ(turn.customer_phone, "9876543210") << "inbound: from_phone_number";
}

}  // namespace
}  // namespace aievents::ingest
