// WebhookProcessor over an in-memory inbox (tests/unit/fakes/fake_delivery_store.h), matching
// (fake_matching_client.h) and group commit (fake_event_commit.h): one event per call whatever
// the order, a delivery landing while the call is being matched, tolerant matching, and the
// outcomes recorded on each delivery. The end-to-end tests run the same flows on PostgreSQL.
#include "services/ingest/webhooks/webhook_processor.h"

#include <gtest/gtest.h>

#include "services/ingest/webhooks/vendor_mapping.h"
#include "tests/support/fixtures.h"
#include "tests/unit/fakes/fake_delivery_store.h"
#include "tests/unit/fakes/fake_event_commit.h"
#include "tests/unit/fakes/fake_matching_client.h"

namespace aievents::testing {
namespace {

using ingest::StoredDelivery;

constexpr char kTenant[] = "tenant-a";
constexpr char kCallKey[] = "webhook:whippy:d649233e-9127-4ae3-b90e-09611ed94868";
constexpr char kCaller[] = "+13232139334";  // the seed call's customer (inbound, "from")

// A delivery as the receiver stores it: identity and call key read from the body.
StoredDelivery Delivery(v1::WebhookVendor vendor, const std::string& id, const std::string& body,
                        int received_second) {
  StoredDelivery delivery;
  delivery.id = id;
  delivery.source_id = "source-1";
  delivery.vendor = vendor;
  delivery.body = body;
  delivery.status = v1::DELIVERY_STATUS_PENDING;
  delivery.received_at = absl::FromUnixSeconds(1730379300 + received_second);
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  auto identity = ingest::IdentifyDelivery(vendor, json, {}, body);
  if (identity.ok()) {
    delivery.message_id = identity->message_id;
    delivery.event_type = identity->event_type;
    auto mapped = ingest::MapDelivery(vendor, json, *identity, id, delivery.received_at);
    if (mapped.ok() && mapped->kind == ingest::MappedDelivery::Kind::kCall) {
      delivery.call_key = ingest::CallKey(vendor, mapped->call.call_id);
    }
  } else {
    delivery.message_id = id;
  }
  return delivery;
}

StoredDelivery Whippy(const std::string& id, const std::string& fixture, int received_second) {
  return Delivery(v1::WEBHOOK_VENDOR_WHIPPY, id, ReadFixture("whippy/" + fixture), received_second);
}

class WebhookProcessorTest : public ::testing::Test {
 protected:
  WebhookProcessorTest()
      : batcher_({},
                 [this](std::vector<ingest::PendingEvent> batch, std::function<void()> committed) {
                   commit_.Commit(std::move(batch), std::move(committed));
                 }),
        processor_(&store_, &batcher_, &matching_, "internal-token") {
    matching_.AddCustomerByPhone(kCaller, "customer-jack");
  }

  ingest::ProcessOutcome ProcessOk(const std::string& delivery_id) {
    absl::StatusOr<ingest::ProcessOutcome> outcome = processor_.Process(kTenant, delivery_id);
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return outcome.value_or(ingest::ProcessOutcome{});
  }

