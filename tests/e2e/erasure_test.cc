// Erasure (issue 24, docs/privacy.md): DELETE /v1/customers/{id} removes the customer and
// everything that identifies them, in every table, and nothing of anybody else; a failed or
// interrupted erasure is finished by a repeated call or by matching's worker; subscribers of
// customer.erased hear of it; it answers 404 once nothing is left.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "tests/e2e/test_helpers.h"
#include "tests/support/fixtures.h"
#include "tests/support/webhook_receiver.h"

namespace aievents::testing {
namespace {

// Every text of `tenant_id`'s rows, in every table of the schema, that contains one of
// `needles` (case-insensitive), read as the owner: "table.column: value" per hit. Binary
// columns (vendor bodies) are read as UTF-8 text.
std::vector<std::string> RowsMentioning(Suite& suite, const std::string& tenant_id,
                                        const std::vector<std::string>& needles) {
  pqxx::connection owner(suite.database_url());
  pqxx::work txn(owner);
  pqxx::result columns = txn.exec(
      "SELECT c.table_name, c.column_name, c.data_type,"
      " EXISTS (SELECT 1 FROM information_schema.columns t WHERE t.table_schema = 'public'"
      "   AND t.table_name = c.table_name AND t.column_name = 'tenant_id') AS scoped"
      " FROM information_schema.columns c JOIN information_schema.tables r"
      "   ON r.table_schema = c.table_schema AND r.table_name = c.table_name"
      " WHERE c.table_schema = 'public' AND r.table_type = 'BASE TABLE'"
      " ORDER BY c.table_name, c.ordinal_position");
  std::vector<std::string> hits;
  for (const pqxx::row& column : columns) {
    const std::string table = column["table_name"].as<std::string>();
    const std::string name = txn.quote_name(column["column_name"].as<std::string>());
    const std::string text = column["data_type"].as<std::string>() == "bytea"
                                 ? "convert_from(" + name + ", 'UTF8')"
                                 : name + "::text";
    std::string where = column["scoped"].as<bool>() ? " WHERE tenant_id = $1" : " WHERE $1 <> ''";
    if (table == "tenants") where = " WHERE id = $1";
    for (const std::string& needle : needles) {
      pqxx::result found =
          txn.exec_params("SELECT " + text + " FROM " + txn.quote_name(table) + where +
                              " AND strpos(lower(" + text + "), lower($2)) > 0 LIMIT 1",
                          tenant_id, needle);
      if (!found.empty()) {
        hits.push_back(table + "." + column["column_name"].as<std::string>() + " has " + needle +
                       ": " + found[0][0].as<std::string>().substr(0, 200));
      }
    }
  }
  return hits;
}

long CountWhere(Suite& suite, const std::string& sql, const std::string& tenant_id) {
  pqxx::connection owner(suite.database_url());
  pqxx::work txn(owner);
  return txn.exec_params1(sql, tenant_id)[0].as<long>();
}

HttpResult Erase(Suite& suite, const std::string& key, const std::string& customer) {
  return suite.Call(key, "DELETE", "/v1/customers/" + customer);
}

// DELETE until it answers 404 (the sweep has run), for up to 30 s.
int EraseUntilGone(Suite& suite, const std::string& key, const std::string& customer) {
  int status = 0;
  for (int i = 0; i < 300 && status != 404; ++i) {
    status = Erase(suite, key, customer).status;
    if (status != 404) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return status;
}

// The audit trail shows snapshots as JSON text.
nlohmann::json After(const nlohmann::json& entry) {
  return nlohmann::json::parse(entry["after"].get<std::string>());
}

nlohmann::json AuditOf(Suite& suite, const std::string& key, const std::string& target) {
  HttpResult listed = suite.Get(key, "/v1/audit-events?page_size=500&target_id=" + target);
  EXPECT_EQ(listed.status, 200) << listed.body;
  return listed.Json()["audit_events"];
}

TEST(Erasure, RemovesEveryTraceOfThePersonAndNothingElse) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other_tenant = suite.NewTenant();
  auto receiver = WebhookReceiver::Start();
  HttpResult endpoint =
      suite.Post(tenant.api_key, "/v1/webhook-endpoints",
                 {{"url", receiver->url()}, {"event_types", {"customer.erased"}}});
  ASSERT_EQ(endpoint.status, 201) << endpoint.body;

  // The person: the caller of the Whippy fixture (+1 323 213 9334, "Jack Hannaford").
  const nlohmann::json person = {{"email", "Jack.Hannaford@Example.com"},
                                 {"phone", "(323) 213-9334"},
                                 {"first_name", "Jack"},
                                 {"last_name", "Hannaford"}};
  std::string customer = CreateCustomer(suite, tenant.api_key, person);
  // A change, so the audit trail holds snapshots of them before and after.
  ASSERT_EQ(
      suite
          .Call(tenant.api_key, "PATCH", "/v1/customers/" + customer, R"({"first_name": "Jackie"})")
          .status,
      200);
  ASSERT_EQ(
      suite.Call(tenant.api_key, "PATCH", "/v1/customers/" + customer, R"({"first_name": "Jack"})")
          .status,
      200);
  std::vector<std::string> events;
  events.push_back(CreateEvent(suite, tenant.api_key, {{"email", "jack.hannaford@example.com"}},
                               "2026-03-10T10:00:00Z", "by-email")["id"]);
  events.push_back(CreateEvent(suite, tenant.api_key, {{"phone", "+1 323 213 9334"}},
                               "2026-03-10T11:00:00Z", "by-phone")["id"]);
  events.push_back(CreateEvent(suite, tenant.api_key,
                               {{"first_name", "JACK"}, {"last_name", "hannaford"}},
                               "2026-03-10T12:00:00Z", "by-name")["id"]);
  // Associated by hand, from another lookup.
  std::string associated = CreateEvent(suite, tenant.api_key, {{"email", "alias@example.org"}},
                                       "2026-03-10T13:00:00Z", "by-hand")["id"];
  ASSERT_EQ(suite
                .Post(tenant.api_key, "/v1/ai-events/" + associated + ":associate",
                      {{"customer_id", customer}})
                .status,
            200);
  events.push_back(associated);
  // A vendor call from their phone: the delivery's body and headers carry it.
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  ASSERT_EQ(source.status, 201) << source.body;
  std::string url = source.Json()["url_path"];
  HttpResult delivered = suite.Call("", "POST", url, ReadFixture("whippy/call_ended.json"),
                                    {{"content-type", "application/json"}});
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  long vendor_events =
      CountWhere(suite, "SELECT count(*) FROM ai_events WHERE tenant_id = $1 AND source = 'whippy'",
                 tenant.id);
  ASSERT_EQ(vendor_events, 1);

  // Somebody else, in the same tenant and in another, who must not be touched.
  std::string neighbour =
      CreateCustomer(suite, tenant.api_key, {{"email", "neighbour@example.com"}});
  std::string neighbours_event =
      CreateEvent(suite, tenant.api_key, {{"email", "neighbour@example.com"}},
                  "2026-03-10T14:00:00Z", "neighbour")["id"];
  std::string twin = CreateCustomer(suite, other_tenant.api_key, person);
  std::string twins_event =
      CreateEvent(suite, other_tenant.api_key, {{"email", "jack.hannaford@example.com"}},
                  "2026-03-10T10:00:00Z", "twin")["id"];

  const std::vector<std::string> traces = {"jack.hannaford@example.com", "3232139334", "Hannaford"};
  ASSERT_FALSE(RowsMentioning(suite, tenant.id, traces).empty()) << "the scan finds them before";

  HttpResult erased = Erase(suite, tenant.api_key, customer);
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(erased.Json(), nlohmann::json({{"customer_id", customer},
                                           {"erased_ai_events", 5},
                                           {"erased_webhook_deliveries", 1},
                                           {"complete", true},
                                           {"suppressions", nlohmann::json::array()}}))
      << erased.body;

  std::vector<std::string> left = RowsMentioning(suite, tenant.id, traces);
  EXPECT_TRUE(left.empty()) << ::testing::PrintToString(left);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers/" + customer).status, 404);
  for (const std::string& id : events) {
    EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + id).status, 404) << id;
  }
  EXPECT_EQ(
      CountWhere(suite, "SELECT count(*) FROM ai_events WHERE tenant_id = $1 AND source = 'whippy'",
                 tenant.id),
      0);
  EXPECT_TRUE(suite.Get(tenant.api_key, "/v1/webhook-deliveries").Json()["deliveries"].empty());

