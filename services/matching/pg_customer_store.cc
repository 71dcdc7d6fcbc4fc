#include "services/matching/pg_customer_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/pg/table_columns.h"
#include "common/runtime/status_macros.h"
#include "google/protobuf/util/time_util.h"
#include "services/matching/pg_customer_changes.h"

namespace aievents::matching {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kInsertCustomer[] = "customers_insert";
constexpr char kGetCustomer[] = "customers_get";
constexpr char kLockCustomer[] = "customers_lock";
constexpr char kUpdateCustomer[] = "customers_update";
constexpr char kMatchCustomer[] = "customers_match";
constexpr char kMatchCustomers[] = "customers_match_batch";
constexpr char kSuppressedHashes[] = "customers_suppressed_hashes";
constexpr char kRematchCandidates[] = "ai_events_rematch_candidates";
constexpr char kEventLookup[] = "ai_events_lookup";
constexpr char kCandidates[] = "customers_candidates";
constexpr char kSearch[] = "customers_search";

// The select list RecordFromRow reads (by name, so statements may add columns anywhere).
#define AIEVENTS_CUSTOMER_COLUMNS                                                           \
  "id::text AS id, email, phone, first_name, last_name, email_normalized, phone_e164,"      \
  " name_normalized, (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros," \
  " email_canonical, phone_national, name_search"

// One branch per rule, each reading the first entry of its index; the lowest rank wins.
// Parameters: tenant, email, phone, name.
#define AIEVENTS_MATCH_BRANCHES(TENANT, EMAIL, PHONE, NAME)                                  \
  "(SELECT c.id, 1 AS rank, 'email' AS method, c.email_normalized AS value FROM customers c" \
  "   WHERE c.tenant_id = " TENANT " AND c.email_normalized = " EMAIL                        \
  "   ORDER BY c.created_at, c.id LIMIT 1)"                                                  \
  " UNION ALL"                                                                               \
  " (SELECT c.id, 2, 'phone', c.phone_e164 FROM customers c"                                 \
  "   WHERE c.tenant_id = " TENANT " AND c.phone_e164 = " PHONE                              \
  "   ORDER BY c.created_at, c.id LIMIT 1)"                                                  \
  " UNION ALL"                                                                               \
  " (SELECT c.id, 3, 'name', c.name_normalized FROM customers c"                             \
  "   WHERE c.tenant_id = " TENANT " AND c.name_normalized = " NAME                          \
  "   ORDER BY c.created_at, c.id LIMIT 1)"

using Value = std::optional<std::string>;

// An optional string field of v1::Customer as a column, through its accessors.
template <bool (v1::Customer::*has)() const, const std::string& (v1::Customer::*get)() const,
          std::string* (v1::Customer::*mutable_field)()>
TableColumn<CustomerRecord> CustomerField(const char* name) {
  return {
      name, "text",
      [](const CustomerRecord& r) { return OptionalIf((r.customer.*has)(), (r.customer.*get)()); },
      [](const Value& v, CustomerRecord& r) {
        if (v) *(r.customer.*mutable_field)() = *v;
      }};
}

// A search key of CustomerRecord (not part of the proto) as a column.
template <std::optional<std::string> CustomerRecord::*key>
TableColumn<CustomerRecord> SearchKey(const char* name) {
  return {name, "text", [](const CustomerRecord& r) { return r.*key; },
          [](const Value& v, CustomerRecord& r) { r.*key = v; }};
}

// The customers columns matching writes and reads back, after tenant_id and id ($1, $2): the
// one declaration the insert, the update and their parameters come from.
const TableColumns<CustomerRecord>& CustomerColumns() {
  using C = v1::Customer;
  static const TableColumns<CustomerRecord> columns = {
      CustomerField<&C::has_email, &C::email, &C::mutable_email>("email"),
      CustomerField<&C::has_phone, &C::phone, &C::mutable_phone>("phone"),
      CustomerField<&C::has_first_name, &C::first_name, &C::mutable_first_name>("first_name"),
      CustomerField<&C::has_last_name, &C::last_name, &C::mutable_last_name>("last_name"),
      CustomerField<&C::has_email_normalized, &C::email_normalized, &C::mutable_email_normalized>(
          "email_normalized"),
      CustomerField<&C::has_phone_e164, &C::phone_e164, &C::mutable_phone_e164>("phone_e164"),
      CustomerField<&C::has_name_normalized, &C::name_normalized, &C::mutable_name_normalized>(
          "name_normalized"),
      SearchKey<&CustomerRecord::email_canonical>("email_canonical"),
      SearchKey<&CustomerRecord::phone_national>("phone_national"),
      SearchKey<&CustomerRecord::name_search>("name_search"),
  };
  return columns;
}

CustomerRecord RecordFromRow(const pqxx::row& row) {
  CustomerRecord record;
  record.customer.set_id(row["id"].as<std::string>());
  CustomerColumns().Read(row, record);
  *record.customer.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(row["created_micros"].as<int64_t>());
  return record;
}

// Runs the insert or the update of `record` for customer `id`, binding the declared columns.
pqxx::row WriteCustomer(pqxx::work& txn, const char* statement, const std::string& tenant_id,
                        const std::string& id, const CustomerRecord& record) {
  std::vector<Value> values = CustomerColumns().Values(record);
  std::vector<const char*> params = ParamPointers(values);
  return Exec1(txn, statement, tenant_id, id, pqxx::prepare::make_dynamic_params(params));
}

v1::MatchMethod MethodFromName(const std::string& method) {
  if (method == "customer_id") return v1::MATCH_METHOD_CUSTOMER_ID;
  return method == "email"   ? v1::MATCH_METHOD_EMAIL
         : method == "phone" ? v1::MATCH_METHOD_PHONE
                             : v1::MATCH_METHOD_NAME;
}

}  // namespace

