#include "tools/admin/admin_commands.h"

#include <memory>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/auth/api_key.h"
#include "common/pg/pg_pool.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"
#include "services/ingest/webhooks/pg_webhook_store.h"

namespace aievents::admin {

absl::StatusOr<std::string> CreateTenant(const std::string& database_url, const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return absl::InvalidArgumentError("tenant name must be 1 to 200 characters");
  }
  std::string id = NewUuidV7();
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    txn.exec_params("INSERT INTO tenants (id, name) VALUES ($1, $2)", id, name);
    txn.commit();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot create tenant: ", e.what()));
  }
  return id;
}

absl::StatusOr<CreatedKey> CreateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& label) {
  if (!IsUuid(tenant_id)) return absl::InvalidArgumentError("tenant id must be a UUID");
  GeneratedApiKey key = GenerateApiKey();
  CreatedKey created{NewUuidV7(), key.plaintext, key.prefix};
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    if (txn.exec_params("SELECT 1 FROM tenants WHERE id = $1", tenant_id).empty()) {
      return absl::NotFoundError(absl::StrCat("no tenant ", tenant_id));
    }
    txn.exec_params(
        "INSERT INTO api_keys (id, tenant_id, key_hash, prefix, label) VALUES ($1, $2, $3, $4, $5)",
        created.id, tenant_id, key.hash, key.prefix, label);
    txn.commit();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot create key: ", e.what()));
  }
  return created;
}

absl::Status RevokeApiKey(const std::string& database_url, const std::string& key_id) {
  if (!IsUuid(key_id)) return absl::InvalidArgumentError("key id must be a UUID");
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    pqxx::result revoked = txn.exec_params(
        "UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id",
        key_id);
    txn.commit();
    if (revoked.empty()) return absl::NotFoundError(absl::StrCat("no active key ", key_id));
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot revoke key: ", e.what()));
  }
  return absl::OkStatus();
}

namespace {

// The webhook inbox belongs to ingest: the operator commands go through its store.
absl::StatusOr<std::unique_ptr<PgPool>> WebhookPool(const std::string& database_url) {
  PgPool::Options options;
  options.database_url = database_url;
  options.size = 1;
  options.statements = ingest::PgWebhookStore::Statements();
  return PgPool::Create(std::move(options));
}

}  // namespace

absl::Status RequeueDelivery(const std::string& database_url, const std::string& delivery_id) {
  if (!IsUuid(delivery_id)) return absl::InvalidArgumentError("delivery id must be a UUID");
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, WebhookPool(database_url));
  return ingest::PgWebhookStore(pool.get()).RequeueAnyTenant(delivery_id);
}

absl::StatusOr<std::vector<std::string>> ListDeliveries(const std::string& database_url,
                                                        const std::string& status,
                                                        const std::string& tenant_id, int limit) {
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, WebhookPool(database_url));
  AIEV_ASSIGN_OR_RETURN(std::vector<ingest::PgWebhookStore::OperatorLine> deliveries,
                        ingest::PgWebhookStore(pool.get()).ListAnyTenant(status, tenant_id, limit));
  std::vector<std::string> lines;
  for (const auto& delivery : deliveries) {
    lines.push_back(absl::StrCat(delivery.id, " ", delivery.status, " ", delivery.vendor, " ",
                                 delivery.event_type, " ", delivery.error));
  }
  return lines;
}

}  // namespace aievents::admin