  // The trail keeps the facts, without the snapshots.
  nlohmann::json trail = AuditOf(suite, tenant.api_key, customer);
  std::set<std::string> actions;
  for (const nlohmann::json& entry : trail) {
    actions.insert(entry["action"].get<std::string>());
    if (entry["action"] == "customer.erased") {
      EXPECT_EQ(After(entry),
                nlohmann::json({{"erased_ai_events", 5}, {"erased_webhook_deliveries", 1}}));
    } else if (entry["action"] != "customer.erase_requested") {
      EXPECT_EQ(After(entry), nlohmann::json({{"erased", true}})) << entry;
    }
  }
  EXPECT_EQ(actions, (std::set<std::string>{"customer.created", "customer.updated",
                                            "customer.erase_requested", "customer.erased"}));

  // Subscribers are told, once.
  std::vector<WebhookReceiver::Received> told = receiver->WaitFor(1);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].Json()["type"], "customer.erased");
  EXPECT_EQ(told[0].Json()["data"], nlohmann::json({{"customer_id", customer}}));

  // Nobody else was touched.
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers/" + neighbour).status, 200);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + neighbours_event).Json()["customer_id"],
            neighbour);
  EXPECT_EQ(suite.Get(other_tenant.api_key, "/v1/customers/" + twin).Json()["email"],
            "Jack.Hannaford@Example.com");
  EXPECT_EQ(suite.Get(other_tenant.api_key, "/v1/ai-events/" + twins_event).Json()["customer_id"],
            twin);

  // Once the sweep has run, there is nothing left to erase.
  EXPECT_EQ(EraseUntilGone(suite, tenant.api_key, customer), 404);
  EXPECT_EQ(receiver->received().size(), 1u);
}

