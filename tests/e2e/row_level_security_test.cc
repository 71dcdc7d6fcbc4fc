// Isolation in the database itself: as the roles the services log in with, a query that names
// no tenant finds nothing, a query scoped to one tenant sees only that tenant's rows, and no
// row can be written into another tenant. Checked directly in SQL, below any service code.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

const std::vector<std::string>& TenantTables() {
  static const std::vector<std::string> tables = {"tenants",
                                                  "api_keys",
                                                  "customers",
                                                  "ai_events",
                                                  "ai_event_associations",
                                                  "webhook_sources",
                                                  "webhook_deliveries",
                                                  "audit_events",
                                                  "customer_changes",
                                                  "customer_erasures",
                                                  "suppressions",
                                                  "event_outbox",
                                                  "webhook_endpoints",
                                                  "webhook_events",
                                                  "webhook_event_heads",
                                                  "webhook_messages",
                                                  "webhook_attempts"};
  return tables;
}

// A service role that may read `table` (tests/e2e/service_roles_test.cc has the whole matrix).
// No service reads tenants: only the owner (the admin tool, migrations) touches it.
std::optional<ServiceRole> ReaderOf(const std::string& table) {
  if (table == "tenants") return std::nullopt;
  if (table == "api_keys" || table == "audit_events") return ServiceRole::kTimeline;
  if (table == "customer_changes" || table == "suppressions") return ServiceRole::kMatching;
  // Ingest's outbox is a queue whose rows last until the relay has passed them (well under a
  // second here), so it keeps no row to count; ingest only inserts into it (its reads and
  // prunes go through SECURITY DEFINER functions). Its policy is checked above.
  if (table == "event_outbox") return std::nullopt;
  // Likewise the relay's events, pruned once every endpoint's cursor has passed them.
  if (table == "webhook_events") return std::nullopt;
  if (table == "webhook_endpoints" || table == "webhook_messages" || table == "webhook_attempts" ||
      table == "webhook_event_heads") {
    return ServiceRole::kTimeline;
  }
  return ServiceRole::kIngest;
}

std::string TenantColumn(const std::string& table) {
  return table == "tenants" ? "id" : "tenant_id";
}

// A tenant with at least one row in every tenant-owned table, made through the API.
struct Populated {
  Suite::Tenant tenant;
  std::string customer_id;
};

