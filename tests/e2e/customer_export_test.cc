// Export (issue 24, docs/privacy.md): GET /v1/customers/{id}:export answers one JSON document
// with everything held about the person (the customer, their events with raw payloads and
// history, the unmatched events that carry their email or phone, the vendor deliveries behind
// them), streamed in parts, audited, and nothing of anybody else.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/e2e/test_helpers.h"
#include "tests/support/fixtures.h"

namespace aievents::testing {
namespace {

HttpResult Export(Suite& suite, const std::string& key, const std::string& customer) {
  return suite.Get(key, "/v1/customers/" + customer + ":export");
}

// id -> the exported entry.
std::map<std::string, nlohmann::json> EventsById(const nlohmann::json& document) {
  std::map<std::string, nlohmann::json> events;
  for (const nlohmann::json& entry : document["ai_events"]) {
    events[entry["ai_event"]["id"].get<std::string>()] = entry;
  }
  return events;
}

TEST(Export, HoldsEverythingAboutThePersonAndNothingElse) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other_tenant = suite.NewTenant();
  const nlohmann::json person = {{"email", "Jack.Hannaford@Example.com"},
                                 {"phone", "(323) 213-9334"},
                                 {"first_name", "Jack"},
                                 {"last_name", "Hannaford"}};

  // Events that carry their identifiers but stayed unmatched: stored before the customer
  // existed, and not re-matched yet (matching cannot reach ingest).
  suite.PointMatchingAt("127.0.0.1:1");
  std::string early_email =
      CreateEvent(suite, tenant.api_key, {{"email", "JACK.hannaford@example.com"}},
                  "2026-03-09T10:00:00Z", "early-email")["id"];
  std::string early_phone = CreateEvent(suite, tenant.api_key, {{"phone", "+1 323-213-9334"}},
                                        "2026-03-09T11:00:00Z", "early-phone")["id"];
  std::string customer = CreateCustomer(suite, tenant.api_key, person);

  std::vector<std::string> matched;  // oldest first
  matched.push_back(CreateEvent(suite, tenant.api_key, {{"email", "jack.hannaford@example.com"}},
                                "2026-03-10T10:00:00Z", "by-email")["id"]);
  matched.push_back(CreateEvent(suite, tenant.api_key, {{"phone", "+1 323 213 9334"}},
                                "2026-03-10T11:00:00Z", "by-phone")["id"]);
  std::string associated = CreateEvent(suite, tenant.api_key, {{"email", "alias@example.org"}},
                                       "2026-03-10T13:00:00Z", "by-hand")["id"];
  ASSERT_EQ(suite
                .Post(tenant.api_key, "/v1/ai-events/" + associated + ":associate",
                      {{"customer_id", customer}})
                .status,
            200);
  matched.push_back(associated);
  // A vendor call from their phone (the Whippy fixture's caller).
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  ASSERT_EQ(source.status, 201) << source.body;
  HttpResult delivered =
      suite.Call("", "POST", source.Json()["url_path"], ReadFixture("whippy/call_ended.json"),
                 {{"content-type", "application/json"}});
  ASSERT_EQ(delivered.status, 200) << delivered.body;

  // Somebody else in the same tenant, and the same person in another tenant.
  CreateCustomer(suite, tenant.api_key, {{"email", "neighbour@example.com"}});
  std::string neighbours_event =
      CreateEvent(suite, tenant.api_key, {{"email", "neighbour@example.com"}},
                  "2026-03-10T14:00:00Z", "neighbour")["id"];
  CreateCustomer(suite, other_tenant.api_key, person);
  std::string twins_event =
      CreateEvent(suite, other_tenant.api_key, {{"email", "jack.hannaford@example.com"}},
                  "2026-03-10T10:00:00Z", "twin")["id"];

  HttpResult exported = Export(suite, tenant.api_key, customer);
  suite.ConnectMatchingToIngest();
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.headers["content-type"].rfind("application/json", 0), 0u);
  nlohmann::json document = nlohmann::json::parse(exported.body);  // one valid document

  EXPECT_EQ(document["customer"]["id"], customer);
  EXPECT_EQ(document["customer"]["email"], "Jack.Hannaford@Example.com");
  EXPECT_EQ(document["customer"]["phone_e164"], "+13232139334");
  EXPECT_EQ(document["customer"]["last_name"], "Hannaford");
  EXPECT_TRUE(document.contains("export_time"));

