#include "tools/admin/admin_commands.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/api_key.h"
#include "common/ids.h"

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

}  // namespace aievents::admin
