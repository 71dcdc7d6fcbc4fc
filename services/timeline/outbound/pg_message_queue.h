// The outbound messages as the delivery workers see them: claiming due ones across tenants
// (claim_webhook_batch, migration 0009), the endpoints to send them to, and the record of what
// became of them: attempt rows, each message's next try or end, each endpoint's cursor and
// health (rest, 410, five days failing). A first attempt writes no message row: the claim hands
// out the events after the cursor, and the record moves the cursor past them, making a row
// only of a message that failed or waits. Everything is batched: one transaction per tenant
// records any number of outcomes with at most six statements (batch on the hot path).
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pg_pool.h"
#include "services/timeline/outbound/delivery_schedule.h"

namespace aievents::timeline {

struct ClaimedMessage {
  std::string tenant_id;
  std::string endpoint_id;
  std::string message_id;  // UUID
  std::string type;
  std::string subject_id;
  absl::Time created_at;
  int attempts = 0;  // made before this one
  // Set for an event handed out after the endpoint's cursor (no row yet): the cursor moves
  // past it when its outcome is recorded. Unset for a retry (a webhook_messages row).
  std::optional<int64_t> seq;
};

struct EndpointTarget {
  std::string url;
  bool enabled = false;
  // Sealed secrets that sign: the current one, then the previous one while it lasts.
  std::vector<std::string> sealed_secrets;
};

struct AttemptResult {
  std::optional<int> status_code;  // nullopt: no answer
  std::string error;               // empty when delivered
  absl::Time started;
  absl::Duration duration;
  // No retry whatever the answer: the message cannot be sent (its event is gone).
  bool final = false;
  std::optional<absl::Duration> retry_after;  // the answer's, when it may be honoured
};

// What became of a claimed message: an attempt, or given back untried for `postpone`.
struct MessageOutcome {
  ClaimedMessage message;
  std::optional<AttemptResult> attempt;
  absl::Duration postpone;
};

// What waits, across tenants (for metrics).
struct OutboundBacklog {
  int64_t outbox_rows = 0;  // changes the relay has not fanned out yet
  double outbox_oldest_seconds = 0;
  int64_t pending_messages = 0;
  double pending_oldest_seconds = 0;
  int64_t disabled_endpoints = 0;
  int64_t retained_events = 0;  // relayed, not yet passed by every enabled endpoint
  double undelivered_oldest_seconds = 0;
};

class PgMessageQueue {
 public:
  PgMessageQueue(PgPool* pool, RetrySchedule schedule)
      : pool_(pool), schedule_(std::move(schedule)) {
    pool->Register(Statements());
  }

  static std::vector<PgStatement> Statements();

  const RetrySchedule& schedule() const { return schedule_; }

  absl::StatusOr<std::vector<ClaimedMessage>> Claim(int limit, int per_endpoint,
                                                    absl::Duration lease);

  // The tenant's endpoints among `endpoint_ids`, by id; a deleted one is left out.
  absl::StatusOr<std::map<std::string, EndpointTarget>> Targets(
      const std::string& tenant_id, const std::vector<std::string>& endpoint_ids);

  // Records the outcomes of the tenant's messages (in the order they came) and what follows
  // from them, in one transaction. Outcomes for endpoints deleted meanwhile are dropped. The
  // outcomes of an endpoint's fresh messages of one claim must all be in the same call: the
  // cursor moves past the last of them.
  absl::Status Record(const std::string& tenant_id, const std::vector<MessageOutcome>& outcomes);

  absl::StatusOr<OutboundBacklog> Backlog();

 private:
  PgPool* pool_;
  RetrySchedule schedule_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_