  FakeDeliveryStore store_;
  FakeMatchingClient matching_;
  FakeEventCommit commit_;
  ingest::EventBatcher batcher_;
  ingest::WebhookProcessor processor_;
};

TEST_F(WebhookProcessorTest, ACallsDeliveriesMakeOneMatchedEvent) {
  store_.Add(kTenant, Whippy("d-analyzed", "call_analyzed.json", 1));  // arrives first
  store_.Add(kTenant, Whippy("d-started", "call_started_corrected.json", 2));
  store_.Add(kTenant, Whippy("d-ended", "call_ended.json", 3));
  std::set<std::string> event_ids;
  for (const char* id : {"d-analyzed", "d-started", "d-ended"}) {
    ingest::ProcessOutcome outcome = ProcessOk(id);
    EXPECT_EQ(outcome.status, v1::DELIVERY_STATUS_PROCESSED) << id;
    ASSERT_TRUE(outcome.event_id.has_value()) << id;
    event_ids.insert(*outcome.event_id);
    EXPECT_EQ(store_.Get(id).delivery.status, v1::DELIVERY_STATUS_PROCESSED) << id;
    EXPECT_EQ(store_.Get(id).event_id, outcome.event_id) << id;
  }
  EXPECT_EQ(event_ids.size(), 1u) << "one event per call";
  std::optional<v1::AiEvent> event = store_.Event(kTenant, kCallKey);
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->customer_id(), "customer-jack");
  EXPECT_EQ(event->match_method(), v1::MATCH_METHOD_PHONE);
  EXPECT_NE(event->summary().find("Jack"), std::string::npos)
      << "call.analyzed's summary, though it arrived before the start: " << event->summary();
}

TEST_F(WebhookProcessorTest, ProcessingAgainChangesNothing) {
  store_.Add(kTenant, Whippy("d-started", "call_started_corrected.json", 1));
  store_.Add(kTenant, Whippy("d-analyzed", "call_analyzed.json", 2));
  ProcessOk("d-started");
  ingest::ProcessOutcome first = ProcessOk("d-analyzed");
  v1::AiEvent before = *store_.Event(kTenant, kCallKey);
  ingest::ProcessOutcome again = ProcessOk("d-analyzed");
  EXPECT_EQ(again.event_id, first.event_id);
  EXPECT_EQ(store_.Event(kTenant, kCallKey)->SerializeAsString(), before.SerializeAsString());
}

TEST_F(WebhookProcessorTest, ADeliveryLandingWhileTheCallIsMatchedIsMergedBeforeTheCommit) {
  store_.Add(kTenant, Whippy("d-started", "call_started_corrected.json", 1));
  bool landed = false;
  store_.BeforeCommit([&] {
    if (landed) return;
    landed = true;  // the analysis arrives after the snapshot, before the commit
    store_.Add(kTenant, Whippy("d-analyzed", "call_analyzed.json", 2));
  });
  ingest::ProcessOutcome outcome = ProcessOk("d-started");
  EXPECT_EQ(outcome.status, v1::DELIVERY_STATUS_PROCESSED);
  EXPECT_EQ(store_.call_commits(), 1) << "the stale merge was not stored";
  EXPECT_EQ(matching_.calls(), 2) << "merged and matched again";
  EXPECT_NE(store_.Event(kTenant, kCallKey)->summary().find("Jack"), std::string::npos)
      << "the event holds the delivery that landed meanwhile";
}

TEST_F(WebhookProcessorTest, ACallThatKeepsChangingLeavesTheDeliveryPending) {
  store_.Add(kTenant, Whippy("d-started", "call_started_corrected.json", 1));
  int landed = 0;
  store_.BeforeCommit([&] {
    ++landed;
    store_.Add(kTenant, Whippy("d-late-" + std::to_string(landed), "call_ended.json", 1 + landed));
  });
  absl::StatusOr<ingest::ProcessOutcome> outcome = processor_.Process(kTenant, "d-started");
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kAborted) << outcome.status();
  EXPECT_EQ(store_.call_commits(), 0);
  StoredDelivery delivery = store_.Get("d-started").delivery;
  EXPECT_EQ(delivery.status, v1::DELIVERY_STATUS_PENDING) << "left for the inbox worker";
  EXPECT_EQ(store_.Get("d-started").marks, 0);
}

TEST_F(WebhookProcessorTest, APhoneMatchingRefusesIsDroppedAndTheEventStillStored) {
  matching_.RefusePhone(kCaller);
  store_.Add(kTenant, Whippy("d-analyzed", "call_analyzed.json", 1));
  ingest::ProcessOutcome outcome = ProcessOk("d-analyzed");
  EXPECT_EQ(outcome.status, v1::DELIVERY_STATUS_PROCESSED);
  std::optional<v1::AiEvent> event = store_.Event(kTenant, kCallKey);
  ASSERT_TRUE(event.has_value());
  EXPECT_FALSE(event->has_customer_id()) << "stored unmatched rather than lost";
}