namespace {

const std::string& InsertSql() {
  static const std::string sql = absl::StrCat(
      "INSERT INTO customers (tenant_id, id, ", CustomerColumns().Names(), ") VALUES ($1, $2, ",
      CustomerColumns().Params(3), ") RETURNING " AIEVENTS_CUSTOMER_COLUMNS);
  return sql;
}

const std::string& UpdateSql() {
  static const std::string sql =
      absl::StrCat("UPDATE customers SET ", CustomerColumns().Assignments(3),
                   ", updated_at = clock_timestamp() WHERE tenant_id = $1 AND id = $2 "
                   "RETURNING " AIEVENTS_CUSTOMER_COLUMNS);
  return sql;
}

}  // namespace

std::vector<PgStatement> PgCustomerStore::Statements() {
  std::vector<PgStatement> statements = {
      {kInsertCustomer, InsertSql().c_str()},
      {kGetCustomer,
       "SELECT " AIEVENTS_CUSTOMER_COLUMNS " FROM customers WHERE tenant_id = $1 AND id = $2"},
      {kLockCustomer, "SELECT " AIEVENTS_CUSTOMER_COLUMNS
                      " FROM customers WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      {kUpdateCustomer, UpdateSql().c_str()},
      // A customer id named in the lookup (rank 0) beats every rule.
      {kMatchCustomer,
       "SELECT id::text AS id, method, value FROM ("
       " (SELECT c.id, 0 AS rank, 'customer_id' AS method, c.id::text AS value FROM customers c"
       "   WHERE c.tenant_id = $1 AND c.id = $5::uuid) UNION ALL " AIEVENTS_MATCH_BRANCHES(
           "$1", "$2", "$3", "$4") ") AS candidates ORDER BY rank LIMIT 1"},
      // The same rules for a whole batch: one row per lookup that matched, by its position.
      // Parameters: tenant, then one array per lookup part (NULL where absent).
      {kSuppressedHashes,
       "SELECT hash FROM suppressions WHERE tenant_id = $1 AND hash = ANY ($2::text[])"},
      {kMatchCustomers,
       "SELECT l.idx AS idx, m.id::text AS customer_id, m.method AS method, m.value AS value"
       " FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::uuid[])"
       "   AS l(idx, email, phone, name, customer_id)"
       " CROSS JOIN LATERAL (SELECT id, method, value FROM ("
       "   (SELECT c.id, 0 AS rank, 'customer_id' AS method, c.id::text AS value FROM customers c"
       "     WHERE c.tenant_id = $1 AND c.id = l.customer_id) UNION ALL " AIEVENTS_MATCH_BRANCHES(
           "$1", "l.email", "l.phone", "l.name") ") AS candidates ORDER BY rank LIMIT 1) AS m"},
      // For every unmatched event sharing a key with the customer, the full match rules run
      // (LATERAL), so precedence and the oldest-customer rule hold. Read only: ingest, which
      // owns ai_events, links what is still unmatched when it receives the list.
      {kRematchCandidates,
       "SELECT e.id::text AS event_id, m.id::text AS customer_id, m.value AS matched_value"
       " FROM ai_events e CROSS JOIN LATERAL ("
       "   SELECT id, value FROM (" AIEVENTS_MATCH_BRANCHES(
           "e.tenant_id", "e.lookup_email_normalized", "e.lookup_phone_e164",
           "e.lookup_name_normalized") ") AS ranked ORDER BY rank LIMIT 1) AS m"
                                       " WHERE e.tenant_id = $1 AND e.customer_id IS NULL"
                                       "   AND (e.lookup_email_normalized = $2"
                                       "        OR e.lookup_phone_e164 = $3"
                                       "        OR e.lookup_name_normalized = $4)"},
      {kEventLookup,
       "SELECT lookup_email, lookup_phone, lookup_first_name, lookup_last_name,"
       " lookup_email_normalized, lookup_phone_e164, lookup_name_normalized"
       " FROM ai_events WHERE tenant_id = $1 AND id = $2"},
      {kCandidates,
       "SELECT " AIEVENTS_CUSTOMER_COLUMNS ","
       " CASE WHEN $7 = '' OR name_search IS NULL THEN 0"
       "      ELSE similarity(name_search, $7) END AS name_similarity"
       " FROM customers WHERE tenant_id = $1 AND (email_normalized = $2 OR phone_e164 = $3"
       "   OR name_normalized = $4 OR email_canonical = $5 OR phone_national = $6"
       "   OR ($7 <> '' AND name_search % $7))"
       " ORDER BY created_at, customers.id LIMIT 200"},
      {kSearch, "SELECT " AIEVENTS_CUSTOMER_COLUMNS " FROM customers WHERE tenant_id = $1 AND ("
                "   name_search % $2 OR name_search LIKE $3 OR email_normalized LIKE $3"
                "   OR ($4 <> '' AND phone_e164 LIKE $4))"
                " ORDER BY greatest(similarity(coalesce(name_search, ''), $2),"
                "   similarity(coalesce(email_normalized, ''), $2),"
                "   CASE WHEN $4 <> '' AND phone_e164 LIKE $4 THEN 1 ELSE 0 END) DESC, created_at,"
                "   customers.id"
                " LIMIT $5"},
  };
  // Creating and changing a customer is recorded in the audit trail and in matching's outbox,
  // in the same transaction.
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  for (const PgStatement& statement : PgCustomerChanges::Statements()) {
    statements.push_back(statement);
  }
  return statements;
}

std::vector<PgStatement> PgCustomerStore::PipelineStatements() {
  std::vector<PgStatement> pipelined;
  for (const PgStatement& statement : Statements()) {
    if (std::string_view(statement.name) == kMatchCustomers ||
        std::string_view(statement.name) == kSuppressedHashes) {
      pipelined.push_back(statement);
    }
  }
  return pipelined;
}

absl::StatusOr<v1::Customer> PgCustomerStore::Insert(const RequestContext& actor,
                                                     const CustomerRecord& record) {
  const std::string& tenant_id = actor.tenant_id;
  const v1::Customer& c = record.customer;
  return pool_->InTenantTransaction<v1::Customer>(tenant_id, [&](pqxx::work& txn) {
    pqxx::row row = WriteCustomer(txn, kInsertCustomer, tenant_id, c.id(), record);
    v1::Customer created = RecordFromRow(row).customer;
    AppendAudit(txn, actor,
                {"customer.created", "customer", created.id(), std::nullopt, AuditJson(created)});
    // Committed with the customer, so the re-match is carried out even if the attempt that
    // follows the commit fails or this process dies first.
    RecordRematch(txn, actor, created.id());
    return created;
  });
}

absl::StatusOr<v1::Customer> PgCustomerStore::Update(
    const RequestContext& actor, const std::string& id,
    const std::function<absl::StatusOr<CustomerRecord>(const v1::Customer&)>& change) {
  const std::string& tenant_id = actor.tenant_id;
  return pool_->InTenantTransaction<v1::Customer>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::Customer> {
        pqxx::result current = Exec(txn, kLockCustomer, tenant_id, id);
        if (current.empty())
          return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
        v1::Customer before = RecordFromRow(current[0]).customer;
        absl::StatusOr<CustomerRecord> next = change(before);
        if (!next.ok()) return next.status();
        pqxx::row row = WriteCustomer(txn, kUpdateCustomer, tenant_id, id, *next);
        v1::Customer after = RecordFromRow(row).customer;
        AppendAudit(txn, actor,
                    {"customer.updated", "customer", id, AuditJson(before), AuditJson(after)});
        RecordRematch(txn, actor, id);
        return after;
      });
}

