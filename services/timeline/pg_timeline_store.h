// The timeline service's access to ai_events and ai_event_associations: single events with
// their history, keyset-paginated lists (one index-ordered statement per list kind, so page
// 1000 costs what page 1 costs), and manual association.
#ifndef AIEVENTS_SERVICES_TIMELINE_PG_TIMELINE_STORE_H_
#define AIEVENTS_SERVICES_TIMELINE_PG_TIMELINE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ai_event.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/page_token.h"

namespace aievents::timeline {

// Which events a list shows, and in which order.
enum class ListKind {
  kCustomer,   // one customer's events, newest occurred_at first
  kUnmatched,  // customer_id IS NULL, newest received first
  kMatched,    // customer_id IS NOT NULL, newest received first
  kAll,        // every event, newest received first
};

// Optional filters; absent means "any".
struct EventFilter {
  std::optional<std::string> event_type;  // short name, e.g. "phone_call"
  std::optional<std::string> source;
  std::optional<int64_t> occurred_after_micros;   // inclusive
  std::optional<int64_t> occurred_before_micros;  // exclusive
};

struct ListQuery {
  ListKind kind;
  std::string customer_id;  // kCustomer only
  EventFilter filter;
  std::optional<PagePosition> after;  // continue after this event
  int limit;
};

class PgTimelineStore {
 public:
  explicit PgTimelineStore(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // The event with its association history; nullopt when the tenant has no such event.
  absl::StatusOr<std::optional<v1::AiEvent>> Get(const std::string& tenant_id,
                                                 const std::string& id);

  // The tenant's events among `ids` (UUIDs) with their history, in no particular order; ids
  // the tenant has no event for are left out. One transaction, two statements.
  absl::StatusOr<std::vector<v1::AiEvent>> GetMany(const std::string& tenant_id,
                                                   const std::vector<std::string>& ids);

  // Up to query.limit events in the list's order (history not included).
  absl::StatusOr<std::vector<v1::AiEvent>> List(const std::string& tenant_id,
                                                const ListQuery& query);

  // How many of the tenant's events `kind` (not kCustomer) holds, counting at most `cap`.
  absl::StatusOr<int64_t> Count(const std::string& tenant_id, ListKind kind, int64_t cap);

  // True when the tenant has the customer.
  absl::StatusOr<bool> CustomerExists(const std::string& tenant_id, const std::string& id);

 private:
  PgPool* pool_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_PG_TIMELINE_STORE_H_
