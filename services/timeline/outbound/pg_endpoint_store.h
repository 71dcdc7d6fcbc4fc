// The webhook_endpoints table's one writer (with the attempts and messages it owns through
// them): adding, listing, changing, deleting and rotating a tenant's endpoints, listing their
// attempts and queueing failed messages again. Secrets are sealed at rest (SecretBox) and shown
// only in the answers of create and rotate. Every change is in the audit trail, in its own
// transaction.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_ENDPOINT_STORE_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_ENDPOINT_STORE_H_

#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/webhook_endpoint_service.pb.h"
#include "common/auth/secret_box.h"
#include "common/net/outbound_target.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"

namespace aievents::timeline {

class PgEndpointStore {
 public:
  // How long a rotated-out secret keeps signing.
  static constexpr absl::Duration kPreviousSecretLifetime = absl::Hours(24);

  PgEndpointStore(PgPool* pool, const SecretBox* secrets, OutboundPolicy policy)
      : pool_(pool), secrets_(secrets), policy_(policy) {
    pool->Register(Statements());
  }

  static std::vector<PgStatement> Statements();

  // Each call acts for `actor`'s tenant. NOT_FOUND for another tenant's (or no) endpoint;
  // INVALID_ARGUMENT names the field and its rule.
  absl::StatusOr<v1::WebhookEndpoint> Create(const RequestContext& actor,
                                             const v1::CreateWebhookEndpointRequest& request);
  absl::StatusOr<v1::ListWebhookEndpointsResponse> List(const RequestContext& actor);
  absl::StatusOr<v1::WebhookEndpoint> Get(const RequestContext& actor, const std::string& id);
  absl::StatusOr<v1::WebhookEndpoint> Update(const RequestContext& actor,
                                             const v1::UpdateWebhookEndpointRequest& request);
  absl::Status Delete(const RequestContext& actor, const std::string& id);
  absl::StatusOr<v1::WebhookEndpoint> RotateSecret(const RequestContext& actor,
                                                   const std::string& id);
  absl::StatusOr<v1::ListWebhookAttemptsResponse> ListAttempts(
      const RequestContext& actor, const v1::ListWebhookAttemptsRequest& request);
  absl::StatusOr<v1::RecoverWebhookEndpointResponse> Recover(
      const RequestContext& actor, const v1::RecoverWebhookEndpointRequest& request);

  // Re-seals with the ring's sealing key every endpoint secret (current and previous) sealed
  // with another key, for one tenant or, with nullopt, all (which needs a role that bypasses
  // row-level security). How many endpoints changed. For the operator tool.
  absl::StatusOr<int> ResealSecrets(const std::optional<std::string>& tenant_id);

 private:
  PgPool* pool_;
  const SecretBox* secrets_;
  OutboundPolicy policy_;
};

// The associated data that binds a sealed secret to its endpoint's row.
std::string EndpointSecretRow(const std::string& tenant_id, const std::string& endpoint_id);

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_PG_ENDPOINT_STORE_H_