Populated Populate(Suite& suite) {
  Populated populated{suite.NewTenant(), ""};
  const std::string& key = populated.tenant.api_key;
  populated.customer_id = CreateCustomer(suite, key, {{"email", "rls@example.com"}});
  nlohmann::json event =
      CreateEvent(suite, key, {{"email", "nobody@example.com"}}, "2026-03-10T14:30:00Z", "rls");
  EXPECT_EQ(suite
                .Post(key, "/v1/ai-events/" + event["id"].get<std::string>() + ":associate",
                      {{"customer_id", populated.customer_id}})
                .status,
            200);
  HttpResult source = suite.Post(key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  EXPECT_EQ(source.status, 201) << source.body;
  std::string url = source.Json()["url_path"];
  HttpResult delivered =
      suite.Call("", "POST", url.substr(url.find("/v1/")), ReadFixture("whippy/call_analyzed.json"),
                 {{"content-type", "application/json"}});
  EXPECT_EQ(delivered.status, 200) << delivered.body;
  // An endpoint nothing listens on: the event below becomes a message, tried and failed.
  HttpResult endpoint =
      suite.Post(key, "/v1/webhook-endpoints",
                 {{"url", "http://127.0.0.1:9/rls"}, {"event_types", {"ai_event.created"}}});
  EXPECT_EQ(endpoint.status, 201) << endpoint.body;
  CreateEvent(suite, key, {{"email", "nobody@example.com"}}, "2026-03-10T15:30:00Z", "rls-hook");
  for (int i = 0; i < 200; ++i) {
    pqxx::connection owner(suite.database_url());
    pqxx::work read(owner);
    if (read.exec_params1("SELECT count(*) FROM webhook_attempts WHERE tenant_id = $1",
                          populated.tenant.id)[0]
            .as<int>() > 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // An erased customer leaves ingest's record of the erasure (ids and counts).
  std::string erased = CreateCustomer(suite, key, {{"email", "rls-erased@example.com"}});
  EXPECT_EQ(suite.Call(key, "DELETE", "/v1/customers/" + erased + "?suppress=true").status, 200);
  // A change of matching's outbox that stays (the ones the API makes are removed once done).
  pqxx::connection owner(suite.database_url());
  pqxx::work txn(owner);
  txn.exec_params(
      "INSERT INTO customer_changes (tenant_id, id, customer_id, kind, actor, next_attempt_at)"
      " VALUES ($1, gen_random_uuid(), $2, 'rematch', 'rls', now() + interval '1 day')",
      populated.tenant.id, populated.customer_id);
  txn.commit();
  return populated;
}

long Count(pqxx::work& txn, const std::string& table, const std::string& tenant_id) {
  return txn
      .exec_params1("SELECT count(*) FROM " + txn.quote_name(table) + " WHERE " +
                        TenantColumn(table) + " = $1",
                    tenant_id)[0]
      .as<long>();
}

TEST(RowLevelSecurity, IsEnabledAndForcedOnEveryTenantOwnedTable) {
  pqxx::connection conn(SharedSuite().database_url());
  pqxx::work txn(conn);
  // Every table of the schema with a tenant_id column, and tenants itself: a table added later
  // without a policy fails here.
  pqxx::result tables = txn.exec(
      "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
      " (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies"
      " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
      " WHERE n.nspname = 'public' AND c.relkind = 'r' AND (c.relname = 'tenants' OR EXISTS ("
      "   SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id'))");
  std::vector<std::string> names;
  for (const pqxx::row& table : tables) {
    std::string name = table["relname"].as<std::string>();
    names.push_back(name);
    EXPECT_TRUE(table["relrowsecurity"].as<bool>()) << name;
    EXPECT_TRUE(table["relforcerowsecurity"].as<bool>()) << name;
    EXPECT_GE(table["policies"].as<int>(), 1) << name;
  }
  EXPECT_EQ(names.size(), TenantTables().size()) << "a tenant-owned table this test does not know";
}

TEST(RowLevelSecurity, AQueryWithoutATenantFindsNothing) {
  Suite& suite = SharedSuite();
  Populated a = Populate(suite);
  {
    // The owner (a superuser in tests) sees that the rows exist.
    pqxx::connection owner(suite.database_url());
    pqxx::work txn(owner);
    for (const std::string& table : TenantTables()) {
      EXPECT_GT(Count(txn, table, a.tenant.id), 0) << table << " has no row to hide";
    }
  }
  for (const std::string& table : TenantTables()) {
    std::optional<ServiceRole> reader = ReaderOf(table);
    if (!reader) continue;
    pqxx::connection conn(suite.service_database_url(*reader));
    pqxx::work txn(conn);
    EXPECT_EQ(Count(txn, table, a.tenant.id), 0) << table << " without a tenant";
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM " + txn.quote_name(table))[0].as<long>(), 0)
        << table << " read whole without a tenant";
  }
}

TEST(RowLevelSecurity, ATenantScopeSeesOnlyThatTenant) {
  Suite& suite = SharedSuite();
  Populated a = Populate(suite);
  Populated b = Populate(suite);
  for (const std::string& table : TenantTables()) {
    std::optional<ServiceRole> reader = ReaderOf(table);
    if (!reader) continue;
    pqxx::connection conn(suite.service_database_url(*reader));
    pqxx::work txn(conn);
    txn.exec_params("SELECT set_config('app.tenant_id', $1, true)", b.tenant.id);
    EXPECT_EQ(Count(txn, table, a.tenant.id), 0) << table << " of A seen from B";
    EXPECT_GT(Count(txn, table, b.tenant.id), 0) << table << " of B not seen from B";
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM " + txn.quote_name(table) + " WHERE " +
                        TenantColumn(table) + " <> current_setting('app.tenant_id')::uuid")[0]
                  .as<long>(),
              0)
        << table;
  }
  // The customers' writer, in B's scope, changes nothing of A's.
  pqxx::connection conn(suite.service_database_url(ServiceRole::kMatching));
  pqxx::work txn(conn);
  txn.exec_params("SELECT set_config('app.tenant_id', $1, true)", b.tenant.id);
  EXPECT_EQ(txn.exec_params("UPDATE customers SET first_name = 'x' WHERE id = $1", a.customer_id)
                .affected_rows(),
            0u);
}

TEST(RowLevelSecurity, NoRowCanBeWrittenIntoAnotherTenant) {
  Suite& suite = SharedSuite();
  Populated a = Populate(suite);
  Populated b = Populate(suite);
  pqxx::connection conn(suite.service_database_url(ServiceRole::kMatching));
  pqxx::work txn(conn);
  txn.exec_params("SELECT set_config('app.tenant_id', $1, true)", b.tenant.id);
  try {
    txn.exec_params("INSERT INTO customers (tenant_id, id) VALUES ($1, gen_random_uuid())",
                    a.tenant.id);
    FAIL() << "inserted a customer into another tenant";
  } catch (const pqxx::sql_error& e) {
    EXPECT_NE(std::string(e.what()).find("violates row-level security policy"), std::string::npos)
        << e.what();
  }
}

TEST(RowLevelSecurity, KeysAreFoundOnlyThroughTheLookupFunction) {
  Suite& suite = SharedSuite();
  Suite::Tenant a = suite.NewTenant();
  // The timeline hosts the key store, and even it finds a key only through the function.
  pqxx::connection conn(suite.service_database_url(ServiceRole::kTimeline));
  pqxx::work txn(conn);
  std::string hash =
      txn.exec_params1("SELECT encode(sha256($1::bytea), 'hex')", a.api_key)[0].as<std::string>();
  EXPECT_TRUE(txn.exec_params("SELECT 1 FROM api_keys WHERE key_hash = $1", hash).empty());
  pqxx::result found =
      txn.exec_params("SELECT tenant_id::text FROM authenticate_api_key($1)", hash);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0][0].as<std::string>(), a.id);
  // Change the first hex digit to a different one: a fixed "0" would equal the hash
  // one time in sixteen.
  std::string other = hash;
  other[0] = other[0] == '0' ? '1' : '0';
  EXPECT_TRUE(txn.exec_params("SELECT 1 FROM authenticate_api_key($1)", other).empty());
}

}  // namespace
}  // namespace aievents::testing
