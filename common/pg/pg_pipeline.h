// PostgreSQL connections driven in libpq's pipeline mode, for the hot path: all statements of a
// transaction go to the server in one write and their results come back together, so a
// transaction costs one round trip instead of one per statement (BEGIN, the tenant scope, each
// statement, COMMIT). On a small machine every round trip is two context switches and a trip
// through the network stack on both sides; group commit's transactions were spending more on
// those than on their statements.
//
// The statements of one RunTransaction() form the pipeline's implicit transaction: the server
// commits it at the sync point when every statement succeeded and rolls it back otherwise, so
// the statements cannot depend on each other's results (use a single statement for that).
#ifndef AIEVENTS_COMMON_PG_PG_PIPELINE_H_
#define AIEVENTS_COMMON_PG_PG_PIPELINE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/pg/pg_pool.h"
#include "common/pg/pool_gauges.h"

struct pg_result;
struct pg_conn;

namespace aievents {

// One statement of a pipelined transaction: a statement's name (one of the pool's) and its
// parameters as text (nullopt for NULL).
struct PgCall {
  const char* statement;
  std::vector<std::optional<std::string>> params;
  // When true, `statement` is SQL text planned for these parameter values at each execution
  // instead of a prepared statement's name: for a statement whose right plan depends on the
  // table's statistics, which a plan made once (generic plans) would freeze.
  bool plan_each_time = false;
};

// The call that scopes the statements after it to `tenant_id` (see kScopeToTenant).
PgCall ScopeToTenantCall(std::string_view tenant_id);

// The rows one statement returned, in text format.
class PgRows {
 public:
  explicit PgRows(pg_result* result);

  int size() const;
  bool IsNull(int row, int column) const;
  std::string_view Text(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  // The column parsed as a 64-bit integer (0 when NULL or not a number).
  int64_t Int64(int row, int column) const;
  // The position of the column named `name` (as the select list names it), or -1. Readers
  // find their columns by name once per result, then read each row by position.
  int Column(const char* name) const;

 private:
  std::shared_ptr<pg_result> result_;
};

class PgPipelinePool {
 public:
  struct Options {
    std::string database_url;
    int size = 4;
    std::vector<PgStatement> statements;  // prepared on every connection, with kScopeToTenant
    std::chrono::milliseconds acquire_timeout{5000};
    std::chrono::milliseconds statement_timeout{0};  // as in PgPool::Options
    // plan_cache_mode = force_generic_plan on every connection (see PgPool::Options).
    bool generic_plans = true;
    // The pool's name in its metrics (aievents_db_pool_*{pool="..."}).
    std::string name = "main";
    // Behind a pooler in transaction mode (see PgPool::Options): statements are sent by text,
    // nothing is set for the session, and statement_timeout is set in every transaction.
    bool transaction_pooler = false;
  };

  // Connections are opened lazily, as in PgPool.
  static absl::StatusOr<std::unique_ptr<PgPipelinePool>> Create(Options options);
  ~PgPipelinePool();

  // As PgPool::Register: a store registers its statements in its constructor, before the
  // pool's first connection.
  void Register(const std::vector<PgStatement>& statements);

  // Runs `calls` as one transaction in one round trip and returns each call's rows, only after
  // the commit. Any error means nothing was committed, except UNAVAILABLE "outcome unknown"
  // (the connection was lost after the transaction was sent). Errors map as in PgPool.
  absl::StatusOr<std::vector<PgRows>> RunTransaction(const std::vector<PgCall>& calls);

 private:
  explicit PgPipelinePool(Options options);

  absl::StatusOr<pg_conn*> Acquire();
  void Release(pg_conn* conn, bool healthy);
  absl::StatusOr<std::vector<PgRows>> Run(pg_conn* conn, const std::vector<PgCall>& calls,
                                          bool& healthy);

  Options options_;
  PgStatementTable statements_;  // kScopeToTenant, options_.statements, Register()ed ones
  bool opened_ = false;          // a connection was opened: Register() is closed
  PoolGauges gauges_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<pg_conn*> idle_;
  int open_ = 0;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_PG_PIPELINE_H_
