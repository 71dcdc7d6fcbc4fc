// Operator commands behind the aievents-admin tool. They connect as the tables' owner, which
// row-level security still binds (it is forced), so every command but create-tenant names its
// tenant. Tenants belong to this tool; API keys go through the key store the timeline service
// serves, and the webhook inbox through ingest's store, so each table keeps one writer. Every
// change is recorded in the audit trail as done by "cli". No service needs to be up.
#ifndef AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
#define AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace aievents::admin {

// Creates a tenant and returns its id.
absl::StatusOr<std::string> CreateTenant(const std::string& database_url, const std::string& name);

struct CreatedKey {
  std::string id;
  std::string plaintext;  // shown once; only its hash is stored
  std::string prefix;
};

// Creates an API key for `tenant_id` with `scopes` (see common/auth/scopes.h).
// INVALID_ARGUMENT names a bad scope; NOT_FOUND when the tenant does not exist.
absl::StatusOr<CreatedKey> CreateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& label,
                                        const std::vector<std::string>& scopes);

// One line per key, newest first: "id prefix scopes label created last_used state".
absl::StatusOr<std::vector<std::string>> ListApiKeys(const std::string& database_url,
                                                     const std::string& tenant_id,
                                                     bool include_inactive);

// Revokes a key. NOT_FOUND when the tenant has no such key.
absl::Status RevokeApiKey(const std::string& database_url, const std::string& tenant_id,
                          const std::string& key_id);

// Replaces a key; the old one keeps working for `overlap_seconds`.
absl::StatusOr<CreatedKey> RotateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& key_id,
                                        int64_t overlap_seconds);

// The tenant's audit trail, newest first, one line per record:
// "time actor action target_type target_id".
absl::StatusOr<std::vector<std::string>> ListAudit(const std::string& database_url,
                                                   const std::string& tenant_id,
                                                   const std::string& action, int limit);

// How many webhook sources (inbound) and outbound webhook endpoints had a secret re-sealed.
struct ResealCounts {
  int sources = 0;
  int endpoints = 0;
};

// Re-seals the webhook signing secrets of one tenant (or of every tenant when `tenant_id` is
// empty, which needs a role that bypasses row-level security, such as a superuser) with the
// first key of the ring in `key_file` or `keys` (see SecretBox::Load): the vendor webhook
// sources' and the outbound endpoints'. The step between adding a new key to the ring and
// removing the old one.
absl::StatusOr<ResealCounts> ResealSecrets(const std::string& database_url,
                                           const std::string& tenant_id,
                                           const std::string& key_file, const std::string& keys);

// Queues a webhook delivery for processing again (status pending); a running ingest service
// picks it up within seconds. NOT_FOUND for an unknown id, FAILED_PRECONDITION for a rejected
// delivery (its body is not JSON).
absl::Status RequeueDelivery(const std::string& database_url, const std::string& tenant_id,
                             const std::string& delivery_id);

// One line per delivery of the tenant with `status` ("failed", "pending", ...), newest first:
// "id status vendor event_type error".
absl::StatusOr<std::vector<std::string>> ListDeliveries(const std::string& database_url,
                                                        const std::string& tenant_id,
                                                        const std::string& status, int limit);

}  // namespace aievents::admin

#endif  // AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
