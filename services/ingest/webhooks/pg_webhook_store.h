// The webhook tables: sources (with token hashes and signing secrets) and the delivery inbox.
// Methods that take a pqxx::work run inside a caller's transaction, so processing a call can
// lock it, read its deliveries, write the event and mark the delivery in one commit.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_WEBHOOK_STORE_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_WEBHOOK_STORE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/webhook_service.pb.h"
#include "common/auth/secret_box.h"
#include "common/pg/pg_pool.h"
#include "common/rpc/request_context.h"
#include "services/ingest/webhooks/webhook_records.h"

namespace aievents::ingest {

class PgWebhookStore {
 public:
  // `secrets` seals signing secrets as they are stored and opens them as they are read; a store
  // without one (the operator tool's inbox commands) refuses to handle secrets.
  explicit PgWebhookStore(PgPool* pool, const SecretBox* secrets = nullptr)
      : pool_(pool), secrets_(secrets) {
    pool->Register(Statements());
  }

  static std::vector<PgStatement> Statements();

  // Sources. Changes are made for the actor's tenant and recorded in the audit trail.
  absl::StatusOr<v1::WebhookSource> CreateSource(const RequestContext& actor, const std::string& id,
                                                 v1::WebhookVendor vendor, const std::string& label,
                                                 const std::string& token_hash,
                                                 const std::string& token_prefix,
                                                 const std::optional<std::string>& secret);
  absl::StatusOr<std::vector<v1::WebhookSource>> ListSources(const std::string& tenant_id);
  // NOT_FOUND when the tenant has no such source.
  absl::StatusOr<v1::WebhookSource> RotateSecret(const RequestContext& actor, const std::string& id,
                                                 const std::string& secret);
  absl::StatusOr<v1::WebhookSource> DisableSource(const RequestContext& actor,
                                                  const std::string& id);
  // Records that the actor asked for delivery `id` to be processed again.
  absl::Status RecordReplay(const RequestContext& actor, const std::string& id);
  // Looked up across tenants: the token is what names the tenant.
  absl::StatusOr<std::optional<SourceForToken>> FindSourceByToken(const std::string& token_hash);

  // Inbox. Inserts unless the source already has the message; returns (id, status, inserted).
  struct InsertResult {
    std::string id;
    v1::DeliveryStatus status;
    bool inserted;
  };
  absl::StatusOr<InsertResult> InsertDelivery(const std::string& tenant_id,
                                              const NewDelivery& delivery);
  absl::StatusOr<std::optional<StoredDelivery>> GetDelivery(const std::string& tenant_id,
                                                            const std::string& id);
  // The delivery as the API shows it, body included (invalid UTF-8 shown as U+FFFD).
  absl::StatusOr<std::optional<v1::WebhookDelivery>> GetDeliveryView(const std::string& tenant_id,
                                                                     const std::string& id);
  struct ListQuery {
    std::optional<std::string> status;
    std::optional<std::string> source_id;
    std::optional<std::pair<int64_t, std::string>> after;  // (received micros, id)
    int limit;
  };
  absl::StatusOr<std::vector<v1::WebhookDelivery>> ListDeliveries(const std::string& tenant_id,
                                                                  const ListQuery& query);
  // Removes the listed deliveries (a suppressed caller's).
  absl::Status ForgetDeliveries(const std::string& tenant_id, const std::vector<std::string>& ids);
  absl::Status MarkDelivery(const std::string& tenant_id, const std::string& id,
                            v1::DeliveryStatus status, const std::string& error,
                            const std::optional<std::string>& event_id);
  // Same, inside a caller's transaction.
  void MarkDelivery(pqxx::work& txn, const std::string& tenant_id, const std::string& id,
                    v1::DeliveryStatus status, const std::string& error,
                    const std::optional<std::string>& event_id);

  // Serializes work on one call until the transaction ends.
  void LockCall(pqxx::work& txn, const std::string& tenant_id, const std::string& call_key);
  // Every usable delivery of a call (not rejected or ignored), oldest first.
  absl::StatusOr<std::vector<StoredDelivery>> CallDeliveries(const std::string& tenant_id,
                                                             const std::string& call_key);
  // The ids of the same deliveries, in the same order, inside a caller's transaction.
  std::vector<std::string> CallDeliveryIds(pqxx::work& txn, const std::string& tenant_id,
                                           const std::string& call_key);

  // Claims, across tenants, up to `limit` deliveries pending for longer than `min_age`, due for
  // another attempt and not leased by another worker, for `lease` (see migration 0004).
  struct Claimed {
    std::string tenant_id;
    std::string id;
    int attempts;
  };
  absl::StatusOr<std::vector<Claimed>> Claim(absl::Duration min_age, int limit,
                                             absl::Duration lease);

  // Deliveries pending across all tenants, and the age of the oldest (0 with none), through
  // the SECURITY DEFINER function of migration 0005; for the backlog gauges.
  struct Backlog {
    int64_t pending = 0;
    double oldest_seconds = 0;
  };
  absl::StatusOr<Backlog> InboxBacklog();

  // Records an attempt that could not run because a dependency was away: the delivery stays
  // pending, due again after an exponential backoff (2^attempts seconds, at most 5 minutes),
  // until `max_attempts`, when it is dead-lettered (status failed, the reason in its error).
  // Returns the status it has now.
  absl::StatusOr<v1::DeliveryStatus> RecordDeferral(const std::string& tenant_id,
                                                    const std::string& id, const std::string& error,
                                                    int max_attempts);

  // Operator commands (aievents-admin), for one tenant (row-level security admits no other
  // way). Queues a delivery for processing again (status pending; the inbox worker picks it up)
  // and records it in the audit trail as done by "cli": NOT_FOUND for an unknown id,
  // FAILED_PRECONDITION for a rejected delivery (its body is not JSON).
  absl::Status Requeue(const std::string& tenant_id, const std::string& id);
  // The tenant's deliveries with `status`, newest first.
  struct OperatorLine {
    std::string id, status, vendor, event_type, error;
  };
  // Re-seals every signing secret (of one tenant, or of all when the role bypasses row-level
  // security) that is plaintext or sealed with an older key, with the ring's sealing key.
  // Returns how many sources changed.
  absl::StatusOr<int> ResealSecrets(const std::optional<std::string>& tenant_id);
  absl::StatusOr<std::vector<OperatorLine>> ListForOperator(const std::string& tenant_id,
                                                            const std::string& status, int limit);

 private:
  // The signing secret sealed for its row (tenant and source), for storing.
  absl::StatusOr<std::optional<std::string>> Sealed(const std::string& tenant_id,
                                                    const std::string& source_id,
                                                    const std::optional<std::string>& secret) const;

  // Locks the source, applies `change` (a statement returning the changed row) and records
  // `action` with the source before and after. NOT_FOUND when the tenant has no such source.
  absl::StatusOr<v1::WebhookSource> ChangeSource(
      const RequestContext& actor, const std::string& id, const char* action,
      const std::function<pqxx::result(pqxx::work&)>& change);

  PgPool* pool_;
  const SecretBox* secrets_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_PG_WEBHOOK_STORE_H_
