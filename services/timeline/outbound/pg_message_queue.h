// The outbound messages as the delivery workers see them: claiming due ones across tenants
// (claim_webhook_messages, migration 0008), the endpoint to send each to, and the record of
// each attempt: the attempt row, the message's next try or end, and the endpoint's health
// (rest, 410, five days failing), in one transaction per attempt.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pg_pool.h"

namespace aievents::timeline {

struct ClaimedMessage {
  std::string tenant_id;
  std::string endpoint_id;
  std::string message_id;  // UUID
  std::string type;
  std::string subject_id;
  absl::Time created_at;
  int attempts = 0;  // made before this one
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
  absl::Duration duration;
  // No retry whatever the answer: the message cannot be sent (its event is gone).
  bool final = false;
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
  explicit PgMessageQueue(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  static std::vector<PgStatement> Statements();

  absl::StatusOr<std::vector<ClaimedMessage>> Claim(int limit, int per_endpoint,
                                                    absl::Duration lease);

  // nullopt when the endpoint was deleted meanwhile.
  absl::StatusOr<std::optional<EndpointTarget>> Target(const std::string& tenant_id,
                                                       const std::string& endpoint_id);

  // Records an attempt and what follows from it.
  absl::Status Record(const ClaimedMessage& message, const AttemptResult& result);

  absl::StatusOr<OutboundBacklog> Backlog();

  // Gives the message back untried, due again after `delay` (the endpoint's rate limit, or an
  // endpoint disabled or deleted since the claim).
  absl::Status Postpone(const ClaimedMessage& message, absl::Duration delay);

 private:
  PgPool* pool_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_MESSAGE_QUEUE_H_
