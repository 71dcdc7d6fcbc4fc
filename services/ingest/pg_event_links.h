// The two ways an event's customer changes after it was stored: a person associates it
// (manual), or matching finds that a new or changed customer now matches it (re-matching).
// Both write ai_events and its history, ai_event_associations, which only ingest writes.
#ifndef AIEVENTS_SERVICES_INGEST_PG_EVENT_LINKS_H_
#define AIEVENTS_SERVICES_INGEST_PG_EVENT_LINKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ai_event.pb.h"
#include "aievents/v1/ingest_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::ingest {

// Who changed the link, for the history entry.
struct Actor {
  std::string key_id;       // the API key's row id; empty for the internal token
  std::string description;  // e.g. "aiev_AbCdEfG" or "auto-rematch by aiev_AbCdEfG"
};

class PgEventLinks {
 public:
  explicit PgEventLinks(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  // Links the event to the customer as a manual association and records it in the event's
  // history and the audit trail, unless it is already manually linked to that customer.
  // Returns the event with its history. NOT_FOUND when the actor's tenant has no such event or
  // customer.
  absl::StatusOr<v1::AiEvent> Associate(const RequestContext& actor, const std::string& event_id,
                                        const std::string& customer_id);

  // Links each listed event that is still unmatched to its customer (match_method 'auto') and
  // records it; links naming a customer the tenant does not have are skipped. Returns how many
  // events were linked.
  absl::StatusOr<int> LinkUnmatched(const std::string& tenant_id,
                                    const std::vector<v1::EventLink>& links, const Actor& actor);

 private:
  PgPool* pool_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_PG_EVENT_LINKS_H_
