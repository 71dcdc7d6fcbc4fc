// Migrations are recorded and applied once: running them again (as `make up` does) is a no-op.
#include <gtest/gtest.h>

#include "db/migrator.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(Migrations, SecondRunAppliesNothing) {
  auto applied = db::ApplyMigrations(SharedSuite().database_url());
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(applied->empty());
  pqxx::connection conn(SharedSuite().database_url());
  pqxx::work txn(conn);
  EXPECT_EQ(txn.exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
            db::EmbeddedMigrations().size());
}

}  // namespace
}  // namespace aievents::testing