TEST_F(WebhookProcessorTest, MatchingDownLeavesTheDeliveryPendingAndStoresNothing) {
  matching_.SetDown(true);
  store_.Add(kTenant, Whippy("d-ended", "call_ended.json", 1));
  absl::StatusOr<ingest::ProcessOutcome> outcome = processor_.Process(kTenant, "d-ended");
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.Get("d-ended").delivery.status, v1::DELIVERY_STATUS_PENDING)
      << "left for the inbox worker, not failed";
  EXPECT_FALSE(store_.Event(kTenant, kCallKey).has_value());
  matching_.SetDown(false);
  EXPECT_EQ(ProcessOk("d-ended").status, v1::DELIVERY_STATUS_PROCESSED) << "the retry works";
}

TEST_F(WebhookProcessorTest, UnusedEventTypesAreMarkedIgnored) {
  store_.Add(kTenant, Delivery(v1::WEBHOOK_VENDOR_WHIPPY, "d-sms",
                               R"({"event": "message.created", "data": {"id": "m1"}})", 1));
  ingest::ProcessOutcome outcome = ProcessOk("d-sms");
  EXPECT_EQ(outcome.status, v1::DELIVERY_STATUS_IGNORED);
  EXPECT_NE(outcome.error.find("message.created"), std::string::npos) << outcome.error;
  EXPECT_EQ(store_.Get("d-sms").delivery.status, v1::DELIVERY_STATUS_IGNORED);
  EXPECT_EQ(matching_.calls(), 0);
}

TEST_F(WebhookProcessorTest, AnUnmappableBodyFailsWithTheReason) {
  // The receiver rejects such bodies; one stored by an older version is failed, not lost.
  StoredDelivery odd = Delivery(v1::WEBHOOK_VENDOR_WHIPPY, "d-bad", "[1, 2]", 1);
  odd.event_type = "call.ended";
  store_.Add(kTenant, odd);
  ingest::ProcessOutcome outcome = ProcessOk("d-bad");
  EXPECT_EQ(outcome.status, v1::DELIVERY_STATUS_FAILED);
  EXPECT_EQ(store_.Get("d-bad").delivery.status, v1::DELIVERY_STATUS_FAILED);
  EXPECT_NE(store_.Get("d-bad").error.find("not a JSON object"), std::string::npos)
      << store_.Get("d-bad").error;
}

TEST_F(WebhookProcessorTest, AStandaloneVendorEventGoesThroughGroupCommitOnce) {
  store_.Add(kTenant, Delivery(v1::WEBHOOK_VENDOR_SIPGATE, "d-sms",
                               ReadFixture("sipgate/sms_failed.json"), 1));
  ingest::ProcessOutcome first = ProcessOk("d-sms");
  EXPECT_EQ(first.status, v1::DELIVERY_STATUS_PROCESSED);
  ASSERT_TRUE(first.event_id.has_value());
  EXPECT_EQ(commit_.rows(), 1u);
  ingest::ProcessOutcome again = ProcessOk("d-sms");
  EXPECT_EQ(again.event_id, first.event_id) << "the delivery's key makes a repeat a replay";
  EXPECT_EQ(commit_.rows(), 1u);
}

TEST_F(WebhookProcessorTest, AnotherTenantsDeliveryIsNotFound) {
  store_.Add("tenant-b", Whippy("d-ended", "call_ended.json", 1));
  absl::StatusOr<ingest::ProcessOutcome> outcome = processor_.Process(kTenant, "d-ended");
  EXPECT_EQ(outcome.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_.Get("d-ended").delivery.status, v1::DELIVERY_STATUS_PENDING);
}

}  // namespace
}  // namespace aievents::testing
