// Operator commands behind the aievents-admin tool. Tenants and API keys belong to this tool
// (services only read them); the webhook inbox belongs to ingest, so its commands go through
// ingest's store library. No service needs to be up; tests use these to set up tenants.
#ifndef AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
#define AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_

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

// Creates an API key for `tenant_id`. NOT_FOUND when the tenant does not exist.
absl::StatusOr<CreatedKey> CreateApiKey(const std::string& database_url,
                                        const std::string& tenant_id, const std::string& label);

// Revokes a key by id. NOT_FOUND when no active key has that id.
absl::Status RevokeApiKey(const std::string& database_url, const std::string& key_id);

// Queues a webhook delivery for processing again (status pending); a running ingest service
// picks it up within seconds. NOT_FOUND for an unknown id, FAILED_PRECONDITION for a rejected
// delivery (its body is not JSON).
absl::Status RequeueDelivery(const std::string& database_url, const std::string& delivery_id);

// One line per delivery with `status` ("failed", "pending", ...), newest first, optionally of
// one tenant: "id status vendor event_type error".
absl::StatusOr<std::vector<std::string>> ListDeliveries(const std::string& database_url,
                                                        const std::string& status,
                                                        const std::string& tenant_id, int limit);

}  // namespace aievents::admin

#endif  // AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