absl::StatusOr<std::optional<v1::Customer>> PgCustomerStore::Get(const std::string& tenant_id,
                                                                 const std::string& id) {
  return pool_->InTenantTransaction<std::optional<v1::Customer>>(
      tenant_id, [&](pqxx::work& txn) -> std::optional<v1::Customer> {
        pqxx::result rows = Exec(txn, kGetCustomer, tenant_id, id);
        if (rows.empty()) return std::nullopt;
        return RecordFromRow(rows[0]).customer;
      });
}

absl::StatusOr<std::optional<CustomerMatch>> PgCustomerStore::FindMatch(
    const std::string& tenant_id, const v1::NormalizedLookup& lookup) {
  return pool_->InTenantTransaction<std::optional<CustomerMatch>>(
      tenant_id, [&](pqxx::work& txn) -> std::optional<CustomerMatch> {
        pqxx::result rows =
            Exec(txn, kMatchCustomer, tenant_id,
                 NullableParam(OptionalIf(lookup.has_email(), lookup.email())),
                 NullableParam(OptionalIf(lookup.has_phone_e164(), lookup.phone_e164())),
                 NullableParam(OptionalIf(lookup.has_name(), lookup.name())),
                 NullableParam(OptionalIf(lookup.has_customer_id(), lookup.customer_id())));
        if (rows.empty()) return std::nullopt;
        return CustomerMatch{rows[0]["id"].as<std::string>(),
                             MethodFromName(rows[0]["method"].as<std::string>()),
                             rows[0]["value"].as<std::string>()};
      });
}