TEST(Erasure, AnErasureCutShortIsFinishedByTheWorker) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "cut@example.com"}});
  for (int i = 0; i < 5; ++i) {
    CreateEvent(suite, tenant.api_key, {{"email", "cut@example.com"}}, "2026-03-10T10:00:00Z",
                "cut-" + std::to_string(i));
  }
  const std::string count = "SELECT count(*) FROM ai_events WHERE tenant_id = $1";
  suite.PointMatchingAt("127.0.0.1:1");  // ingest, which owns the events, is out of reach
  HttpResult cut = Erase(suite, tenant.api_key, customer);
  EXPECT_EQ(cut.status, 503) << cut.body;
  // The customer went at once, so nothing matches them any more; their events wait.
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers/" + customer).status, 404);
  EXPECT_EQ(CountWhere(suite, count, tenant.id), 5);
  nlohmann::json later = CreateEvent(suite, tenant.api_key, {{"email", "cut@example.com"}},
                                     "2026-03-10T11:00:00Z", "after");
  EXPECT_TRUE(later["customer_id"].is_null());

  suite.ConnectMatchingToIngest();
  // Nobody calls again: the worker takes the job and finishes it, unmatched straggler included.
  for (int i = 0; i < 300 && CountWhere(suite, count, tenant.id) > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(CountWhere(suite, count, tenant.id), 0);
  bool recorded = false;
  for (const nlohmann::json& entry : AuditOf(suite, tenant.api_key, customer)) {
    if (entry["action"] == "customer.erased") {
      recorded = true;
      EXPECT_EQ(After(entry)["erased_ai_events"], 6);
    }
  }
  EXPECT_TRUE(recorded);
  EXPECT_EQ(EraseUntilGone(suite, tenant.api_key, customer), 404);
}

TEST(Erasure, ARepeatedCallFinishesTheJobAndAnswersTheSameCounts) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"phone", "+1 555 010 4444"}});
  for (int i = 0; i < 3; ++i) {
    CreateEvent(suite, tenant.api_key, {{"phone", "555-010-4444"}}, "2026-03-10T10:00:00Z",
                "again-" + std::to_string(i));
  }
  suite.PointMatchingAt("127.0.0.1:1");
  EXPECT_EQ(Erase(suite, tenant.api_key, customer).status, 503);
  suite.ConnectMatchingToIngest();
  HttpResult finished = Erase(suite, tenant.api_key, customer);
  ASSERT_EQ(finished.status, 200) << finished.body;
  EXPECT_EQ(finished.Json()["erased_ai_events"], 3);
  EXPECT_EQ(finished.Json()["complete"], true);
  EXPECT_EQ(EraseUntilGone(suite, tenant.api_key, customer), 404);
}

