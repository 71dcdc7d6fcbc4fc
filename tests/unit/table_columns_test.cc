#include "common/pg/table_columns.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace aievents {
namespace {

struct Row {
  std::string id;
  std::optional<std::string> note;
};

const TableColumns<Row>& Columns() {
  static const TableColumns<Row> columns = {
      {"id", "uuid", [](const Row& r) -> std::optional<std::string> { return r.id; },
       [](const std::optional<std::string>& v, Row& r) { r.id = v.value_or(""); }},
      {"note", "text", [](const Row& r) { return r.note; },
       [](const std::optional<std::string>& v, Row& r) { r.note = v; }},
  };
  return columns;
}

TEST(TableColumns, EveryStatementPartComesFromTheOneDeclaration) {
  EXPECT_EQ(Columns().size(), 2);
  EXPECT_EQ(Columns().Names(), "id, note");
  EXPECT_EQ(Columns().Params(3), "$3::uuid, $4::text");
  EXPECT_EQ(Columns().ArrayParams(2), "$2::uuid[], $3::text[]");
  EXPECT_EQ(Columns().Assignments(3), "id = $3::uuid, note = $4::text");
  EXPECT_EQ(Columns().ExcludedAssignments({"id"}), "note = EXCLUDED.note");
}

TEST(TableColumns, ValuesFollowTheColumnsAndNullStaysNull) {
  std::vector<std::optional<std::string>> values = Columns().Values({"a", std::nullopt});
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0], "a");
  EXPECT_EQ(values[1], std::nullopt);
  std::vector<const char*> params = ParamPointers(values);
  EXPECT_STREQ(params[0], "a");
  EXPECT_EQ(params[1], nullptr);
}

TEST(TableColumns, ArraysHoldOneLiteralPerColumnOverEveryRecord) {
  std::vector<Row> rows = {{"a", "x"}, {"b", std::nullopt}};
  std::vector<std::string> arrays = Columns().ArrayLiterals(rows);
  ASSERT_EQ(arrays.size(), 2u);
  EXPECT_EQ(arrays[0], PgArrayLiteral({"a", "b"}));
  EXPECT_EQ(arrays[1], PgArrayLiteral({"x", std::nullopt}));
}

TEST(PgStatementTable, KeepsASharedStatementOnceAndRefusesTwoTextsForOneName) {
  PgStatementTable table({{"a", "SELECT 1"}}, true);
  table.Add({{"a", "SELECT 1"}, {"b", "SELECT 2"}});
  EXPECT_EQ(table.all().size(), 2u);
  EXPECT_STREQ(table.Sql("b"), "SELECT 2");
  EXPECT_THROW(table.Add({{"a", "SELECT 3"}}), std::logic_error);
}

TEST(PgPool, RefusesNewStatementsRegisteredAfterItsFirstConnection) {
  PgPool::Options options;
  options.database_url = "postgresql://aievents@127.0.0.1:1/none?connect_timeout=1";
  auto pool = PgPool::Create(options);
  ASSERT_TRUE(pool.ok());
  (*pool)->Register({{"before", "SELECT 1"}});
  EXPECT_FALSE((*pool)->Ping().ok());  // a connection was attempted: registration is closed
  EXPECT_NO_THROW((*pool)->Register({{"before", "SELECT 1"}}));  // already there: a no-op
  EXPECT_THROW((*pool)->Register({{"after", "SELECT 2"}}), std::logic_error);
  EXPECT_THROW((*pool)->Register({{"before", "SELECT 3"}}), std::logic_error);
}

}  // namespace
}  // namespace aievents
