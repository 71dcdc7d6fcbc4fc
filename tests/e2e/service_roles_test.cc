// A database role per service (db/migrations/0006_service_roles.sql): the grants are checked
// both ways. The matrix below is the whole of what each role may do to each table; a grant
// widened or added anywhere fails it. Then real statements: a service writing a table it does
// not own is refused by PostgreSQL itself. That each service still does its whole job under
// its role is shown by every other e2e test, which run the services with these logins.
#include <gtest/gtest.h>

#include <map>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

// role -> table -> privileges, "" for none. Column grants are written PRIV(col,...).
using GrantMatrix = std::map<std::string, std::map<std::string, std::string>>;

const GrantMatrix& ExpectedGrants() {
  static const GrantMatrix grants = {
      {"aievents_ingest",
       // DELETE on its three: an erasure removes a person's events, their history and the
       // vendor deliveries behind them (migration 0011).
       {{"ai_events", "SELECT,INSERT,UPDATE,DELETE"},
        {"ai_event_associations", "SELECT,INSERT,DELETE"},
        {"webhook_sources", "SELECT,INSERT,UPDATE"},
        {"webhook_deliveries", "SELECT,INSERT,UPDATE,DELETE"},
        {"customer_erasures", "SELECT,INSERT,UPDATE"},
        {"customers", "SELECT"},
        // Its outbox, written by triggers on ai_events (pruned through prune_event_outbox).
        {"event_outbox", "INSERT"},
        {"audit_events", "INSERT"}}},
      {"aievents_matching",
       {{"customers", "SELECT,INSERT,UPDATE,DELETE"},
        // Its outbox, a queue: a change is deleted once its work is done.
        {"customer_changes", "SELECT,INSERT,UPDATE,DELETE"},
        // Suppressions: made by an erasure, read by every batch match, lifted by an operator.
        {"suppressions", "SELECT,INSERT,DELETE"},
        {"ai_events", "SELECT"},
        {"audit_events", "INSERT"}}},
      {"aievents_timeline",
       {{"ai_events", "SELECT"},
        {"ai_event_associations", "SELECT"},
        {"customers", "SELECT"},
        // The deliveries behind a customer's events, for their export (migration 0013).
        {"webhook_deliveries", "SELECT"},
        {"api_keys", "SELECT,INSERT,UPDATE(expires_at,revoked_at)"},
        {"audit_events", "SELECT,INSERT"},
        // The outbound webhooks it hosts: endpoints (deleted through the API; their messages
        // and attempts go with them by cascade), the relay's events (pruned through
        // prune_webhook_events) and their heads (kept by a trigger on them), messages (a
        // delivered one is deleted), attempts (appended) and the relay's cursor.
        {"webhook_endpoints", "SELECT,INSERT,UPDATE,DELETE"},
        {"webhook_events", "SELECT,INSERT"},
        {"webhook_event_heads", "SELECT,INSERT,UPDATE"},
        {"webhook_messages", "SELECT,INSERT,UPDATE,DELETE"},
        {"webhook_attempts", "SELECT,INSERT"},
        {"outbound_relay", "SELECT,UPDATE"}}},
      // What all three share holds no table at all; the lookup functions own what they read.
      {"aievents_app", {}},
      {"public", {}},
  };
  return grants;
}

// What `role` may do to `table`, in the notation of ExpectedGrants, read from the catalog.
std::string ActualGrants(pqxx::work& txn, const std::string& role, const std::string& table) {
  std::string grants;
  auto append = [&grants](const std::string& privilege) {
    grants += (grants.empty() ? "" : ",") + privilege;
  };
  for (const char* privilege :
       {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"}) {
    if (txn.exec_params1("SELECT has_table_privilege($1, $2, $3)", role, table, privilege)[0]
            .as<bool>()) {
      append(privilege);
      continue;
    }
    // Only these four can also be granted per column.
    if (std::string_view(privilege) == "DELETE" || std::string_view(privilege) == "TRUNCATE" ||
        std::string_view(privilege) == "TRIGGER") {
      continue;
    }
    pqxx::result columns = txn.exec_params(
        "SELECT attname FROM pg_attribute WHERE attrelid = $2::regclass AND attnum > 0"
        " AND NOT attisdropped AND has_column_privilege($1, attrelid, attnum, $3)"
        " ORDER BY attname",
        role, table, privilege);
    if (columns.empty()) continue;
    std::string names;
    for (const pqxx::row& column : columns) {
      names += (names.empty() ? "" : ",") + column[0].as<std::string>();
    }
    append(std::string(privilege) + "(" + names + ")");
  }
  return grants;
}

// Every difference between the catalog (as `txn` sees it) and ExpectedGrants(), one line each.
std::vector<std::string> GrantMismatches(pqxx::work& txn) {
  // Every table of the schema, so a new table granted to a service is caught too.
  std::vector<std::string> tables;
  for (const pqxx::row& row :
       txn.exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')"
                " ORDER BY c.relname")) {
    tables.push_back(row[0].as<std::string>());
  }
  std::vector<std::string> mismatches;
  for (const auto& [role, expected] : ExpectedGrants()) {
    for (const std::string& table : tables) {
      auto found = expected.find(table);
      std::string want = found == expected.end() ? "" : found->second;
      std::string have = ActualGrants(txn, role, table);
      if (have != want) {
        mismatches.push_back(role + " on " + table + ": has \"" + have + "\", expected \"" + want +
                             "\"");
      }
    }
  }
  return mismatches;
}