absl::StatusOr<std::vector<std::optional<CustomerMatch>>> PgCustomerStore::FindMatches(
    const std::string& tenant_id, const std::vector<v1::NormalizedLookup>& lookups,
    const std::vector<std::string>& identifier_hashes,
    absl::flat_hash_set<std::string>* suppressed) {
  std::vector<std::optional<CustomerMatch>> matches(lookups.size());
  if (lookups.empty()) return matches;
  std::vector<std::optional<std::string>> index, email, phone, name, customer_id;
  for (size_t i = 0; i < lookups.size(); ++i) {
    const v1::NormalizedLookup& lookup = lookups[i];
    index.push_back(std::to_string(i));
    email.push_back(OptionalIf(lookup.has_email(), lookup.email()));
    phone.push_back(OptionalIf(lookup.has_phone_e164(), lookup.phone_e164()));
    name.push_back(OptionalIf(lookup.has_name(), lookup.name()));
    customer_id.push_back(OptionalIf(lookup.has_customer_id(), lookup.customer_id()));
  }
  // One round trip: the tenant scope, the query and, when there is an email or phone to
  // check, the suppressions.
  std::vector<PgCall> calls = {
      ScopeToTenantCall(tenant_id),
      {kMatchCustomers,
       {tenant_id, PgArrayLiteral(index), PgArrayLiteral(email), PgArrayLiteral(phone),
        PgArrayLiteral(name), PgArrayLiteral(customer_id)}}};
  if (!identifier_hashes.empty()) {
    std::vector<std::optional<std::string>> hashes(identifier_hashes.begin(),
                                                   identifier_hashes.end());
    calls.push_back({kSuppressedHashes, {tenant_id, PgArrayLiteral(hashes)}});
  }
  AIEV_ASSIGN_OR_RETURN(std::vector<PgRows> results, pipeline_->RunTransaction(calls));
  if (results.size() > 2) {
    const PgRows& found = results[2];
    for (int r = 0; r < found.size(); ++r) suppressed->insert(std::string(found.Text(r, 0)));
  }
  const PgRows& rows = results[1];
  const int idx = rows.Column("idx"), customer = rows.Column("customer_id");
  const int method = rows.Column("method"), value = rows.Column("value");
  for (int r = 0; r < rows.size(); ++r) {
    int64_t i = rows.Int64(r, idx);
    if (i < 0 || static_cast<size_t>(i) >= matches.size()) {
      return absl::InternalError("match query returned a bad index");
    }
    matches[i] = CustomerMatch{std::string(rows.Text(r, customer)),
                               MethodFromName(std::string(rows.Text(r, method))),
                               std::string(rows.Text(r, value))};
  }
  return matches;
}

