#include "common/pg/pg_statement.h"

#include <stdexcept>
#include <string>

namespace aievents {

PgStatementTable::PgStatementTable(const std::vector<PgStatement>& statements, bool prepared)
    : prepared_(prepared) {
  Add(statements);
}

void PgStatementTable::Add(const std::vector<PgStatement>& statements) {
  for (const PgStatement& statement : statements) {
    auto [it, added] = sql_.emplace(statement.name, statement.sql);
    if (added) {
      all_.push_back(statement);
    } else if (std::string_view(it->second) != statement.sql) {
      throw std::logic_error("statement " + std::string(statement.name) +
                             " registered twice with different SQL");
    }
  }
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

void PgStatementTable::Register(const std::vector<PgStatement>& statements, bool opened,
                                std::string_view pool_name) {
  if (!opened) {
    Add(statements);
    return;
  }
  for (const PgStatement& statement : statements) {
    const char* sql = Find(statement.name);
    if (sql == nullptr || std::string_view(sql) != statement.sql) {
      throw std::logic_error("statement " + std::string(statement.name) + " registered with pool " +
                             std::string(pool_name) + " after it opened a connection");
    }
  }
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