TEST(Erasure, RefusalsNameTheRuleAndChangeNothing) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other_tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "kept@example.com"}});
  std::string event = CreateEvent(suite, tenant.api_key, {{"email", "kept@example.com"}},
                                  "2026-03-10T10:00:00Z", "kept")["id"];

  HttpResult bad_id = Erase(suite, tenant.api_key, "not-a-uuid");
  EXPECT_EQ(bad_id.status, 400);
  EXPECT_EQ(ViolationFor(bad_id, "id"), "must be a UUID") << bad_id.body;

  // Another tenant's key: the customer does not exist for it.
  EXPECT_EQ(Erase(suite, other_tenant.api_key, customer).status, 404);

  // A key without customers:erase, even one that may write customers.
  HttpResult writer = suite.Post(tenant.api_key, "/v1/api-keys",
                                 {{"scopes", {"customers:read", "customers:write"}}});
  ASSERT_EQ(writer.status, 201) << writer.body;
  HttpResult refused = Erase(suite, writer.Json()["secret"], customer);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.Json()["error"]["missing_scope"], "customers:erase") << refused.body;

  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers/" + customer).status, 200);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + event).Json()["customer_id"], customer);
  EXPECT_EQ(Erase(suite, tenant.api_key, "00000000-0000-7000-8000-000000000000").status, 404);
}

