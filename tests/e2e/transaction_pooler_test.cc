// The pools' mode for a pooler in transaction mode (db-pooler-mode=transaction, PgBouncer
// pool_mode=transaction): no statement is left prepared on a server connection and nothing is
// set for the session, while statements, tenant scopes and statement_timeout work as before.
// Each test also runs the default mode on the same server, where the opposite holds, so the
// checks can tell the two apart. (Through a real PgBouncer: scripts/run-pgbouncer-check.sh,
// the pgbouncer_transaction_test of make test.)
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "common/pg/pg_pipeline.h"
#include "common/pg/pg_pool.h"
#include "common/service/service_config.h"
#include "services/timeline/timeline_server.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

constexpr char kEcho[] = "pooler_test_echo";
constexpr char kTenantSeen[] = "pooler_test_tenant_seen";
const std::vector<PgStatement> kStatements = {
    {kEcho, "SELECT $1::text || '!' AS echoed"},
    {kTenantSeen, "SELECT current_setting('app.tenant_id', true) AS tenant"},
};

std::unique_ptr<PgPool> Pool(bool transaction_pooler, std::chrono::milliseconds timeout) {
  PgPool::Options options;
  options.database_url = SharedSuite().service_database_url(ServiceRole::kIngest);
  options.size = 1;  // every transaction on the same server connection
  options.statements = kStatements;
  options.statement_timeout = timeout;
  options.generic_plans = true;
  options.transaction_pooler = transaction_pooler;
  auto pool = PgPool::Create(std::move(options));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return *std::move(pool);
}

struct SessionState {
  std::string echoed;
  std::string tenant;
  int prepared = -1;              // statements prepared on this server connection
  std::string statement_timeout;  // in the transaction
  std::string plan_cache_mode;    // in the transaction
};

absl::StatusOr<SessionState> Observe(PgPool& pool) {
  return pool.InTenantTransaction<SessionState>(
      "00000000-0000-0000-0000-00000000beef", [](pqxx::work& txn) -> absl::StatusOr<SessionState> {
        SessionState state;
        state.echoed = Exec1(txn, kEcho, "hello")["echoed"].as<std::string>();
        state.tenant = Exec1(txn, kTenantSeen)["tenant"].as<std::string>();
        pqxx::row row = txn.exec1(
            "SELECT (SELECT count(*) FROM pg_prepared_statements)::int,"
            " current_setting('statement_timeout'), current_setting('plan_cache_mode')");
        state.prepared = row[0].as<int>();
        state.statement_timeout = row[1].as<std::string>();
        state.plan_cache_mode = row[2].as<std::string>();
        return state;
      });
}

TEST(TransactionPooler, PoolLeavesNothingOnTheServerConnection) {
  auto pooled = Pool(/*transaction_pooler=*/true, std::chrono::milliseconds(7000));
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<SessionState> state = Observe(*pooled);
    ASSERT_TRUE(state.ok()) << state.status();
    EXPECT_EQ(state->echoed, "hello!");
    EXPECT_EQ(state->tenant, "00000000-0000-0000-0000-00000000beef");
    EXPECT_EQ(state->prepared, 0);
    EXPECT_EQ(state->statement_timeout, "7s");  // set by the transaction itself
    EXPECT_EQ(state->plan_cache_mode, "auto");  // generic_plans has no session to go to
  }
  // Readiness runs the statements the same way.
  EXPECT_TRUE(pooled->Ping().ok());

  // The default mode prepares on the connection and sets the session: what must not happen
  // behind a transaction pooler.
  auto direct = Pool(/*transaction_pooler=*/false, std::chrono::milliseconds(7000));
  absl::StatusOr<SessionState> state = Observe(*direct);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->echoed, "hello!");
  EXPECT_GE(state->prepared, 3);
  EXPECT_EQ(state->plan_cache_mode, "force_generic_plan");
}

