// A wide table's written columns, declared once: each column's name, its SQL type and how its
// value is taken from the record being written (and, where the same record is read back, how
// it is read). Every statement's column list, parameter placeholders with their casts, unnest
// arrays and SET list are generated from the one declaration, and so are the parameters: a
// column cannot be added to the SQL and forgotten in the binding, or bound in another position.
#ifndef AIEVENTS_COMMON_PG_TABLE_COLUMNS_H_
#define AIEVENTS_COMMON_PG_TABLE_COLUMNS_H_

#include <functional>
#include <initializer_list>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/pg/pg_pool.h"

namespace aievents {

template <typename Record>
struct TableColumn {
  const char* name;
  const char* sql_type;  // the parameter's cast: "text", "uuid", "timestamptz", ...
  // The value written for `record`; nullopt writes NULL.
  std::optional<std::string> (*write)(const Record& record);
  // Sets the column's value (nullopt for NULL) on `record`; null for a column not read back
  // into the same record type.
  void (*read)(const std::optional<std::string>& value, Record& record) = nullptr;
};

template <typename Record>
class TableColumns {
 public:
  TableColumns(std::initializer_list<TableColumn<Record>> columns) : columns_(columns) {}

  int size() const { return static_cast<int>(columns_.size()); }

  // "email, phone, ..."
  std::string Names() const {
    return Join([](const TableColumn<Record>& column, int) { return std::string(column.name); });
  }

  // "$3::text, $4::uuid, ...": one parameter per column, numbered from `first`.
  std::string Params(int first) const {
    return Join([first](const TableColumn<Record>& column, int i) {
      return absl::StrCat("$", first + i, "::", column.sql_type);
    });
  }

  // "$2::text[], $3::uuid[], ...": one array per column (for unnest), numbered from `first`.
  std::string ArrayParams(int first) const {
    return Join([first](const TableColumn<Record>& column, int i) {
      return absl::StrCat("$", first + i, "::", column.sql_type, "[]");
    });
  }

  // "email = $3::text, ...": the SET list of an UPDATE with parameters numbered from `first`.
  std::string Assignments(int first) const {
    return Join([first](const TableColumn<Record>& column, int i) {
      return absl::StrCat(column.name, " = $", first + i, "::", column.sql_type);
    });
  }

  // "summary = EXCLUDED.summary, ...": the SET list of an upsert, without the columns `kept`.
  std::string ExcludedAssignments(std::set<std::string_view> kept) const {
    std::string out;
    for (const TableColumn<Record>& column : columns_) {
      if (kept.count(column.name) > 0) continue;
      absl::StrAppend(&out, out.empty() ? "" : ", ", column.name, " = EXCLUDED.", column.name);
    }
    return out;
  }

  // The values to bind, in the columns' order.
  std::vector<std::optional<std::string>> Values(const Record& record) const {
    std::vector<std::optional<std::string>> values;
    values.reserve(columns_.size());
    for (const TableColumn<Record>& column : columns_) values.push_back(column.write(record));
    return values;
  }

  // One array literal per column over `records` (what ArrayParams() binds).
  std::vector<std::string> ArrayLiterals(const std::vector<Record>& records) const {
    std::vector<std::vector<std::optional<std::string>>> columns(columns_.size());
    for (const Record& record : records) {
      for (size_t c = 0; c < columns_.size(); ++c) columns[c].push_back(columns_[c].write(record));
    }
    std::vector<std::string> literals;
    literals.reserve(columns.size());
    for (const auto& column : columns) literals.push_back(PgArrayLiteral(column));
    return literals;
  }

  // Sets every readable column of `record` from `row`, found by name.
  void Read(const pqxx::row& row, Record& record) const {
    for (const TableColumn<Record>& column : columns_) {
      if (column.read != nullptr) column.read(OptionalText(row[column.name]), record);
    }
  }

 private:
  template <typename Part>
  std::string Join(Part&& part) const {
    std::string out;
    for (size_t i = 0; i < columns_.size(); ++i) {
      absl::StrAppend(&out, i == 0 ? "" : ", ", part(columns_[i], static_cast<int>(i)));
    }
    return out;
  }

  std::vector<TableColumn<Record>> columns_;
};

// `values` as statement parameters (NULL for nullopt), for
// pqxx::prepare::make_dynamic_params; the strings must outlive the call.
inline std::vector<const char*> ParamPointers(
    const std::vector<std::optional<std::string>>& values) {
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::optional<std::string>& value : values) pointers.push_back(NullableParam(value));
  return pointers;
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_TABLE_COLUMNS_H_
