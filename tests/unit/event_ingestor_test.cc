// EventIngestor and group commit's queue (EventBatcher) with an in-memory commit
// (tests/unit/fakes/fake_event_commit.h): validation before anything is queued, the client's or
// the derived idempotency key, replays, batches forming while a commit is out, and shedding.
#include "services/ingest/event_ingestor.h"

#include <gtest/gtest.h>

#include <future>

#include "common/rpc/grpc_status.h"
#include "tests/unit/fakes/fake_event_commit.h"

namespace aievents::testing {
namespace {

using Result = absl::StatusOr<v1::CreateEventResponse>;

v1::CreateEventRequest Request(const std::string& summary, const std::string& key = "") {
  v1::CreateEventRequest request;
  request.mutable_customer_lookup()->set_email("ann@example.com");
  v1::AiEventInput* event = request.mutable_ai_event();
  event->set_event_type(v1::EVENT_TYPE_PHONE_CALL);
  event->set_source("retell");
  event->set_summary(summary);
  event->set_raw_payload("{}");
  event->set_occurred_at("2026-03-10T14:30:00Z");
  if (!key.empty()) event->set_idempotency_key(key);
  return request;
}

class EventIngestorTest : public ::testing::Test {
 protected:
  explicit EventIngestorTest(ingest::EventBatcher::Options options = {})
      : batcher_(options,
                 [this](std::vector<ingest::PendingEvent> batch, std::function<void()> committed) {
                   commit_.Commit(std::move(batch), std::move(committed));
                 }),
        ingestor_(&batcher_) {
    caller_.tenant_id = "tenant-a";
  }

  // Starts Create and returns its future answer.
  std::future<Result> Start(const v1::CreateEventRequest& request) {
    auto answer = std::make_shared<std::promise<Result>>();
    std::future<Result> result = answer->get_future();
    ingestor_.Create(caller_, request, [answer](Result r) { answer->set_value(std::move(r)); });
    return result;
  }
  Result CreateNow(const v1::CreateEventRequest& request) { return Start(request).get(); }

  FakeEventCommit commit_;
  ingest::EventBatcher batcher_;
  ingest::EventIngestor ingestor_;
  RequestContext caller_;
};

TEST_F(EventIngestorTest, InvalidInputIsRefusedBeforeAnythingIsQueued) {
  v1::CreateEventRequest bad = Request("");
  bad.mutable_ai_event()->set_occurred_at("yesterday");
  bad.mutable_customer_lookup()->set_email("not an email");
  std::future<Result> answer = Start(bad);
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(0)), std::future_status::ready)
      << "answered at once, without a commit";
  Result result = answer.get();
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> fields;
  for (const FieldViolation& v : GetFieldViolations(result.status())) fields.push_back(v.field);
  EXPECT_EQ(fields.size(), 3u) << "every violation at once";
  EXPECT_TRUE(commit_.batch_sizes().empty());
}

TEST_F(EventIngestorTest, TheClientsKeyOrTheContentsKeyMakesRepeatsReplays) {
  Result first = CreateNow(Request("Called about order 789", "client-key-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_FALSE(first->replayed());
  EXPECT_EQ(first->event().idempotency_key(), "client-key-1");
  Result again = CreateNow(Request("Different text, same key", "client-key-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->event().id(), first->event().id());

  Result derived = CreateNow(Request("No key sent"));
  ASSERT_TRUE(derived.ok());
  EXPECT_EQ(derived->event().idempotency_key().rfind("auto-", 0), 0u);
  EXPECT_TRUE(CreateNow(Request("No key sent"))->replayed()) << "same content, same key";
  EXPECT_FALSE(CreateNow(Request("No key sent, other text"))->replayed());
  EXPECT_EQ(commit_.rows(), 3u);

  caller_.tenant_id = "tenant-b";
  EXPECT_FALSE(CreateNow(Request("Called about order 789", "client-key-1"))->replayed())
      << "keys are per tenant";
}

TEST_F(EventIngestorTest, EventsArrivingDuringACommitLeaveTogether) {
  commit_.Hold();
  std::future<Result> lone = Start(Request("first", "k0"));
  commit_.WaitForBatches(1);  // a lone event leaves at once
  std::vector<std::future<Result>> waiting;
  for (int i = 1; i <= 5; ++i) {
    waiting.push_back(Start(Request("next", "k" + std::to_string(i))));
  }
  EXPECT_EQ(batcher_.queued(), 5);
  commit_.Release();
  EXPECT_TRUE(lone.get().ok());
  for (auto& answer : waiting) EXPECT_TRUE(answer.get().ok());
  EXPECT_EQ(commit_.batch_sizes(), (std::vector<int>{1, 5}));
}

class SheddingTest : public EventIngestorTest {
 protected:
  static ingest::EventBatcher::Options Small() {
    ingest::EventBatcher::Options options;
    options.max_queued_events = 2;
    return options;
  }
  SheddingTest() : EventIngestorTest(Small()) {}
};

TEST_F(SheddingTest, AFullQueueRefusesAtOnceAndRecovers) {
  commit_.Hold();
  std::future<Result> committing = Start(Request("committing", "k0"));
  commit_.WaitForBatches(1);
  std::future<Result> queued_1 = Start(Request("queued", "k1"));
  std::future<Result> queued_2 = Start(Request("queued", "k2"));
  std::future<Result> refused = Start(Request("refused", "k3"));
  ASSERT_EQ(refused.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(refused.get().status().code(), absl::StatusCode::kUnavailable);
  commit_.Release();
  EXPECT_TRUE(committing.get().ok());
  EXPECT_TRUE(queued_1.get().ok());
  EXPECT_TRUE(queued_2.get().ok());
  EXPECT_TRUE(CreateNow(Request("after", "k3")).ok()) << "the retry is served";
  EXPECT_EQ(commit_.rows(), 4u);
}

}  // namespace
}  // namespace aievents::testing