// Suppression: an erasure with ?suppress=true keeps the person's email and phone out, in any
// formatting, from the API and from vendor calls alike; only keyed hashes are stored, and an
// operator can list and lift them (audited).
TEST(Suppression, KeepsThePersonOutByEmailAndByPhoneInAnyFormatting) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other_tenant = suite.NewTenant();
  std::string customer = CreateCustomer(
      suite, tenant.api_key, {{"email", "Out.Please@Example.com"}, {"phone", "(323) 213-9334"}});
  HttpResult erased =
      suite.Call(tenant.api_key, "DELETE", "/v1/customers/" + customer + "?suppress=true");
  ASSERT_EQ(erased.status, 200) << erased.body;
  nlohmann::json made = erased.Json()["suppressions"];
  ASSERT_EQ(made.size(), 2u) << erased.body;
  std::map<std::string, std::string> hash_of;
  for (const nlohmann::json& suppression : made) {
    hash_of[suppression["kind"]] = suppression["hash"];
    EXPECT_EQ(suppression["customer_id"], customer);
    EXPECT_EQ(suppression["hash"].get<std::string>().size(), 64u);
  }
  const std::string count = "SELECT count(*) FROM ai_events WHERE tenant_id = $1";

  // By email, however it is written; by phone, however it is written.
  for (const nlohmann::json& lookup :
       {nlohmann::json{{"email", "  OUT.please@example.COM "}},
        nlohmann::json{{"phone", "+1 323 213 9334"}},
        nlohmann::json{{"phone", "323.213.9334"}, {"first_name", "Some"}, {"last_name", "One"}},
        nlohmann::json{{"email", "new-address@example.com"}, {"phone", "3232139334"}}}) {
    HttpResult kept_out = suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent(lookup));
    EXPECT_EQ(kept_out.status, 202) << lookup << ": " << kept_out.body;
    EXPECT_EQ(kept_out.Json(), nlohmann::json({{"suppressed", true}})) << kept_out.body;
  }
  // A vendor call from their phone: acknowledged, and nothing of it kept.
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  ASSERT_EQ(source.status, 201) << source.body;
  HttpResult call =
      suite.Call("", "POST", source.Json()["url_path"], ReadFixture("whippy/call_ended.json"),
                 {{"content-type", "application/json"}});
  EXPECT_EQ(call.status, 202) << call.body;
  EXPECT_EQ(call.Json(), nlohmann::json({{"suppressed", true}})) << call.body;
  EXPECT_EQ(CountWhere(suite, count, tenant.id), 0);
  EXPECT_EQ(
      CountWhere(suite, "SELECT count(*) FROM webhook_deliveries WHERE tenant_id = $1", tenant.id),
      0);
  std::vector<std::string> left =
      RowsMentioning(suite, tenant.id, {"out.please@example.com", "3232139334", "Hannaford"});
  EXPECT_TRUE(left.empty()) << ::testing::PrintToString(left);

  // Somebody else, and the same person in another tenant, are not affected.
  EXPECT_EQ(suite
                .Post(tenant.api_key, "/v1/ai-events",
                      ValidEvent({{"email", "someone.else@example.com"}}))
                .status,
            201);
  EXPECT_EQ(suite
                .Post(other_tenant.api_key, "/v1/ai-events",
                      ValidEvent({{"email", "out.please@example.com"}}))
                .status,
            201);

  // Listed, readable, liftable; lifting is audited and lets the identifier in again.
  nlohmann::json listed = suite.Get(tenant.api_key, "/v1/suppressions").Json()["suppressions"];
  EXPECT_EQ(listed.size(), 2u);
  EXPECT_TRUE(suite.Get(other_tenant.api_key, "/v1/suppressions").Json()["suppressions"].empty());
  EXPECT_EQ(suite.Get(other_tenant.api_key, "/v1/suppressions/" + hash_of["email"]).status, 404);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/suppressions/" + hash_of["email"]).Json()["kind"],
            "email");
  HttpResult lifted = suite.Call(tenant.api_key, "DELETE", "/v1/suppressions/" + hash_of["email"]);
  ASSERT_EQ(lifted.status, 200) << lifted.body;
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/suppressions/" + hash_of["email"]).status, 404);
  EXPECT_EQ(
      suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent({{"email", "out.please@example.com"}}))
          .status,
      201);
  EXPECT_EQ(
      suite.Post(tenant.api_key, "/v1/ai-events", ValidEvent({{"phone", "323-213-9334"}})).status,
      202)
      << "the phone is still suppressed";
  std::set<std::string> actions;
  for (const nlohmann::json& entry : AuditOf(suite, tenant.api_key, hash_of["email"])) {
    actions.insert(entry["action"].get<std::string>());
  }
  EXPECT_EQ(actions, (std::set<std::string>{"suppression.created", "suppression.lifted"}));

  HttpResult bad = suite.Get(tenant.api_key, "/v1/suppressions/not-a-hash");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(ViolationFor(bad, "hash"), "") << bad.body;
  HttpResult writer = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"customers:read"}}});
  ASSERT_EQ(writer.status, 201);
  EXPECT_EQ(suite.Get(writer.Json()["secret"], "/v1/suppressions").status, 403);
}

TEST(Suppression, ItsListPagesAndWithoutSuppressNothingIsKeptOut) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  for (int i = 0; i < 3; ++i) {
    std::string email = "paged-" + std::to_string(i) + "@example.com";
    std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", email}});
    ASSERT_EQ(
        suite.Call(tenant.api_key, "DELETE", "/v1/customers/" + customer + "?suppress=true").status,
        200);
  }
  std::set<std::string> seen;
  std::string token;
  for (int page = 0; page < 5; ++page) {
    nlohmann::json body =
        suite
            .Get(tenant.api_key,
                 "/v1/suppressions?page_size=2" + (token.empty() ? "" : "&page_token=" + token))
            .Json();
    for (const nlohmann::json& s : body["suppressions"]) seen.insert(s["hash"]);
    token = body.value("next_page_token", "");
    if (token.empty()) break;
  }
  EXPECT_EQ(seen.size(), 3u);

  std::string plain = CreateCustomer(suite, tenant.api_key, {{"email", "only-erased@example.com"}});
  ASSERT_EQ(suite.Call(tenant.api_key, "DELETE", "/v1/customers/" + plain).status, 200);
  EXPECT_EQ(
      suite
          .Post(tenant.api_key, "/v1/ai-events", ValidEvent({{"email", "only-erased@example.com"}}))
          .status,
      201)
      << "erasure without suppress keeps nobody out";
}

}  // namespace
}  // namespace aievents::testing
