#include "db/migrator.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"

namespace aievents::db {
namespace {

// Arbitrary constant identifying the migration advisory lock.
constexpr long long kMigrationLockId = 0x61696576656e7473;  // "aievents"

}  // namespace

absl::StatusOr<std::vector<std::string>> ApplyMigrations(const std::string& database_url) {
  std::vector<std::string> applied;
  try {
    pqxx::connection conn(database_url);
    pqxx::nontransaction setup(conn);
    setup.exec("SET client_min_messages = warning");
    setup.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockId);
    setup.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY, name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    setup.commit();
    for (const Migration& migration : EmbeddedMigrations()) {
      pqxx::work txn(conn);
      pqxx::result done =
          txn.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", migration.version);
      if (!done.empty()) continue;
      txn.exec(migration.sql);
      txn.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                      migration.version, std::string(migration.name));
      txn.commit();
      applied.emplace_back(migration.name);
    }
    pqxx::nontransaction unlock(conn);
    unlock.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockId);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("migration failed: ", e.what()));
  }
  return applied;
}

}  // namespace aievents::db