TEST(ServiceRoles, EachRoleHoldsExactlyTheGrantsOfItsService) {
  pqxx::connection conn(SharedSuite().database_url());
  pqxx::work txn(conn);
  EXPECT_EQ(GrantMismatches(txn), std::vector<std::string>());
}

// The check above can fail: a grant widened (here inside a transaction that is rolled back) is
// reported, whole-table and per column alike.
TEST(ServiceRoles, AWidenedGrantIsCaught) {
  pqxx::connection conn(SharedSuite().database_url());
  pqxx::work txn(conn);
  txn.exec("GRANT UPDATE ON customers TO aievents_ingest");
  txn.exec("GRANT UPDATE (summary) ON ai_events TO aievents_matching");
  EXPECT_EQ(GrantMismatches(txn),
            (std::vector<std::string>{
                "aievents_ingest on customers: has \"SELECT,UPDATE\", expected \"SELECT\"",
                "aievents_matching on ai_events: has \"SELECT,UPDATE(summary)\", expected "
                "\"SELECT\""}));
}

// The SECURITY DEFINER lookups read across tenants: who may run each one, exactly.
TEST(ServiceRoles, OnlyTheirServicesMayRunTheCrossTenantLookups) {
  const std::map<std::string, std::set<std::string>> runners = {
      {"authenticate_api_key(text)",
       {"aievents_app", "aievents_ingest", "aievents_matching", "aievents_timeline"}},
      {"webhook_source_for_token(text)", {"aievents_ingest"}},
      {"claim_webhook_deliveries(interval,integer,interval)", {"aievents_ingest"}},
      {"webhook_inbox_backlog()", {"aievents_ingest"}},
      {"claim_customer_changes(integer,interval)", {"aievents_matching"}},
      {"scrub_audit_snapshots(text[])", {"aievents_ingest", "aievents_matching"}},
      {"event_outbox_after(xid8,bigint,integer)", {"aievents_timeline"}},
      {"claim_webhook_batch(integer,integer,interval)", {"aievents_timeline"}},
      {"outbound_backlog()", {"aievents_timeline"}},
      {"prune_event_outbox(integer)", {"aievents_ingest"}},
      {"prune_webhook_events(integer)", {"aievents_timeline"}},
  };
  pqxx::connection conn(SharedSuite().database_url());
  pqxx::work txn(conn);
  std::set<std::string> functions;
  for (const pqxx::row& row :
       txn.exec("SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n"
                " ON n.oid = p.pronamespace WHERE n.nspname = 'public' AND p.prosecdef")) {
    functions.insert(row[0].as<std::string>());
  }
  std::set<std::string> expected_functions;
  for (const auto& [function, roles] : runners) expected_functions.insert(function);
  EXPECT_EQ(functions, expected_functions) << "a SECURITY DEFINER function this test does not know";
  for (const auto& [function, roles] : runners) {
    for (const char* role :
         {"public", "aievents_app", "aievents_ingest", "aievents_matching", "aievents_timeline"}) {
      EXPECT_EQ(txn.exec_params1("SELECT has_function_privilege($1, $2::regprocedure, 'EXECUTE')",
                                 role, function)[0]
                    .as<bool>(),
                roles.count(role) > 0)
          << role << " on " << function;
    }
  }
}

