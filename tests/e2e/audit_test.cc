// The audit trail: every administrative action leaves one record with its actor, target and,
// where it applies, the target before and after; readable with keys:admin, by the API and the
// CLI, and only by the tenant's own keys.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/e2e/test_helpers.h"
#include "tools/admin/admin_commands.h"

namespace aievents::testing {
namespace {

nlohmann::json AuditEvents(Suite& suite, const std::string& key, const std::string& query = "") {
  HttpResult listed = suite.Get(key, "/v1/audit-events?page_size=500" + query);
  EXPECT_EQ(listed.status, 200) << listed.body;
  return listed.Json()["audit_events"];
}

TEST(Audit, EveryAdministrativeActionIsRecorded) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  const std::string& admin = tenant.api_key;
  std::string admin_prefix = admin.substr(0, 12);

  // Keys: created, rotated (which creates its successor), revoked.
  HttpResult key = suite.Post(admin, "/v1/api-keys", {{"scopes", {"events:read"}}});
  std::string key_id = key.Json()["api_key"]["id"];
  ASSERT_EQ(
      suite.Post(admin, "/v1/api-keys/" + key_id + ":rotate", nlohmann::json::object()).status,
      201);
  ASSERT_EQ(
      suite.Post(admin, "/v1/api-keys/" + key_id + ":revoke", nlohmann::json::object()).status,
      200);
  // A customer created and changed; an event associated.
  std::string customer = CreateCustomer(suite, admin, {{"email", "audit@example.com"}});
  ASSERT_EQ(suite
                .Call(admin, "PATCH", "/v1/customers/" + customer,
                      nlohmann::json{{"first_name", "Ada"}}.dump())
                .status,
            200);
  nlohmann::json event =
      CreateEvent(suite, admin, {{"email", "nobody@example.com"}}, "2026-03-10T14:30:00Z", "audit");
  std::string event_id = event["id"];
  ASSERT_EQ(
      suite.Post(admin, "/v1/ai-events/" + event_id + ":associate", {{"customer_id", customer}})
          .status,
      200);
  // A webhook source created, its secret rotated, a delivery replayed, the source disabled.
  HttpResult source = suite.Post(admin, "/v1/webhook-sources", {{"vendor", "whippy"}});
  std::string source_id = source.Json()["source"]["id"];
  std::string url = source.Json()["url_path"];
  HttpResult delivered =
      suite.Call("", "POST", url.substr(url.find("/v1/")), ReadFixture("whippy/call_analyzed.json"),
                 {{"content-type", "application/json"}});
  std::string delivery_id = delivered.Json()["delivery_id"];
  ASSERT_EQ(suite
                .Post(admin, "/v1/webhook-sources/" + source_id + ":rotate-secret",
                      {{"signing_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}})
                .status,
            200);
  ASSERT_EQ(suite
                .Post(admin, "/v1/webhook-deliveries/" + delivery_id + ":replay",
                      nlohmann::json::object())
                .status,
            200);
  ASSERT_EQ(
      suite.Post(admin, "/v1/webhook-sources/" + source_id + ":disable", nlohmann::json::object())
          .status,
      200);

  std::map<std::string, nlohmann::json> by_action;
  for (const auto& record : AuditEvents(suite, admin)) {
    if (record["actor"] == "cli") continue;  // the test tenant's first key, made by the CLI
    by_action.emplace(
        record["action"].get<std::string>() + " " + record["target_id"].get<std::string>(), record);
    EXPECT_EQ(record["actor"], admin_prefix);
    EXPECT_FALSE(record["actor_key_id"].get<std::string>().empty());
  }
  for (const std::string& expected :
       {"api_key.created " + key_id, "api_key.rotated " + key_id, "api_key.revoked " + key_id,
        "customer.created " + customer, "customer.updated " + customer,
        "event.associated " + event_id, "webhook_source.created " + source_id,
        "webhook_source.secret_rotated " + source_id, "webhook_source.disabled " + source_id,
        "webhook_delivery.replayed " + delivery_id}) {
    EXPECT_TRUE(by_action.count(expected)) << "no record of " << expected;
  }
  // Before and after where they apply, and never a secret.
  nlohmann::json updated = by_action["customer.updated " + customer];
  EXPECT_EQ(nlohmann::json::parse(updated["before"].get<std::string>()).value("first_name", ""),
            "");
  EXPECT_EQ(nlohmann::json::parse(updated["after"].get<std::string>())["first_name"], "Ada");
  nlohmann::json revoked = by_action["api_key.revoked " + key_id];
  EXPECT_FALSE(nlohmann::json::parse(revoked["before"].get<std::string>()).contains("revoke_time"));
  EXPECT_TRUE(nlohmann::json::parse(revoked["after"].get<std::string>()).contains("revoke_time"));
  std::string everything = suite.Get(admin, "/v1/audit-events?page_size=500").body;
  EXPECT_EQ(everything.find("whsec_"), std::string::npos);
  EXPECT_EQ(everything.find(key.Json()["secret"].get<std::string>()), std::string::npos);
  EXPECT_EQ(everything.find(url.substr(url.rfind('/') + 1)), std::string::npos)
      << "the webhook URL token";
}

TEST(Audit, FiltersPagesAndIsReadableOnlyWithKeysAdmin) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  for (int i = 0; i < 5; ++i) {
    CreateCustomer(suite, tenant.api_key, {{"email", "page" + std::to_string(i) + "@example.com"}});
  }
  EXPECT_EQ(AuditEvents(suite, tenant.api_key, "&action=customer.created").size(), 5u);
  std::set<std::string> seen;
  std::string token;
  for (int page = 0; page < 10; ++page) {
    HttpResult result =
        suite.Get(tenant.api_key, "/v1/audit-events?page_size=2&page_token=" + token);
    ASSERT_EQ(result.status, 200) << result.body;
    nlohmann::json records = result.Json()["audit_events"];
    for (const auto& record : records) {
      if (record["action"] == "customer.created") seen.insert(record["id"]);
    }
    token = result.Json().value("next_page_token", "");
    if (token.empty()) break;
  }
  EXPECT_EQ(seen.size(), 5u) << token;

  HttpResult reader = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:read"}}});
  EXPECT_EQ(suite.Get(reader.Json()["secret"], "/v1/audit-events").status, 403);
  Suite::Tenant other = suite.NewTenant();
  for (const auto& record : AuditEvents(suite, other.api_key)) {
    EXPECT_NE(record["action"], "customer.created") << "another tenant's trail";
  }

  // The CLI reads the same trail.
  auto lines = admin::ListAudit(suite.database_url(), tenant.id, "customer.created", 50);
  ASSERT_TRUE(lines.ok()) << lines.status();
  EXPECT_EQ(lines->size(), 5u);
}

}  // namespace
}  // namespace aievents::testing
