#include "tools/admin/admin_commands.h"

#include <memory>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/scopes.h"
#include "common/auth/secret_box.h"
#include "common/pg/pg_pool.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"
#include "common/text/rfc3339.h"
#include "google/protobuf/util/time_util.h"
#include "services/ingest/webhooks/pg_webhook_store.h"
#include "services/timeline/access/pg_key_store.h"
#include "services/timeline/outbound/pg_endpoint_store.h"

namespace aievents::admin {
namespace {

using google::protobuf::util::TimeUtil;

absl::StatusOr<std::unique_ptr<PgPool>> OnePool(const std::string& database_url,
                                                std::vector<PgStatement> statements) {
  PgPool::Options options;
  options.database_url = database_url;
  options.size = 1;
  // Statements by text: a command runs a few of them once, so preparing gains nothing, and
  // this way the commands also work through a pooler in transaction mode (except migrate,
  // whose advisory lock needs a session: docs/operations.md, PgBouncer).
  options.transaction_pooler = true;
  options.statements = std::move(statements);
  return PgPool::Create(std::move(options));
}

// The operator acting for a tenant, as audit records name it.
RequestContext Operator(const std::string& tenant_id) {
  RequestContext context;
  context.tenant_id = tenant_id;
  context.key_prefix = "cli";
  return context;
}

absl::Status CheckTenant(const std::string& tenant_id) {
  if (!IsUuid(tenant_id)) return absl::InvalidArgumentError("--tenant must be a UUID");
  return absl::OkStatus();
}

// NOT_FOUND unless the tenant exists (visible only to a transaction scoped to it).
absl::Status TenantExists(PgPool& pool, const std::string& tenant_id) {
  return pool.InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    if (txn.exec_params("SELECT 1 FROM tenants WHERE id = $1", tenant_id).empty()) {
      return absl::NotFoundError(absl::StrCat("no tenant ", tenant_id));
    }
    return absl::OkStatus();
  });
}

std::string Time(const google::protobuf::Timestamp& time) {
  return FormatRfc3339(absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(time)));
}

}  // namespace

absl::StatusOr<std::string> CreateTenant(const std::string& database_url, const std::string& name) {
  if (name.empty() || name.size() > 200) {
    return absl::InvalidArgumentError("tenant name must be 1 to 200 characters");
  }
  std::string id = NewUuidV7();
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, OnePool(database_url, {}));
  // The new row is visible (and may be written) only within its own tenant's scope.
  AIEV_RETURN_IF_ERROR(pool->InTenantTransaction(id, [&](pqxx::work& txn) {
    txn.exec_params("INSERT INTO tenants (id, name) VALUES ($1, $2)", id, name);
    return absl::OkStatus();
  }));
  return id;
}

absl::StatusOr<CreatedKey> CreateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& label,
                                        const std::vector<std::string>& scopes) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, timeline::PgKeyStore::Statements()));
  AIEV_RETURN_IF_ERROR(TenantExists(*pool, tenant_id));
  v1::CreateApiKeyRequest request;
  request.set_label(label);
  for (const std::string& scope : scopes) request.add_scopes(scope);
  AIEV_ASSIGN_OR_RETURN(v1::CreatedApiKey created,
                        timeline::PgKeyStore(pool.get()).Create(Operator(tenant_id), request));
  return CreatedKey{created.api_key().id(), created.secret(), created.api_key().prefix()};
}

absl::StatusOr<std::vector<std::string>> ListApiKeys(const std::string& database_url,
                                                     const std::string& tenant_id,
                                                     bool include_inactive) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, timeline::PgKeyStore::Statements()));
  v1::ListApiKeysRequest request;
  request.set_include_inactive(include_inactive);
  AIEV_ASSIGN_OR_RETURN(v1::ListApiKeysResponse keys,
                        timeline::PgKeyStore(pool.get()).List(Operator(tenant_id), request));
  std::vector<std::string> lines;
  for (const v1::ApiKey& key : keys.api_keys()) {
    std::string state = key.has_revoke_time()   ? "revoked " + Time(key.revoke_time())
                        : key.has_expire_time() ? "expires " + Time(key.expire_time())
                                                : "active";
    lines.push_back(absl::StrCat(key.id(), " ", key.prefix(), " ", absl::StrJoin(key.scopes(), ","),
                                 " ", key.label().empty() ? "-" : key.label(), " created ",
                                 Time(key.create_time()), " last-used ",
                                 key.has_last_used_time() ? Time(key.last_used_time()) : "never",
                                 " ", state));
  }
  return lines;
}

