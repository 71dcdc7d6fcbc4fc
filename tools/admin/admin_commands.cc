#include "tools/admin/admin_commands.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/auth/api_key.h"
#include "common/text/ids.h"

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

absl::Status RequeueDelivery(const std::string& database_url, const std::string& delivery_id) {
  if (!IsUuid(delivery_id)) return absl::InvalidArgumentError("delivery id must be a UUID");
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    pqxx::result found =
        txn.exec_params("SELECT status FROM webhook_deliveries WHERE id = $1", delivery_id);
    if (found.empty()) return absl::NotFoundError(absl::StrCat("no delivery ", delivery_id));
    if (found[0][0].as<std::string>() == "rejected") {
      return absl::FailedPreconditionError(
          "a rejected delivery is not JSON and cannot be replayed");
    }
    txn.exec_params("UPDATE webhook_deliveries SET status = 'pending' WHERE id = $1", delivery_id);
    txn.commit();
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot queue the delivery: ", e.what()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> ListDeliveries(const std::string& database_url,
                                                        const std::string& status,
                                                        const std::string& tenant_id, int limit) {
  std::vector<std::string> lines;
  try {
    pqxx::connection conn(database_url);
    pqxx::work txn(conn);
    pqxx::result rows = txn.exec_params(
        "SELECT id::text, status, vendor, coalesce(event_type, '-'), coalesce(error, '')"
        " FROM webhook_deliveries WHERE status = $1 AND ($2 = '' OR tenant_id::text = $2)"
        " ORDER BY received_at DESC LIMIT $3",
        status, tenant_id, limit);
    for (const pqxx::row& row : rows) {
      lines.push_back(absl::StrCat(row[0].as<std::string>(), " ", row[1].as<std::string>(), " ",
                                   row[2].as<std::string>(), " ", row[3].as<std::string>(), " ",
                                   row[4].as<std::string>()));
    }
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat("cannot list deliveries: ", e.what()));
  }
  return lines;
}

}  // namespace aievents::admin
