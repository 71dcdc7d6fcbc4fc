// Re-matching: creating or changing a customer links the unmatched events that now match it
// under the normal rules, records it, and never touches manual associations.
#include <gtest/gtest.h>

#include <chrono>
#include <pqxx/pqxx>
#include <thread>

#include "aievents/v1/matching_service.grpc.pb.h"
#include "services/matching/matching_server.h"
#include "tests/e2e/test_helpers.h"
#include "tests/support/started_or_die.h"

namespace aievents::testing {
namespace {

TEST(Rematch, CreatingACustomerLinksWaitingEvents) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string by_phone = CreateEvent(suite, tenant.api_key, {{"phone", "+1 555 010 5000"}},
                                     "2026-03-10T10:00:00Z", "r1")["id"];
  std::string by_name =
      CreateEvent(suite, tenant.api_key, {{"first_name", "Ola"}, {"last_name", "Nordmann"}},
                  "2026-03-11T10:00:00Z", "r2")["id"];
  std::string unrelated = CreateEvent(suite, tenant.api_key, {{"email", "else@example.com"}},
                                      "2026-03-12T10:00:00Z", "r3")["id"];
  std::string customer =
      CreateCustomer(suite, tenant.api_key,
                     {{"phone", "555-010-5000"}, {"first_name", "ola"}, {"last_name", "NORDMANN"}});
  for (const std::string& id : {by_phone, by_name}) {
    nlohmann::json event = suite.Get(tenant.api_key, "/v1/ai-events/" + id).Json();
    EXPECT_EQ(event["customer_id"], customer) << id;
    EXPECT_EQ(event["match_method"], "auto");
    ASSERT_EQ(event["associations"].size(), 1u);
    EXPECT_EQ(event["associations"][0]["method"], "auto");
    EXPECT_TRUE(event["associations"][0]["from_customer_id"].is_null());
    EXPECT_NE(event["associations"][0]["actor"].get<std::string>().find("auto-rematch"),
              std::string::npos);
  }
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + by_phone).Json()["matched_value"],
            "+15550105000");
  EXPECT_TRUE(
      suite.Get(tenant.api_key, "/v1/ai-events/" + unrelated).Json()["customer_id"].is_null());
  EXPECT_EQ(AllPages(suite, tenant.api_key, "/v1/ai-events?matched=false", 10),
            (std::vector<std::string>{unrelated}));
}