absl::Status RevokeApiKey(const std::string& database_url, const std::string& tenant_id,
                          const std::string& key_id) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, timeline::PgKeyStore::Statements()));
  return timeline::PgKeyStore(pool.get()).Revoke(Operator(tenant_id), key_id).status();
}

absl::StatusOr<CreatedKey> RotateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& key_id,
                                        int64_t overlap_seconds) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, timeline::PgKeyStore::Statements()));
  v1::RotateApiKeyRequest request;
  request.set_id(key_id);
  request.set_overlap_seconds(overlap_seconds);
  AIEV_ASSIGN_OR_RETURN(v1::CreatedApiKey created,
                        timeline::PgKeyStore(pool.get()).Rotate(Operator(tenant_id), request));
  return CreatedKey{created.api_key().id(), created.secret(), created.api_key().prefix()};
}

absl::StatusOr<std::vector<std::string>> ListAudit(const std::string& database_url,
                                                   const std::string& tenant_id,
                                                   const std::string& action, int limit) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, timeline::PgKeyStore::Statements()));
  v1::ListAuditEventsRequest request;
  request.set_action(action);
  request.set_page_size(limit);
  AIEV_ASSIGN_OR_RETURN(v1::ListAuditEventsResponse page,
                        timeline::PgKeyStore(pool.get()).ListAudit(Operator(tenant_id), request));
  std::vector<std::string> lines;
  for (const v1::AuditEvent& event : page.audit_events()) {
    lines.push_back(absl::StrCat(Time(event.create_time()), " ", event.actor(), " ", event.action(),
                                 " ", event.target_type(), " ", event.target_id()));
  }
  return lines;
}

absl::StatusOr<ResealCounts> ResealSecrets(const std::string& database_url,
                                           const std::string& tenant_id,
                                           const std::string& key_file, const std::string& keys) {
  if (!tenant_id.empty()) AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(SecretBox box, SecretBox::Load(key_file, keys));
  std::vector<PgStatement> statements = ingest::PgWebhookStore::Statements();
  for (const PgStatement& statement : timeline::PgEndpointStore::Statements()) {
    statements.push_back(statement);
  }
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, OnePool(database_url, statements));
  if (tenant_id.empty()) {
    // Every tenant at once is only visible to a role that bypasses row-level security; any
    // other role would see no rows and report nothing to do.
    AIEV_ASSIGN_OR_RETURN(bool bypasses, pool->InSystemTransaction<bool>([](pqxx::work& txn) {
      return txn
          .exec1("SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")[0]
          .as<bool>();
    }));
    if (!bypasses) {
      return absl::FailedPreconditionError(
          "without --tenant this needs a role that bypasses row-level security (a superuser); "
          "or run it once per tenant with --tenant");
    }
  }
  std::optional<std::string> tenant = tenant_id.empty() ? std::nullopt : std::optional(tenant_id);
  AIEV_ASSIGN_OR_RETURN(int sources,
                        ingest::PgWebhookStore(pool.get(), &box).ResealSecrets(tenant));
  // Outbound endpoints' secrets are sealed with the same ring (the timeline's).
  AIEV_ASSIGN_OR_RETURN(int endpoints,
                        timeline::PgEndpointStore(pool.get(), &box, {}).ResealSecrets(tenant));
  return ResealCounts{sources, endpoints};
}

absl::Status RequeueDelivery(const std::string& database_url, const std::string& tenant_id,
                             const std::string& delivery_id) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  if (!IsUuid(delivery_id)) return absl::InvalidArgumentError("delivery id must be a UUID");
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, ingest::PgWebhookStore::Statements()));
  return ingest::PgWebhookStore(pool.get()).Requeue(tenant_id, delivery_id);
}

absl::StatusOr<std::vector<std::string>> ListDeliveries(const std::string& database_url,
                                                        const std::string& tenant_id,
                                                        const std::string& status, int limit) {
  AIEV_RETURN_IF_ERROR(CheckTenant(tenant_id));
  AIEV_ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool,
                        OnePool(database_url, ingest::PgWebhookStore::Statements()));
  AIEV_ASSIGN_OR_RETURN(
      std::vector<ingest::PgWebhookStore::OperatorLine> deliveries,
      ingest::PgWebhookStore(pool.get()).ListForOperator(tenant_id, status, limit));
  std::vector<std::string> lines;
  for (const auto& delivery : deliveries) {
    lines.push_back(absl::StrCat(delivery.id, " ", delivery.status, " ", delivery.vendor, " ",
                                 delivery.event_type, " ", delivery.error));
  }
  return lines;
}

}  // namespace aievents::admin
