#include "services/timeline/pg_timeline_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "common/pg/ai_event_row.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"

namespace aievents::timeline {
namespace {

constexpr char kCustomerExists[] = "timeline_customer_exists";
constexpr char kCountAll[] = "timeline_count_all";
constexpr char kCountUnmatched[] = "timeline_count_unmatched";
constexpr char kCountMatched[] = "timeline_count_matched";

// One statement per list kind and page position (first page, or after a position): each is a
// single range scan of the index whose order it returns.
// A customer timeline filtered by event type has statements of its own, which read the
// (tenant, customer, event_type, occurred_at, id) index, so a rare type costs no more than a
// common one.
struct ListStatement {
  ListKind kind;
  bool after;
  bool typed;
  const char* name;
};
constexpr ListStatement kListStatements[] = {
    {ListKind::kCustomer, false, false, "timeline_list_customer_first"},
    {ListKind::kCustomer, true, false, "timeline_list_customer_after"},
    {ListKind::kCustomer, false, true, "timeline_list_customer_typed_first"},
    {ListKind::kCustomer, true, true, "timeline_list_customer_typed_after"},
    {ListKind::kUnmatched, false, false, "timeline_list_unmatched_first"},
    {ListKind::kUnmatched, true, false, "timeline_list_unmatched_after"},
    {ListKind::kMatched, false, false, "timeline_list_matched_first"},
    {ListKind::kMatched, true, false, "timeline_list_matched_after"},
    {ListKind::kAll, false, false, "timeline_list_all_first"},
    {ListKind::kAll, true, false, "timeline_list_all_after"},
};

const char* SortColumn(ListKind kind) {
  return kind == ListKind::kCustomer ? "occurred_at" : "received_at";
}

// Parameters: $1 tenant, [$2 customer], then filters, limit, [position].
std::string ListSql(ListKind kind, bool after, bool typed) {
  int next = 2;
  std::string scope;
  switch (kind) {
    case ListKind::kCustomer:
      scope = " AND customer_id = $2";
      next = 3;
      break;
    case ListKind::kUnmatched:
      scope = " AND customer_id IS NULL";
      break;
    case ListKind::kMatched:
      scope = " AND customer_id IS NOT NULL";
      break;
    case ListKind::kAll:
      break;
  }
  auto p = [&](int offset) { return absl::StrCat("$", next + offset); };
  std::string sort = SortColumn(kind);
  std::string sql = absl::StrCat(
      "SELECT ", kAiEventColumns, " FROM ai_events WHERE tenant_id = $1", scope,
      typed ? absl::StrCat(" AND event_type = ", p(0), "::text")
            : absl::StrCat(" AND (", p(0), "::text IS NULL OR event_type = ", p(0), ")"),
      " AND (", p(1), "::text IS NULL OR source = ", p(1), ")", " AND (", p(2),
      "::timestamptz IS NULL OR occurred_at >= ", p(2), ")", " AND (", p(3),
      "::timestamptz IS NULL OR occurred_at < ", p(3), ")");
  if (after) {
    absl::StrAppend(&sql, " AND (", sort, ", id) < (", p(5), "::timestamptz, ", p(6), "::uuid)");
  }
  // ai_events.id, not id: the bare name is the select list's text column, which no index serves.
  absl::StrAppend(&sql, " ORDER BY ", sort, " DESC, ai_events.id DESC LIMIT ", p(4));
  return sql;
}

std::optional<std::string> MicrosParam(const std::optional<int64_t>& micros) {
  if (!micros.has_value()) return std::nullopt;
  return FormatRfc3339(absl::FromUnixMicros(*micros));
}

}  // namespace

std::vector<PgStatement> PgTimelineStore::Statements() {
  // The list statements' texts are generated once and live as long as the process (prepared
  // statements refer to them by pointer).
  static const std::map<std::string, std::string>* lists = [] {
    auto* texts = new std::map<std::string, std::string>;
    for (const ListStatement& list : kListStatements) {
      (*texts)[list.name] = ListSql(list.kind, list.after, list.typed);
    }
    return texts;
  }();
  std::vector<PgStatement> statements = EventWithHistoryStatements();
  statements.push_back(
      {kCustomerExists, "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2"});
  // One statement per kind, so each is planned on its own index (the unmatched queue on its
  // partial index); LIMIT bounds the work for tenants with millions of events.
  statements.push_back({kCountAll,
                        "SELECT count(*) AS count FROM (SELECT 1 FROM ai_events"
                        " WHERE tenant_id = $1 LIMIT $2) AS counted"});
  statements.push_back({kCountUnmatched,
                        "SELECT count(*) AS count FROM (SELECT 1 FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id IS NULL LIMIT $2) AS counted"});
  statements.push_back({kCountMatched,
                        "SELECT count(*) AS count FROM (SELECT 1 FROM ai_events"
                        " WHERE tenant_id = $1 AND customer_id IS NOT NULL LIMIT $2) AS counted"});
  for (const ListStatement& list : kListStatements) {
    statements.push_back({list.name, lists->at(list.name).c_str()});
  }
  return statements;
}

absl::StatusOr<std::optional<v1::AiEvent>> PgTimelineStore::Get(const std::string& tenant_id,
                                                                const std::string& id) {
  return pool_->InTenantTransaction<std::optional<v1::AiEvent>>(
      tenant_id, [&](pqxx::work& txn) { return ReadEventWithHistory(txn, tenant_id, id); });
}

absl::StatusOr<std::vector<v1::AiEvent>> PgTimelineStore::GetMany(
    const std::string& tenant_id, const std::vector<std::string>& ids) {
  return pool_->InTenantTransaction<std::vector<v1::AiEvent>>(
      tenant_id, [&](pqxx::work& txn) { return ReadEventsWithHistory(txn, tenant_id, ids); });
}

absl::StatusOr<std::vector<v1::AiEvent>> PgTimelineStore::List(const std::string& tenant_id,
                                                               const ListQuery& query) {
  // Typed statements exist for customer timelines only; other lists filter on the fly.
  bool typed = query.kind == ListKind::kCustomer && query.filter.event_type.has_value();
  const char* name = nullptr;
  for (const ListStatement& list : kListStatements) {
    if (list.kind == query.kind && list.after == query.after.has_value() && list.typed == typed) {
      name = list.name;
    }
  }
  std::vector<std::optional<std::string>> params = {tenant_id};
  if (query.kind == ListKind::kCustomer) params.push_back(query.customer_id);
  params.push_back(query.filter.event_type);
  params.push_back(query.filter.source);
  params.push_back(MicrosParam(query.filter.occurred_after_micros));
  params.push_back(MicrosParam(query.filter.occurred_before_micros));
  params.push_back(std::to_string(query.limit));
  if (query.after.has_value()) {
    params.push_back(MicrosParam(query.after->sort_micros));
    params.push_back(query.after->id);
  }
  std::vector<const char*> values;
  for (const auto& param : params) values.push_back(NullableParam(param));
  return pool_->InTenantTransaction<std::vector<v1::AiEvent>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<v1::AiEvent> events;
    for (const pqxx::row& row : Exec(txn, name, pqxx::prepare::make_dynamic_params(values))) {
      events.push_back(AiEventFromRow(row));
    }
    return events;
  });
}

absl::StatusOr<int64_t> PgTimelineStore::Count(const std::string& tenant_id, ListKind kind,
                                               int64_t cap) {
  const char* statement = kind == ListKind::kUnmatched ? kCountUnmatched
                          : kind == ListKind::kMatched ? kCountMatched
                                                       : kCountAll;
  return pool_->InTenantTransaction<int64_t>(tenant_id, [&](pqxx::work& txn) {
    return Exec1(txn, statement, tenant_id, cap)["count"].as<int64_t>();
  });
}

absl::StatusOr<bool> PgTimelineStore::CustomerExists(const std::string& tenant_id,
                                                     const std::string& id) {
  return pool_->InTenantTransaction<bool>(tenant_id, [&](pqxx::work& txn) {
    return !Exec(txn, kCustomerExists, tenant_id, id).empty();
  });
}

}  // namespace aievents::timeline