TEST(TransactionPooler, StatementTimeoutHoldsInEveryTransaction) {
  auto pooled = Pool(/*transaction_pooler=*/true, std::chrono::milliseconds(200));
  for (int round = 0; round < 2; ++round) {
    absl::Status status = pooled->InSystemTransaction([](pqxx::work& txn) {
      txn.exec("SELECT pg_sleep(3)");
      return absl::OkStatus();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
}

TEST(TransactionPooler, AStatementThePoolWasNotGivenIsAnError) {
  auto pooled = Pool(/*transaction_pooler=*/true, std::chrono::milliseconds(7000));
  absl::Status status = pooled->InSystemTransaction([](pqxx::work& txn) {
    Exec(txn, "no_such_statement");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_NE(status.message().find("no_such_statement"), std::string::npos) << status;
}

std::unique_ptr<PgPipelinePool> Pipeline(bool transaction_pooler) {
  PgPipelinePool::Options options;
  options.database_url = SharedSuite().service_database_url(ServiceRole::kIngest);
  options.size = 1;
  options.statements = kStatements;
  options.statement_timeout = std::chrono::milliseconds(7000);
  options.transaction_pooler = transaction_pooler;
  auto pool = PgPipelinePool::Create(std::move(options));
  EXPECT_TRUE(pool.ok()) << pool.status();
  return *std::move(pool);
}

TEST(TransactionPooler, PipelinedTransactionsRunByText) {
  const char* kProbe =
      "SELECT (SELECT count(*) FROM pg_prepared_statements)::int AS prepared,"
      " current_setting('statement_timeout') AS timeout,"
      " current_setting('plan_cache_mode') AS plans";
  for (bool transaction_pooler : {true, false}) {
    SCOPED_TRACE(transaction_pooler ? "transaction pooler" : "session");
    auto pipeline = Pipeline(transaction_pooler);
    for (int round = 0; round < 2; ++round) {
      auto rows = pipeline->RunTransaction({
          ScopeToTenantCall("00000000-0000-0000-0000-00000000cafe"),
          {kEcho, {"hi"}},
          {kTenantSeen, {}},
          {kProbe, {}, /*plan_each_time=*/true},
      });
      ASSERT_TRUE(rows.ok()) << rows.status();
      ASSERT_EQ(rows->size(), 4u);
      EXPECT_EQ((*rows)[1].Text(0, 0), "hi!");
      EXPECT_EQ((*rows)[2].Text(0, 0), "00000000-0000-0000-0000-00000000cafe");
      const PgRows& probe = (*rows)[3];
      EXPECT_EQ(probe.Text(0, probe.Column("timeout")), "7s");
      if (transaction_pooler) {
        EXPECT_EQ(probe.Int64(0, probe.Column("prepared")), 0);
        EXPECT_EQ(probe.Text(0, probe.Column("plans")), "auto");
      } else {
        EXPECT_GE(probe.Int64(0, probe.Column("prepared")), 3);
        EXPECT_EQ(probe.Text(0, probe.Column("plans")), "force_generic_plan");
      }
    }
    auto unknown = pipeline->RunTransaction({{"no_such_statement", {}}});
    if (transaction_pooler) {
      EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInternal) << unknown.status();
    } else {
      EXPECT_FALSE(unknown.ok());
    }
  }
}

TEST(TransactionPooler, TimelineNeedsADirectListenUrlBehindATransactionPooler) {
  const std::vector<std::string> base = {"--database-url=postgresql://pooler/aievents",
                                         "--internal-token=0123456789abcdef0123456789abcdef",
                                         "--secrets-keys=" + SecretBox::NewBase64Key()};
  std::vector<std::string> args = base;
  args.push_back("--db-pooler-mode=transaction");
  ConfigSource missing(args, {});
  timeline::LoadTimelineConfig(missing);
  absl::Status status = missing.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--listen-database-url"), std::string::npos) << status;

  args.push_back("--listen-database-url=postgresql://primary/aievents");
  ConfigSource given(args, {});
  timeline::TimelineConfig config = timeline::LoadTimelineConfig(given);
  EXPECT_TRUE(given.Finish().ok()) << given.Finish();
  EXPECT_TRUE(config.service.db_transaction_pooler);

  std::vector<std::string> wrong = base;
  wrong.push_back("--db-pooler-mode=statement");
  ConfigSource bad(wrong, {});
  LoadServiceConfig(bad, 1, 2);
  status = bad.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--db-pooler-mode must be session or transaction"),
            std::string::npos)
      << status;
}

}  // namespace
}  // namespace aievents::testing