absl::StatusOr<std::vector<v1::EventLink>> PgCustomerStore::FindRematchLinks(
    const std::string& tenant_id, const v1::Customer& customer) {
  return pool_->InTenantTransaction<std::vector<v1::EventLink>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<v1::EventLink> links;
    pqxx::result rows = Exec(
        txn, kRematchCandidates, tenant_id,
        NullableParam(OptionalIf(customer.has_email_normalized(), customer.email_normalized())),
        NullableParam(OptionalIf(customer.has_phone_e164(), customer.phone_e164())),
        NullableParam(OptionalIf(customer.has_name_normalized(), customer.name_normalized())));
    for (const pqxx::row& row : rows) {
      v1::EventLink& link = links.emplace_back();
      link.set_event_id(row["event_id"].as<std::string>());
      link.set_customer_id(row["customer_id"].as<std::string>());
      link.set_matched_value(row["matched_value"].as<std::string>());
    }
    return links;
  });
}

absl::StatusOr<std::optional<StoredLookup>> PgCustomerStore::GetEventLookup(
    const std::string& tenant_id, const std::string& event_id) {
  return pool_->InTenantTransaction<std::optional<StoredLookup>>(
      tenant_id, [&](pqxx::work& txn) -> std::optional<StoredLookup> {
        pqxx::result rows = Exec(txn, kEventLookup, tenant_id, event_id);
        if (rows.empty()) return std::nullopt;
        const pqxx::row& row = rows[0];
        StoredLookup found;
        if (auto v = OptionalText(row["lookup_email"])) found.raw.set_email(*v);
        if (auto v = OptionalText(row["lookup_phone"])) found.raw.set_phone(*v);
        if (auto v = OptionalText(row["lookup_first_name"])) found.raw.set_first_name(*v);
        if (auto v = OptionalText(row["lookup_last_name"])) found.raw.set_last_name(*v);
        if (auto v = OptionalText(row["lookup_email_normalized"])) found.normalized.set_email(*v);
        if (auto v = OptionalText(row["lookup_phone_e164"])) found.normalized.set_phone_e164(*v);
        if (auto v = OptionalText(row["lookup_name_normalized"])) found.normalized.set_name(*v);
        return found;
      });
}

absl::StatusOr<std::vector<CandidateRow>> PgCustomerStore::FindCandidates(
    const std::string& tenant_id, const CandidateKeys& keys) {
  return pool_->InTenantTransaction<std::vector<CandidateRow>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<CandidateRow> candidates;
    pqxx::result rows =
        Exec(txn, kCandidates, tenant_id, NullableParam(keys.email), NullableParam(keys.phone_e164),
             NullableParam(keys.name), NullableParam(keys.email_canonical),
             NullableParam(keys.phone_national), keys.name_for_similarity);
    for (const pqxx::row& row : rows) {
      candidates.push_back({RecordFromRow(row), row["name_similarity"].as<double>()});
    }
    return candidates;
  });
}

absl::StatusOr<std::vector<v1::Customer>> PgCustomerStore::Search(const std::string& tenant_id,
                                                                  const std::string& folded_text,
                                                                  const std::string& digits,
                                                                  int limit) {
  // LIKE patterns: escape the pattern characters of the user's text.
  std::string contains = "%";
  for (char c : folded_text) {
    if (c == '%' || c == '_' || c == '\\') contains.push_back('\\');
    contains.push_back(c);
  }
  contains.push_back('%');
  std::string phone_pattern = digits.empty() ? "" : "%" + digits + "%";
  return pool_->InTenantTransaction<std::vector<v1::Customer>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<v1::Customer> customers;
    pqxx::result rows = Exec(txn, kSearch, tenant_id, folded_text, contains, phone_pattern, limit);
    for (const pqxx::row& row : rows) customers.push_back(RecordFromRow(row).customer);
    return customers;
  });
}

}  // namespace aievents::matching
