// The inbox worker's claim: a claimed delivery is leased, so another replica's worker skips it;
// a delivery whose dependency stayed away is due again only after its backoff, and is
// dead-lettered (failed, with the reason) after the last attempt. Against the real database,
// as the service role.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "common/text/ids.h"
#include "services/ingest/webhooks/pg_webhook_store.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

class InboxClaimTest : public ::testing::Test {
 protected:
  void SetUp() override {
    PgPool::Options options;
    options.database_url = suite_.service_database_url(ServiceRole::kIngest);
    options.size = 2;
    options.statements = ingest::PgWebhookStore::Statements();
    auto pool = PgPool::Create(std::move(options));
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
    webhooks_ = std::make_unique<ingest::PgWebhookStore>(pool_.get());
    tenant_ = suite_.NewTenant();
    HttpResult source = suite_.Post(tenant_.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
    source_id_ = source.Json()["source"]["id"];
  }

  std::string AddPending() {
    ingest::NewDelivery delivery;
    delivery.id = NewUuidV7();
    delivery.source_id = source_id_;
    delivery.vendor = v1::WEBHOOK_VENDOR_WHIPPY;
    delivery.message_id = delivery.id;
    delivery.event_type = "call.ended";
    delivery.body = R"({"event": "call.ended", "data": {"id": "claim"}})";
    delivery.status = v1::DELIVERY_STATUS_PENDING;
    auto inserted = webhooks_->InsertDelivery(tenant_.id, delivery);
    EXPECT_TRUE(inserted.ok()) << inserted.status();
    return delivery.id;
  }

  // This test's deliveries among those a claim returned (other tenants' may be pending too).
  std::set<std::string> ClaimMine(absl::Duration lease = absl::Minutes(1)) {
    auto claimed = webhooks_->Claim(absl::ZeroDuration(), 1000, lease);
    EXPECT_TRUE(claimed.ok()) << claimed.status();
    std::set<std::string> mine;
    for (const auto& delivery : *claimed) {
      if (delivery.tenant_id == tenant_.id) mine.insert(delivery.id);
    }
    return mine;
  }

  Suite& suite_ = SharedSuite();
  std::unique_ptr<PgPool> pool_;
  std::unique_ptr<ingest::PgWebhookStore> webhooks_;
  Suite::Tenant tenant_;
  std::string source_id_;
};

TEST_F(InboxClaimTest, AClaimedDeliveryIsSkippedByOtherWorkersUntilItsLeaseEnds) {
  std::string first = AddPending();
  std::string second = AddPending();
  EXPECT_EQ(ClaimMine(absl::Seconds(1)), (std::set<std::string>{first, second}));
  EXPECT_TRUE(ClaimMine().empty()) << "leased: another replica's worker skips them";
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  EXPECT_EQ(ClaimMine(), (std::set<std::string>{first, second})) << "a lapsed lease frees them";
}

TEST_F(InboxClaimTest, DeferredDeliveriesBackOffAndAreDeadLetteredAtTheLastAttempt) {
  std::string id = AddPending();
  ASSERT_EQ(ClaimMine(), (std::set<std::string>{id}));
  auto status = webhooks_->RecordDeferral(tenant_.id, id, "matching unreachable", 3);
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(*status, v1::DELIVERY_STATUS_PENDING);
  EXPECT_TRUE(ClaimMine().empty()) << "due only after its backoff (2 s)";
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  ASSERT_EQ(ClaimMine(), (std::set<std::string>{id}));

  EXPECT_EQ(*webhooks_->RecordDeferral(tenant_.id, id, "matching unreachable", 3),
            v1::DELIVERY_STATUS_PENDING);
  EXPECT_EQ(*webhooks_->RecordDeferral(tenant_.id, id, "matching unreachable", 3),
            v1::DELIVERY_STATUS_FAILED);
  nlohmann::json delivery = suite_.Get(tenant_.api_key, "/v1/webhook-deliveries/" + id).Json();
  EXPECT_EQ(delivery["status"], "failed");
  EXPECT_EQ(delivery["attempts"], 3);
  EXPECT_EQ(delivery["error"], "dead-lettered after 3 attempts: matching unreachable");
  EXPECT_TRUE(ClaimMine().empty()) << "a dead letter is not claimed again";
}

}  // namespace
}  // namespace aievents::testing
