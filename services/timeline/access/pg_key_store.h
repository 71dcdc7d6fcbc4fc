// The api_keys table's one writer: creating, listing, revoking and rotating a tenant's keys,
// each change recorded in the audit trail in the same transaction. The timeline service serves
// it over gRPC (AccessService) and the operator CLI links it directly, as it does ingest's
// webhook store, to make the first key of a tenant.
#ifndef AIEVENTS_SERVICES_TIMELINE_ACCESS_PG_KEY_STORE_H_
#define AIEVENTS_SERVICES_TIMELINE_ACCESS_PG_KEY_STORE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/access_service.pb.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::timeline {

class PgKeyStore {
 public:
  // A tenant may hold this many active keys.
  static constexpr int kMaxActiveKeys = 1000;
  // Rotation overlap: the default and the longest allowed.
  static constexpr int64_t kDefaultOverlapSeconds = 86400;
  static constexpr int64_t kMaxOverlapSeconds = 30 * 86400;

  explicit PgKeyStore(PgPool* pool) : pool_(pool) { pool->Register(Statements()); }

  // Its statements and the audit trail's.
  static std::vector<PgStatement> Statements();

  // Every call acts for `actor` (its tenant, and its key or name for the audit record).
  // INVALID_ARGUMENT names a bad label or scope.
  absl::StatusOr<v1::CreatedApiKey> Create(const RequestContext& actor,
                                           const v1::CreateApiKeyRequest& request);
  absl::StatusOr<v1::ListApiKeysResponse> List(const RequestContext& actor,
                                               const v1::ListApiKeysRequest& request);
  // NOT_FOUND when the tenant has no key `id`.
  absl::StatusOr<v1::ApiKey> Get(const RequestContext& actor, const std::string& id);
  absl::StatusOr<v1::ApiKey> Revoke(const RequestContext& actor, const std::string& id);
  absl::StatusOr<v1::CreatedApiKey> Rotate(const RequestContext& actor,
                                           const v1::RotateApiKeyRequest& request);
  absl::StatusOr<v1::ListAuditEventsResponse> ListAudit(const RequestContext& actor,
                                                        const v1::ListAuditEventsRequest& request);

 private:
  PgPool* pool_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_ACCESS_PG_KEY_STORE_H_
