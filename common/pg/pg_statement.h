// The statements of a pool and how they reach the server; Exec() and Exec1(), through which
// every statement of a pooled transaction runs.
//
// Connected to PostgreSQL directly (or through PgBouncer in session mode), a client connection
// keeps its server connection, so each statement is prepared once per connection under its
// name and then executed by name: parsed and planned once. Behind a pooler in transaction mode
// (PgBouncer pool_mode=transaction) consecutive transactions of one client connection run on
// different server connections, where a name prepared earlier is either unknown or already
// taken by another client. There each statement is sent with its text as the unnamed statement
// of the extended protocol, which the next statement replaces and so never outlives the
// transaction: one more parse per execution, and nothing left behind on the server.
#ifndef AIEVENTS_COMMON_PG_PG_STATEMENT_H_
#define AIEVENTS_COMMON_PG_PG_STATEMENT_H_

#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace aievents {

// A named SQL statement, prepared on every pooled connection (or sent by text, see above).
struct PgStatement {
  const char* name;
  const char* sql;
};

// The statements of one pool, by name, and whether they run as named prepared statements.
class PgStatementTable {
 public:
  // The strings `statements` point to must outlive the table (they are literals everywhere).
  PgStatementTable(const std::vector<PgStatement>& statements, bool prepared);

  bool prepared() const { return prepared_; }
  // Adds `statements`. A name already present with the same text is kept once (two stores may
  // share statements); the same name with another text is a programming error: std::logic_error.
  void Add(const std::vector<PgStatement>& statements);
  // Add() for a pool's Register(): once the pool of `pool_name` has `opened` a connection,
  // statements it already has are accepted as they are and a new one is a programming error
  // (std::logic_error), since the connections already open would lack it.
  void Register(const std::vector<PgStatement>& statements, bool opened,
                std::string_view pool_name);
  // Every statement, in the order added (what each new connection prepares).
  const std::vector<PgStatement>& all() const { return all_; }
  // The SQL text of the statement `name`, or null for a name the pool was not given.
  const char* Find(std::string_view name) const;
  // The SQL text of the statement `name`; throws std::logic_error for a name the pool was not
  // given (a programming error, reported as INTERNAL by the transaction helpers).
  const char* Sql(std::string_view name) const;

 private:
  bool prepared_;
  std::vector<PgStatement> all_;
  std::unordered_map<std::string_view, const char*> sql_;
};

namespace pg_internal {

// The table of the pool whose transaction runs on this thread (set by the pools for the
// duration of a transaction's work), or null outside one.
const PgStatementTable* CurrentStatementTable();

class ScopedStatementTable {
 public:
  explicit ScopedStatementTable(const PgStatementTable* table);
  ~ScopedStatementTable();
  ScopedStatementTable(const ScopedStatementTable&) = delete;
  ScopedStatementTable& operator=(const ScopedStatementTable&) = delete;

 private:
  const PgStatementTable* previous_;
};

}  // namespace pg_internal

// Runs the pool's statement `name` with `args` as its parameters, as a prepared statement or
// by its text as the pool is configured (outside a pool's transaction: as a prepared one).
template <typename... Args>
pqxx::result Exec(pqxx::transaction_base& txn, const char* name, Args&&... args) {
  const PgStatementTable* table = pg_internal::CurrentStatementTable();
  if (table == nullptr || table->prepared()) {
    return txn.exec_prepared(name, std::forward<Args>(args)...);
  }
  return txn.exec_params(table->Sql(name), std::forward<Args>(args)...);
}

// Exec() for a statement that must return exactly one row (pqxx::unexpected_rows otherwise).
template <typename... Args>
pqxx::row Exec1(pqxx::transaction_base& txn, const char* name, Args&&... args) {
  pqxx::result rows = Exec(txn, name, std::forward<Args>(args)...);
  if (rows.size() != 1) {
    throw pqxx::unexpected_rows("expected 1 row from " + std::string(name) + ", got " +
                                std::to_string(rows.size()));
  }
  return rows[0];
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_PG_STATEMENT_H_
