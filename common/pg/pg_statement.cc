#include "common/pg/pg_statement.h"

#include <stdexcept>
#include <string>

namespace aievents {

PgStatementTable::PgStatementTable(const std::vector<PgStatement>& statements, bool prepared)
    : prepared_(prepared) {
  for (const PgStatement& statement : statements) sql_[statement.name] = statement.sql;
}

const char* PgStatementTable::Find(std::string_view name) const {
  auto it = sql_.find(name);
  return it == sql_.end() ? nullptr : it->second;
}

const char* PgStatementTable::Sql(std::string_view name) const {
  const char* sql = Find(name);
  if (sql == nullptr) {
    throw std::logic_error("statement " + std::string(name) + " is not one of this pool's");
  }
  return sql;
}

namespace pg_internal {
namespace {
thread_local const PgStatementTable* current_table = nullptr;
}  // namespace

const PgStatementTable* CurrentStatementTable() { return current_table; }

ScopedStatementTable::ScopedStatementTable(const PgStatementTable* table)
    : previous_(current_table) {
  current_table = table;
}

ScopedStatementTable::~ScopedStatementTable() { current_table = previous_; }

}  // namespace pg_internal
}  // namespace aievents
