// A fixed-size pool of PostgreSQL connections with every statement prepared once per
// connection, and the transaction helpers every query goes through. Tenant-scoped work runs in a
// transaction that first sets `app.tenant_id` (SET LOCAL semantics), so the database always
// knows whose rows a statement may touch (the hook row-level security will use).
#ifndef AIEVENTS_COMMON_PG_PG_POOL_H_
#define AIEVENTS_COMMON_PG_PG_POOL_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/pg/pg_statement.h"
#include "common/pg/pool_gauges.h"

namespace aievents {

// The statement that scopes a transaction to a tenant (app.tenant_id, transaction-local);
// prepared on every connection of both database layers.
inline constexpr PgStatement kScopeToTenant = {"aievents_set_tenant",
                                               "SELECT set_config('app.tenant_id', $1, true)"};
// The same, plus a statement_timeout for this transaction only ($2, in milliseconds): one round
// trip scopes the transaction and bounds it by the request's deadline.
inline constexpr PgStatement kScopeToTenantWithin = {
    "aievents_set_tenant_within",
    "SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true)"};
// A statement_timeout for this transaction only, for transactions of no tenant.
inline constexpr PgStatement kLimitTransactionTime = {
    "aievents_limit_transaction_time", "SELECT set_config('statement_timeout', $1, true)"};

class PgPool {
 public:
  struct Options {
    std::string database_url;
    int size = 8;
    std::vector<PgStatement> statements;
    // How long a caller waits for a free connection before UNAVAILABLE.
    std::chrono::milliseconds acquire_timeout{5000};
    // The longest any statement may run (statement_timeout on every connection; 0 keeps the
    // server's). A stuck statement then fails and frees its connection instead of holding it.
    std::chrono::milliseconds statement_timeout{0};
    // Plan every prepared statement once (plan_cache_mode = force_generic_plan). Right for
    // statements whose best plan does not depend on their values (key lookups, array inserts):
    // PostgreSQL otherwise re-plans them on every execution, which costs more than running them.
    // Sequential scans are turned off on these connections: a plan made once while a table is
    // empty would otherwise keep scanning it whole as it grows.
    bool generic_plans = false;
    // The pool's name in its metrics (aievents_db_pool_*{pool="..."}).
    std::string name = "main";
    // `database_url` leads to a pooler in transaction mode (PgBouncer pool_mode=transaction),
    // which may run each transaction on another server connection: statements are then sent
    // by text (pg_statement.h), nothing is set for the session, and statement_timeout is set
    // at the start of every transaction instead. generic_plans has no effect then.
    bool transaction_pooler = false;
  };

  // Connections are opened lazily, so a service can start (and report NOT_SERVING) while the
  // database is still coming up.
  static absl::StatusOr<std::unique_ptr<PgPool>> Create(Options options);

  // Adds statements every connection prepares. Each store registers its own in its
  // constructor, so a store cannot run on a pool that lacks them. New statements only before
  // the pool's first connection (a server builds its stores before it serves): later they are
  // a programming error, std::logic_error, since open connections would lack them. Statements
  // the pool already has may be registered again at any time.
  void Register(const std::vector<PgStatement>& statements);

  using Work = std::function<absl::Status(pqxx::work&)>;

  // Runs `work` in one transaction scoped to `tenant_id` and commits when it returns OK; any
  // error rolls everything back. Database errors become statuses: lost connection or unknown
  // commit outcome UNAVAILABLE, serialization failure ABORTED, unique violation ALREADY_EXISTS,
  // invalid input syntax INVALID_ARGUMENT, a statement cancelled by its timeout
  // DEADLINE_EXCEEDED, anything else INTERNAL.
  //
  // Every transaction helper ends by the thread's request deadline (CurrentRequestDeadline(),
  // set by gRPC handlers) when that comes before the configured limits: the wait for a
  // connection is cut to it (DEADLINE_EXCEEDED), and so is statement_timeout for the
  // transaction's statements. A deadline already passed fails before any connection is taken.
  absl::Status InTenantTransaction(std::string_view tenant_id, const Work& work);

  // The same for work that produces a value: `work` returns absl::StatusOr<T>, and its value
  // is returned once the transaction committed. Called as InTenantTransaction<T>(tenant, ...).
  template <typename T>
  absl::StatusOr<T> InTenantTransaction(std::string_view tenant_id,
                                        const std::function<absl::StatusOr<T>(pqxx::work&)>& work) {
    return RunForValue<T>(tenant_id, work);
  }

  // Scopes the statements that follow in `txn` to `tenant_id` (app.tenant_id, transaction-local).
  static void ScopeToTenant(pqxx::work& txn, std::string_view tenant_id);

  // Runs `work` in a transaction that belongs to no tenant: for the cross-tenant lookups that
  // must happen before a tenant is known (API-key authentication) and for operator tools.
  absl::Status InSystemTransaction(const Work& work);

  // The same for work that produces a value, as InTenantTransaction<T>.
  template <typename T>
  absl::StatusOr<T> InSystemTransaction(const std::function<absl::StatusOr<T>(pqxx::work&)>& work) {
    return RunForValue<T>(std::nullopt, work);
  }

  // Runs the tenant-scope statement the way every transaction does (prepared or by text); OK
  // when the database answers it.
  absl::Status Ping();

 private:
  explicit PgPool(Options options);

  // Waits at most `wait` for a connection; `by_deadline` says the wait was cut to the request's
  // deadline (DEADLINE_EXCEEDED then, rather than UNAVAILABLE).
  absl::StatusOr<std::unique_ptr<pqxx::connection>> Acquire(std::chrono::milliseconds wait,
                                                            bool by_deadline);
  void Release(std::unique_ptr<pqxx::connection> conn, bool healthy);
  absl::Status Run(std::optional<std::string_view> tenant_id, const Work& work);
  // Run() for work that produces a value, returned once the transaction committed.
  template <typename T>
  absl::StatusOr<T> RunForValue(std::optional<std::string_view> tenant_id,
                                const std::function<absl::StatusOr<T>(pqxx::work&)>& work) {
    std::optional<T> result;
    absl::Status status = Run(tenant_id, [&](pqxx::work& txn) -> absl::Status {
      absl::StatusOr<T> value = work(txn);
      if (!value.ok()) return value.status();
      result = *std::move(value);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return *std::move(result);
  }

  Options options_;
  PgStatementTable statements_;  // the scope statements, options_.statements, Register()ed ones
  bool opened_ = false;          // a connection was opened: Register() is closed
  PoolGauges gauges_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  int open_ = 0;  // connections that exist, idle or lent out
};

// A nullable column as an optional.
inline std::optional<std::string> OptionalText(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

// The strings of a text[] column (NULL elements skipped).
std::vector<std::string> TextArray(const pqxx::field& field);

// A proto field with presence as an optional: `value` when `has`, else nullopt.
inline std::optional<std::string> OptionalIf(bool has, const std::string& value) {
  if (!has) return std::nullopt;
  return value;
}

// NULL for an absent value, for passing optionals as statement parameters.
inline const char* NullableParam(const std::optional<std::string>& value) {
  return value.has_value() ? value->c_str() : nullptr;
}

// A PostgreSQL array literal ("{\"a\",NULL}") for passing a column of values as one parameter
// (with unnest on the SQL side), so one prepared statement inserts any number of rows.
std::string PgArrayLiteral(const std::vector<std::optional<std::string>>& values);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_PG_POOL_H_
