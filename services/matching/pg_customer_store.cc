#include "services/matching/pg_customer_store.h"

#include "google/protobuf/util/time_util.h"

namespace aievents::matching {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kInsertCustomer[] = "customers_insert";
constexpr char kGetCustomer[] = "customers_get";
constexpr char kMatchCustomer[] = "customers_match";

#define AIEVENTS_CUSTOMER_COLUMNS                                                \
  "id::text, email, phone, first_name, last_name, email_normalized, phone_e164," \
  " name_normalized, (extract(epoch FROM created_at) * 1000000)::bigint"

std::optional<std::string> Optional(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

std::optional<std::string> Optional(bool has, const std::string& value) {
  if (!has) return std::nullopt;
  return value;
}

v1::Customer CustomerFromRow(const pqxx::row& row) {
  v1::Customer customer;
  customer.set_id(row[0].as<std::string>());
  if (auto v = Optional(row[1])) customer.set_email(*v);
  if (auto v = Optional(row[2])) customer.set_phone(*v);
  if (auto v = Optional(row[3])) customer.set_first_name(*v);
  if (auto v = Optional(row[4])) customer.set_last_name(*v);
  if (auto v = Optional(row[5])) customer.set_email_normalized(*v);
  if (auto v = Optional(row[6])) customer.set_phone_e164(*v);
  if (auto v = Optional(row[7])) customer.set_name_normalized(*v);
  *customer.mutable_created_at() = TimeUtil::MicrosecondsToTimestamp(row[8].as<int64_t>());
  return customer;
}

}  // namespace

std::vector<PgStatement> PgCustomerStore::Statements() {
  return {
      {kInsertCustomer,
       "INSERT INTO customers (tenant_id, id, email, phone, first_name, last_name,"
       " email_normalized, phone_e164, name_normalized)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
       " RETURNING " AIEVENTS_CUSTOMER_COLUMNS},
      {kGetCustomer,
       "SELECT " AIEVENTS_CUSTOMER_COLUMNS " FROM customers WHERE tenant_id = $1 AND id = $2"},
      // One branch per rule, each reading the first entry of its index; the lowest rank wins.
      {kMatchCustomer,
       "SELECT id::text, method, value FROM ("
       " (SELECT id, 1 AS rank, 'email' AS method, email_normalized AS value FROM customers"
       "   WHERE tenant_id = $1 AND email_normalized = $2 ORDER BY created_at, id LIMIT 1)"
       " UNION ALL"
       " (SELECT id, 2, 'phone', phone_e164 FROM customers"
       "   WHERE tenant_id = $1 AND phone_e164 = $3 ORDER BY created_at, id LIMIT 1)"
       " UNION ALL"
       " (SELECT id, 3, 'name', name_normalized FROM customers"
       "   WHERE tenant_id = $1 AND name_normalized = $4 ORDER BY created_at, id LIMIT 1)"
       ") AS candidates ORDER BY rank LIMIT 1"},
  };
}

absl::StatusOr<v1::Customer> PgCustomerStore::Insert(const std::string& tenant_id,
                                                     v1::Customer customer) {
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::row row = txn.exec_prepared1(
        kInsertCustomer, tenant_id, customer.id(),
        NullableParam(Optional(customer.has_email(), customer.email())),
        NullableParam(Optional(customer.has_phone(), customer.phone())),
        NullableParam(Optional(customer.has_first_name(), customer.first_name())),
        NullableParam(Optional(customer.has_last_name(), customer.last_name())),
        NullableParam(Optional(customer.has_email_normalized(), customer.email_normalized())),
        NullableParam(Optional(customer.has_phone_e164(), customer.phone_e164())),
        NullableParam(Optional(customer.has_name_normalized(), customer.name_normalized())));
    customer = CustomerFromRow(row);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return customer;
}

absl::StatusOr<std::optional<v1::Customer>> PgCustomerStore::Get(const std::string& tenant_id,
                                                                 const std::string& id) {
  std::optional<v1::Customer> customer;
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_prepared(kGetCustomer, tenant_id, id);
    if (!rows.empty()) customer = CustomerFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return customer;
}

absl::StatusOr<std::optional<CustomerMatch>> PgCustomerStore::FindMatch(
    const std::string& tenant_id, const v1::NormalizedLookup& lookup) {
  std::optional<CustomerMatch> match;
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_prepared(
        kMatchCustomer, tenant_id, NullableParam(Optional(lookup.has_email(), lookup.email())),
        NullableParam(Optional(lookup.has_phone_e164(), lookup.phone_e164())),
        NullableParam(Optional(lookup.has_name(), lookup.name())));
    if (rows.empty()) return absl::OkStatus();
    std::string method = rows[0][1].as<std::string>();
    match = CustomerMatch{rows[0][0].as<std::string>(),
                          method == "email"   ? v1::MATCH_METHOD_EMAIL
                          : method == "phone" ? v1::MATCH_METHOD_PHONE
                                              : v1::MATCH_METHOD_NAME,
                          rows[0][2].as<std::string>()};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return match;
}

}  // namespace aievents::matching