TEST(ServiceRoles, EachServiceLogsInAsItsOwnRoleThatOwnsAndBypassesNothing) {
  for (ServiceRole service :
       {ServiceRole::kIngest, ServiceRole::kMatching, ServiceRole::kTimeline}) {
    pqxx::connection conn(SharedSuite().service_database_url(service));
    pqxx::work txn(conn);
    pqxx::row role = txn.exec1(
        "SELECT current_user AS name, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb"
        " FROM pg_roles WHERE rolname = current_user");
    std::string name = role["name"].as<std::string>();
    EXPECT_EQ(name, RoleName(service));
    EXPECT_FALSE(role["rolsuper"].as<bool>()) << name;
    EXPECT_FALSE(role["rolbypassrls"].as<bool>()) << name;
    EXPECT_FALSE(role["rolcreaterole"].as<bool>()) << name;
    EXPECT_FALSE(role["rolcreatedb"].as<bool>()) << name;
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                        " ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                        " AND pg_get_userbyid(c.relowner) = current_user")[0]
                  .as<long>(),
              0)
        << name << " owns a relation";
    // A service role that could grant itself another's role would undo the split.
    EXPECT_EQ(txn.exec1("SELECT count(*) FROM pg_auth_members WHERE admin_option AND member ="
                        " (SELECT oid FROM pg_roles WHERE rolname = current_user)")[0]
                  .as<long>(),
              0)
        << name;
  }
}

// Runs `statement` as `service`, inside the tenant's scope, and expects PostgreSQL to refuse
// it for want of a privilege (not, say, for a bad row: the statement is otherwise valid).
void ExpectRefused(ServiceRole service, const std::string& tenant_id,
                   const std::string& statement) {
  pqxx::connection conn(SharedSuite().service_database_url(service));
  pqxx::work txn(conn);
  txn.exec_params("SELECT set_config('app.tenant_id', $1, true)", tenant_id);
  try {
    txn.exec(statement);
    ADD_FAILURE() << RoleName(service) << " was allowed: " << statement;
  } catch (const pqxx::sql_error& e) {
    EXPECT_NE(std::string(e.what()).find("permission denied"), std::string::npos)
        << RoleName(service) << ": " << statement << ": " << e.what();
  }
}

TEST(ServiceRoles, AServiceCannotWriteATableItDoesNotOwn) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "roles@example.com"}});
  std::string event = CreateEvent(suite, tenant.api_key, {{"email", "roles@example.com"}},
                                  "2026-03-10T14:30:00Z", "roles")["id"];
  pqxx::connection owner(suite.database_url());
  const std::string tenant_id = owner.quote(tenant.id);
  const std::string insert_event =
      "INSERT INTO ai_events (tenant_id, id, source, event_type, occurred_at, summary,"
      " idempotency_key, match_method) VALUES (" +
      tenant_id + ", gen_random_uuid(), 'test', 'call', now(), 'x', 'roles-2', 'none')";
  const std::string update_event =
      "UPDATE ai_events SET summary = 'rewritten' WHERE id = " + owner.quote(event);
  const std::string insert_customer =
      "INSERT INTO customers (tenant_id, id) VALUES (" + tenant_id + ", gen_random_uuid())";
  const std::string update_customer =
      "UPDATE customers SET first_name = 'rewritten' WHERE id = " + owner.quote(customer);

  ExpectRefused(ServiceRole::kMatching, tenant.id, insert_event);
  ExpectRefused(ServiceRole::kMatching, tenant.id, update_event);
  ExpectRefused(ServiceRole::kIngest, tenant.id, insert_customer);
  ExpectRefused(ServiceRole::kIngest, tenant.id, update_customer);
  for (const std::string& statement :
       {insert_event, update_event, insert_customer, update_customer}) {
    ExpectRefused(ServiceRole::kTimeline, tenant.id, statement);
  }
  // Only an owner deletes from its tables (erasure); nobody rewrites or removes the trail.
  ExpectRefused(ServiceRole::kMatching, tenant.id, "DELETE FROM ai_events");
  ExpectRefused(ServiceRole::kTimeline, tenant.id, "DELETE FROM ai_events");
  ExpectRefused(ServiceRole::kIngest, tenant.id, "DELETE FROM customers");
  ExpectRefused(ServiceRole::kTimeline, tenant.id, "DELETE FROM customers");
  for (ServiceRole service :
       {ServiceRole::kIngest, ServiceRole::kMatching, ServiceRole::kTimeline}) {
    for (const char* statement : {"DELETE FROM audit_events", "TRUNCATE audit_events",
                                  "UPDATE audit_events SET actor = 'someone else'",
                                  "UPDATE audit_events SET after = '{}'::jsonb"}) {
      ExpectRefused(service, tenant.id, statement);
    }
  }

  // And nothing was changed by the attempts.
  pqxx::work txn(owner);
  EXPECT_NE(
      txn.exec_params1("SELECT summary FROM ai_events WHERE id = $1", event)[0].as<std::string>(),
      "rewritten");
  EXPECT_TRUE(txn.exec_params1("SELECT first_name IS DISTINCT FROM 'rewritten' FROM customers"
                               " WHERE id = $1",
                               customer)[0]
                  .as<bool>());
}

}  // namespace
}  // namespace aievents::testing
