// Operator commands behind the aievents-admin tool: tenants and API keys. They talk to the
// database directly (no service needs to be up) and are also what tests use to set up tenants.
#ifndef AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
#define AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_

#include <string>

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

}  // namespace aievents::admin

#endif  // AIEVENTS_TOOLS_ADMIN_ADMIN_COMMANDS_H_
