// PgDeliveryStore on the real database: a call's event is committed only when the call's
// deliveries are still those it was merged from, and then together with the delivery's mark.
// WebhookProcessor's retry on ABORTED is unit-tested (tests/unit/webhook_processor_test.cc);
// this proves the check it relies on.
#include "services/ingest/webhooks/pg_delivery_store.h"

#include <gtest/gtest.h>

#include "common/text/ids.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

using ingest::NewDelivery;

class PgDeliveryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<PgStatement> statements = ingest::PgEventStore::Statements();
    for (const PgStatement& s : ingest::PgWebhookStore::Statements()) statements.push_back(s);
    auto pool = PgPool::Create(
        {suite_.service_database_url(ServiceRole::kIngest), 2, std::move(statements)});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    PgPipelinePool::Options pipeline;
    pipeline.database_url = suite_.service_database_url(ServiceRole::kIngest);
    pipeline.size = 1;
    pipeline.statements = ingest::PgEventStore::Statements();
    auto pipeline_pool = PgPipelinePool::Create(std::move(pipeline));
    ASSERT_TRUE(pipeline_pool.ok()) << pipeline_pool.status();
    pipeline_ = *std::move(pipeline_pool);
    events_ = std::make_unique<ingest::PgEventStore>(pipeline_.get());
    webhooks_ = std::make_unique<ingest::PgWebhookStore>(pool_.get());
    store_ = std::make_unique<ingest::PgDeliveryStore>(pool_.get(), webhooks_.get(), events_.get());
    tenant_ = suite_.NewTenant().id;
    RequestContext actor;
    actor.tenant_id = tenant_;
    actor.key_prefix = "test";
    auto source = webhooks_->CreateSource(actor, NewUuidV7(), v1::WEBHOOK_VENDOR_WHIPPY, "test",
                                          "hash-" + NewUuidV7(), "prefix", std::nullopt);
    ASSERT_TRUE(source.ok()) << source.status();
    source_id_ = source->id();
  }

  std::string AddDelivery(const std::string& message_id) {
    NewDelivery delivery;
    delivery.id = NewUuidV7();
    delivery.source_id = source_id_;
    delivery.vendor = v1::WEBHOOK_VENDOR_WHIPPY;
    delivery.message_id = message_id;
    delivery.event_type = "call.ended";
    delivery.call_key = kCallKey;
    delivery.body = R"({"event": "call.ended", "data": {"id": "call-1"}})";
    delivery.status = v1::DELIVERY_STATUS_PENDING;
    auto inserted = webhooks_->InsertDelivery(tenant_, delivery);
    EXPECT_TRUE(inserted.ok()) << inserted.status();
    return delivery.id;
  }

  std::vector<std::string> SnapshotIds() {
    auto deliveries = store_->CallDeliveries(tenant_, kCallKey);
    EXPECT_TRUE(deliveries.ok()) << deliveries.status();
    std::vector<std::string> ids;
    for (const auto& d : deliveries.value_or(std::vector<ingest::StoredDelivery>{})) {
      ids.push_back(d.id);
    }
    return ids;
  }

  int EventRows() {
    pqxx::connection conn(suite_.database_url());
    pqxx::work txn(conn);
    return txn
        .exec_params1(
            "SELECT count(*) FROM ai_events WHERE tenant_id = $1 AND idempotency_key = $2", tenant_,
            kCallKey)[0]
        .as<int>();
  }

  static constexpr char kCallKey[] = "webhook:whippy:call-1";
  Suite& suite_ = SharedSuite();
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<PgPipelinePool> pipeline_;
  std::unique_ptr<ingest::PgEventStore> events_;
  std::unique_ptr<ingest::PgWebhookStore> webhooks_;
  std::unique_ptr<ingest::PgDeliveryStore> store_;
  std::string tenant_, source_id_;
};

ValidatedEvent CallEvent() {
  ValidatedEvent event;
  event.lookup.set_phone("+13232139334");
  event.event_type = v1::EVENT_TYPE_PHONE_CALL;
  event.source = "whippy";
  event.summary = "Inbound AI call, 19 s";
  event.raw_payload = "{}";
  event.source_eid = "call-1";
  event.idempotency_key = "webhook:whippy:call-1";
  event.occurred_at = absl::FromUnixSeconds(1730379280);
  return event;
}

TEST_F(PgDeliveryStoreTest, AStaleMergeIsRefusedAndACurrentOneCommitsWithTheMark) {
  std::string first = AddDelivery("m1");
  std::vector<std::string> stale = SnapshotIds();
  ASSERT_EQ(stale, std::vector<std::string>{first});
  std::string second = AddDelivery("m2");  // lands while the first merge is being matched

  ValidatedEvent event = CallEvent();
  v1::MatchCustomerResponse no_match;
  no_match.set_match_method(v1::MATCH_METHOD_NONE);
  ingest::NewEvent row{NewUuidV7(), kCallKey, &event, &no_match};
  auto refused = store_->CommitCallEvent(tenant_, kCallKey, first, stale, row);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted) << refused.status();
  EXPECT_EQ(EventRows(), 0) << "nothing of the stale merge was stored";
  auto pending = store_->GetDelivery(tenant_, first);
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->status, v1::DELIVERY_STATUS_PENDING);

  std::vector<std::string> current = SnapshotIds();
  EXPECT_EQ(current, (std::vector<std::string>{first, second}));
  auto stored = store_->CommitCallEvent(tenant_, kCallKey, first, current, row);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(EventRows(), 1);
  auto processed = store_->GetDelivery(tenant_, first);
  ASSERT_TRUE(processed.ok() && processed->has_value());
  EXPECT_EQ((*processed)->status, v1::DELIVERY_STATUS_PROCESSED) << "marked in the same commit";
}

TEST_F(PgDeliveryStoreTest, AnotherTenantSeesNoneOfTheCall) {
  AddDelivery("m1");
  std::string other = suite_.NewTenant().id;
  auto deliveries = store_->CallDeliveries(other, kCallKey);
  ASSERT_TRUE(deliveries.ok()) << deliveries.status();
  EXPECT_TRUE(deliveries->empty());
}

}  // namespace
}  // namespace aievents::testing
