// Applies the numbered SQL migrations under db/migrations/ (compiled into the binary) in order,
// each in its own transaction, recording them in schema_migrations.
#ifndef AIEVENTS_DB_MIGRATOR_H_
#define AIEVENTS_DB_MIGRATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace aievents::db {

// One migration file.
struct Migration {
  int version;
  const char* name;
  const char* sql;
};

// Every migration, ordered by version.
const std::vector<Migration>& EmbeddedMigrations();

// Applies the pending migrations to the database at `database_url` and returns the names of
// the ones it applied. Safe to run concurrently from several processes: an advisory lock makes
// them take turns.
absl::StatusOr<std::vector<std::string>> ApplyMigrations(const std::string& database_url);

}  // namespace aievents::db

#endif  // AIEVENTS_DB_MIGRATOR_H_