// Matching's outbox (db/migrations/0007_customer_changes.sql): a re-match whose first try,
// right after the customer's commit, cannot reach ingest is carried out later by the worker,
// as the caller's, and its row is removed once done.
TEST(Rematch, ARematchThatCannotReachIngestIsCarriedOutLater) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string waiting = CreateEvent(suite, tenant.api_key, {{"email", "later@example.com"}},
                                    "2026-03-10T10:00:00Z", "later")["id"];
  suite.PointMatchingAt("127.0.0.1:1");  // nothing listens there
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "later@example.com"}});
  EXPECT_TRUE(suite.Get(tenant.api_key, "/v1/ai-events/" + waiting).Json()["customer_id"].is_null())
      << "the first try could not reach ingest";
  suite.ConnectMatchingToIngest();

  nlohmann::json event;
  for (int i = 0; i < 300; ++i) {  // the worker waits 5 s before it takes a change
    event = suite.Get(tenant.api_key, "/v1/ai-events/" + waiting).Json();
    if (!event["customer_id"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(event["customer_id"], customer);
  EXPECT_EQ(event["match_method"], "auto");
  ASSERT_EQ(event["associations"].size(), 1u);
  EXPECT_EQ(event["associations"][0]["actor"], "auto-rematch by " + tenant.api_key.substr(0, 12));

  pqxx::connection owner(suite.database_url());
  long left = 1;
  for (int i = 0; i < 100 && left > 0; ++i) {
    pqxx::work txn(owner);
    left = txn.exec_params1("SELECT count(*) FROM customer_changes WHERE customer_id = $1",
                            customer)[0]
               .as<long>();
    txn.commit();
    if (left > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(left, 0) << "a change whose work is done is removed";
}

// Matching's outage: the matching process that committed a customer could not carry out the
// re-match (ingest was out of its reach) and went away before its worker got a turn. The work
// is in matching's outbox, committed with the customer, so the matching process that runs
// afterwards (the suite's, standing in for the restarted one) carries it out.
TEST(Rematch, ARematchSurvivesTheMatchingProcessThatCommittedIt) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string waiting = CreateEvent(suite, tenant.api_key, {{"email", "outage@example.com"}},
                                    "2026-03-10T10:00:00Z", "outage")["id"];
  std::string customer;
  {
    matching::MatchingConfig config = suite.matching_config();
    config.ingest_address = "127.0.0.1:1";     // nothing listens there
    config.rematch_interval_ms = 3600 * 1000;  // its own worker never gets a turn
    auto doomed = StartedOrDie(matching::MatchingServer::Start(config), "doomed matching");
    auto stub = v1::MatchingService::NewStub(LocalChannel(doomed->grpc_port()));
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", tenant.api_key);
    v1::CreateCustomerRequest request;
    request.set_email("outage@example.com");
    v1::Customer created;
    grpc::Status status = stub->CreateCustomer(&context, request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    customer = created.id();
    doomed->Shutdown();
  }  // the process is gone, its re-match not done
  EXPECT_TRUE(
      suite.Get(tenant.api_key, "/v1/ai-events/" + waiting).Json()["customer_id"].is_null());

  nlohmann::json event;
  for (int i = 0; i < 300; ++i) {  // the worker waits 5 s before it takes a change
    event = suite.Get(tenant.api_key, "/v1/ai-events/" + waiting).Json();
    if (!event["customer_id"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(event["customer_id"], customer);
  ASSERT_EQ(event["associations"].size(), 1u);
  EXPECT_EQ(event["associations"][0]["actor"], "auto-rematch by " + tenant.api_key.substr(0, 12))
      << "carried out as the caller who made the change";
}

TEST(Rematch, ChangingACustomerLinksWaitingEventsButNeverManualOnes) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"first_name", "Kai"}});
  std::string other = CreateCustomer(suite, tenant.api_key, {{"first_name", "Other"}});
  std::string waiting = CreateEvent(suite, tenant.api_key, {{"email", "kai@example.com"}},
                                    "2026-03-10T10:00:00Z", "w")["id"];
  std::string manual =
      CreateEvent(suite, tenant.api_key, {{"email", "kai@example.com"}, {"phone", "+15550106000"}},
                  "2026-03-11T10:00:00Z", "m")["id"];
  ASSERT_EQ(
      suite.Post(tenant.api_key, "/v1/ai-events/" + manual + ":associate", {{"customer_id", other}})
          .status,
      200);

  HttpResult updated = suite.Call(tenant.api_key, "PATCH", "/v1/customers/" + customer,
                                  nlohmann::json{{"email", "Kai@Example.com"}}.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["email_normalized"], "kai@example.com");
  EXPECT_EQ(updated.Json()["first_name"], "Kai") << "absent fields are kept";

  nlohmann::json linked = suite.Get(tenant.api_key, "/v1/ai-events/" + waiting).Json();
  EXPECT_EQ(linked["customer_id"], customer);
  EXPECT_EQ(linked["match_method"], "auto");
  nlohmann::json kept = suite.Get(tenant.api_key, "/v1/ai-events/" + manual).Json();
  EXPECT_EQ(kept["customer_id"], other) << "a manual association is never undone";
  EXPECT_EQ(kept["match_method"], "manual");
}

TEST(Rematch, NormalRulesDecideWhichCustomerWins) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string event_id =
      CreateEvent(suite, tenant.api_key, {{"email", "prec@example.com"}, {"phone", "+15550107000"}},
                  "2026-03-10T10:00:00Z", "prec")["id"];
  // A customer matching by phone appears first; the event is linked to it...
  std::string by_phone = CreateCustomer(suite, tenant.api_key, {{"phone", "+15550107000"}});
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + event_id).Json()["customer_id"], by_phone);
  // ...and a later email customer does not steal an event that is no longer unmatched.
  CreateCustomer(suite, tenant.api_key, {{"email", "prec@example.com"}});
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + event_id).Json()["customer_id"], by_phone);
}

TEST(CustomerUpdate, ValidatesAndClears) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string id =
      CreateCustomer(suite, tenant.api_key, {{"email", "u@example.com"}, {"first_name", "U"}});
  HttpResult cleared = suite.Call(tenant.api_key, "PATCH", "/v1/customers/" + id,
                                  nlohmann::json{{"email", ""}}.dump());
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_TRUE(cleared.Json()["email"].is_null());
  EXPECT_EQ(suite
                .Call(tenant.api_key, "PATCH", "/v1/customers/" + id,
                      nlohmann::json{{"first_name", ""}}.dump())
                .status,
            400)
      << "at least one identifier must remain";
  EXPECT_EQ(suite
                .Call(tenant.api_key, "PATCH", "/v1/customers/" + id,
                      nlohmann::json{{"phone", "abc"}}.dump())
                .status,
            400);
  EXPECT_EQ(suite
                .Call(tenant.api_key, "PATCH", "/v1/customers/01a1fd11-d7e9-7006-9e48-5e3072079a3d",
                      nlohmann::json{{"email", "x@example.com"}}.dump())
                .status,
            404);
}

}  // namespace
}  // namespace aievents::testing
