// The audit trail: one append-only record per administrative action, written by the service
// that performs the action inside the action's own transaction, so the action and its record
// commit together or not at all. Several services append to audit_events; none updates or
// deletes (the database grants them INSERT and SELECT only), which is why this table is the one
// deliberate exception to "each table has one writing service" (docs/security.md).
#ifndef AIEVENTS_COMMON_AUDIT_AUDIT_TRAIL_H_
#define AIEVENTS_COMMON_AUDIT_AUDIT_TRAIL_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/access_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"
#include "google/protobuf/message.h"

namespace aievents {

// One action. `before` and `after` are JSON documents of the target (nullopt when it did not
// exist before, or does not after), never containing a secret.
struct AuditEntry {
  std::string action;       // "api_key.revoked"
  std::string target_type;  // "api_key"
  std::string target_id;
  std::optional<std::string> before;
  std::optional<std::string> after;
};

// A target as the audit trail keeps it: the message as the API shows it (proto field names).
// Callers pass messages that hold no secret (keys without their secret, sources without their
// token or signing secret).
std::string AuditJson(const google::protobuf::Message& target);

// The statements AppendAudit and ListAudit use; add them to the pool's.
std::vector<PgStatement> AuditStatements();

// Appends `entry` to the trail of the actor's tenant, inside `txn` (which must be scoped to
// that tenant). The actor is its key (key_id, key_prefix), or, for an internal call or the
// operator CLI, whoever key_prefix names ("cli", "webhook", ...).
void AppendAudit(pqxx::work& txn, const RequestContext& actor, const AuditEntry& entry);

// A page of the tenant's trail, newest first, with filters; INVALID_ARGUMENT names a bad
// page_size or page_token.
absl::StatusOr<v1::ListAuditEventsResponse> ListAudit(pqxx::work& txn, const std::string& tenant_id,
                                                      const v1::ListAuditEventsRequest& request);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUDIT_AUDIT_TRAIL_H_