  std::map<std::string, nlohmann::json> events = EventsById(document);
  ASSERT_EQ(events.size(), 6u) << document.dump(2);
  EXPECT_FALSE(events.count(neighbours_event));
  EXPECT_FALSE(events.count(twins_event));
  EXPECT_EQ(events[early_email]["reason"], "email");
  EXPECT_EQ(events[early_phone]["reason"], "phone");
  std::string vendor_event;
  for (const auto& [id, entry] : events) {
    EXPECT_FALSE(entry["ai_event"]["raw_payload"].get<std::string>().empty()) << id;
    if (entry["ai_event"]["source"] == "whippy") vendor_event = id;
  }
  ASSERT_FALSE(vendor_event.empty());
  matched.push_back(vendor_event);
  for (const std::string& id : matched) {
    EXPECT_EQ(events[id]["reason"], "matched") << id;
    EXPECT_EQ(events[id]["ai_event"]["customer_id"], customer) << id;
  }
  // The hand association's history comes with its event.
  ASSERT_EQ(events[associated]["ai_event"]["associations"].size(), 1u);
  EXPECT_EQ(events[associated]["ai_event"]["associations"][0]["to_customer_id"], customer);
  // The vendor delivery behind the call, raw body and headers included.
  ASSERT_EQ(events[vendor_event]["webhook_deliveries"].size(), 1u);
  const nlohmann::json& delivery = events[vendor_event]["webhook_deliveries"][0];
  EXPECT_NE(delivery["body"].get<std::string>().find("3232139334"), std::string::npos);
  EXPECT_FALSE(delivery["headers"].empty());
  EXPECT_TRUE(events[matched[0]].value("webhook_deliveries", nlohmann::json::array()).empty());

  // Their events come first, newest first, as their timeline shows them.
  std::vector<std::string> order;
  for (const nlohmann::json& entry : document["ai_events"]) {
    if (entry["reason"] == "matched") order.push_back(entry["ai_event"]["id"]);
  }
  EXPECT_EQ(order, AllPages(suite, tenant.api_key, "/v1/customers/" + customer + "/ai-events", 50));
  EXPECT_EQ(document["ai_events"][4]["reason"], "email");
  EXPECT_EQ(document["ai_events"][5]["reason"], "phone");

  // Audited: who exported whom (the fact, no personal data).
  HttpResult trail = suite.Get(tenant.api_key, "/v1/audit-events?target_id=" + customer);
  ASSERT_EQ(trail.status, 200) << trail.body;
  int exports = 0;
  nlohmann::json entries = trail.Json()["audit_events"];
  for (const nlohmann::json& entry : entries) {
    if (entry["action"] == "customer.exported") {
      ++exports;
      EXPECT_EQ(entry["after"], "") << entry;
      EXPECT_EQ(entry["before"], "") << entry;
    }
  }
  EXPECT_EQ(exports, 1) << trail.body;
}

TEST(Export, ALargeCustomerStreamsInPartsWithEveryEventOnce) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "many@example.com"}});
  std::set<std::string> created;
  // Two and a half parts of 100, some sharing an occurred_at (the order's tie-break is the id).
  for (int i = 0; i < 250; ++i) {
    std::string minute = std::to_string(10 + i / 10);
    created.insert(CreateEvent(suite, tenant.api_key, {{"email", "many@example.com"}},
                               "2026-03-10T10:" + minute + ":00Z",
                               "many-" + std::to_string(i))["id"]
                       .get<std::string>());
  }
  HttpResult exported = Export(suite, tenant.api_key, customer);
  ASSERT_EQ(exported.status, 200) << exported.body.substr(0, 500);
  nlohmann::json document = nlohmann::json::parse(exported.body);
  std::vector<std::string> ids;
  for (const nlohmann::json& entry : document["ai_events"]) ids.push_back(entry["ai_event"]["id"]);
  EXPECT_EQ(ids.size(), 250u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), created);
  // The same order as the customer's timeline, page after page.
  EXPECT_EQ(ids, AllPages(suite, tenant.api_key, "/v1/customers/" + customer + "/ai-events", 100));
}

TEST(Export, RefusesWithoutTheScopeAndAcrossTenants) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other_tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "kept@example.com"}});

  HttpResult narrow = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:read"}}});
  ASSERT_EQ(narrow.status, 201) << narrow.body;
  HttpResult refused = Export(suite, narrow.Json()["secret"], customer);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("customers:read"), std::string::npos) << refused.body;

  EXPECT_EQ(Export(suite, other_tenant.api_key, customer).status, 404);
  HttpResult unknown = Export(suite, tenant.api_key, "00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(unknown.Json()["error"]["code"], "NOT_FOUND") << unknown.body;
  HttpResult malformed = Export(suite, tenant.api_key, "not-a-uuid");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_EQ(ViolationFor(malformed, "customer_id"), "must be a UUID") << malformed.body;
  EXPECT_EQ(Export(suite, "", customer).status, 401);
  // Neither refusal left a record of an export.
  HttpResult trail = suite.Get(tenant.api_key, "/v1/audit-events?action=customer.exported");
  ASSERT_EQ(trail.status, 200) << trail.body;
  EXPECT_TRUE(trail.Json()["audit_events"].empty()) << trail.body;
}

}  // namespace
}  // namespace aievents::testing
