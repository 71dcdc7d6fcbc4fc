#include "services/timeline/access/pg_key_store.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/auth/api_key.h"
#include "common/auth/scopes.h"
#include "common/rpc/grpc_status.h"
#include "common/text/ids.h"
#include "common/text/text.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::timeline {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kKeyInsert[] = "api_key_insert";
constexpr char kKeyCountActive[] = "api_key_count_active";
constexpr char kKeyList[] = "api_key_list";
constexpr char kKeyGet[] = "api_key_get";
constexpr char kKeyLock[] = "api_key_lock";
constexpr char kKeyRevoke[] = "api_key_revoke";
constexpr char kKeyExpire[] = "api_key_expire";
constexpr size_t kMaxLabelLength = 200;

#define AIEVENTS_KEY_COLUMNS                                                   \
  "id::text AS id, prefix, label, scopes,"                                     \
  " (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros,"     \
  " (extract(epoch FROM last_used_at) * 1000000)::bigint AS last_used_micros," \
  " (extract(epoch FROM revoked_at) * 1000000)::bigint AS revoked_micros,"     \
  " (extract(epoch FROM expires_at) * 1000000)::bigint AS expires_micros,"     \
  " coalesce(rotated_from::text, '') AS rotated_from,"                         \
  " revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) AS active"

#define AIEVENTS_ACTIVE " AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())"

void SetTime(const pqxx::field& micros, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(micros.as<int64_t>());
}

v1::ApiKey KeyFromRow(const pqxx::row& row) {
  v1::ApiKey key;
  key.set_id(row["id"].as<std::string>());
  key.set_prefix(row["prefix"].as<std::string>());
  key.set_label(row["label"].as<std::string>());
  for (const std::string& scope : TextArray(row["scopes"])) key.add_scopes(scope);
  SetTime(row["created_micros"], key.mutable_create_time());
  if (!row["last_used_micros"].is_null())
    SetTime(row["last_used_micros"], key.mutable_last_used_time());
  if (!row["revoked_micros"].is_null()) SetTime(row["revoked_micros"], key.mutable_revoke_time());
  if (!row["expires_micros"].is_null()) SetTime(row["expires_micros"], key.mutable_expire_time());
  key.set_rotated_from_id(row["rotated_from"].as<std::string>());
  return key;
}

// The scopes as requested, deduplicated, in documentation order; violations name bad ones.
absl::StatusOr<std::vector<std::string>> ValidScopes(
    const google::protobuf::RepeatedPtrField<std::string>& requested) {
  std::vector<FieldViolation> violations;
  if (requested.empty()) {
    violations.push_back({"scopes", "must name at least one scope"});
  }
  for (int i = 0; i < requested.size(); ++i) {
    if (!IsKnownScope(requested[i])) {
      violations.push_back({absl::StrCat("scopes[", i, "]"),
                            absl::StrCat("must be one of events:write, events:read, "
                                         "events:associate, customers:read, customers:write, "
                                         "webhooks:admin, keys:admin")});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  std::vector<std::string> scopes;
  for (const std::string& scope : AllScopes()) {
    if (std::find(requested.begin(), requested.end(), scope) != requested.end()) {
      scopes.push_back(scope);
    }
  }
  return scopes;
}

absl::Status CheckId(const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  return absl::OkStatus();
}

// Inserts a new key for the actor's tenant and returns it with its secret.
v1::CreatedApiKey InsertKey(pqxx::work& txn, const RequestContext& actor, const std::string& label,
                            const std::vector<std::string>& scopes,
                            const std::string& rotated_from) {
  GeneratedApiKey secret = GenerateApiKey();
  std::vector<std::optional<std::string>> scope_values(scopes.begin(), scopes.end());
  pqxx::row row =
      Exec1(txn, kKeyInsert, actor.tenant_id, NewUuidV7(), secret.hash, secret.prefix, label,
            PgArrayLiteral(scope_values), rotated_from.empty() ? nullptr : rotated_from.c_str());
  v1::CreatedApiKey created;
  *created.mutable_api_key() = KeyFromRow(row);
  created.set_secret(secret.plaintext);
  AppendAudit(txn, actor,
              {"api_key.created", "api_key", created.api_key().id(), std::nullopt,
               AuditJson(created.api_key())});
  return created;
}

}  // namespace

std::vector<PgStatement> PgKeyStore::Statements() {
  std::vector<PgStatement> statements = {
      {kKeyInsert,
       "INSERT INTO api_keys (tenant_id, id, key_hash, prefix, label, scopes, rotated_from)"
       " VALUES ($1, $2, $3, $4, $5, $6::text[], $7) RETURNING " AIEVENTS_KEY_COLUMNS},
      {kKeyCountActive,
       "SELECT count(*) AS count FROM api_keys WHERE tenant_id = $1" AIEVENTS_ACTIVE},
      {kKeyList, "SELECT " AIEVENTS_KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1"
                 " AND ($2 OR (revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())))"
                 " ORDER BY created_at DESC, api_keys.id DESC LIMIT $3"},
      {kKeyGet, "SELECT " AIEVENTS_KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1 AND id = $2"},
      {kKeyLock,
       "SELECT " AIEVENTS_KEY_COLUMNS " FROM api_keys WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      {kKeyRevoke,
       "UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2"
       " RETURNING " AIEVENTS_KEY_COLUMNS},
      // A key rotated twice keeps the earlier end.
      {kKeyExpire,
       "UPDATE api_keys SET expires_at = least(coalesce(expires_at, 'infinity'),"
       " now() + $3::bigint * interval '1 second') WHERE tenant_id = $1 AND id = $2"
       " RETURNING " AIEVENTS_KEY_COLUMNS},
  };
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<v1::CreatedApiKey> PgKeyStore::Create(const RequestContext& actor,
                                                     const v1::CreateApiKeyRequest& request) {
  if (Utf8Length(request.label()) > kMaxLabelLength) {
    return InvalidArgumentWithViolations({{"label", "must be at most 200 characters"}});
  }
  absl::StatusOr<std::vector<std::string>> scopes = ValidScopes(request.scopes());
  if (!scopes.ok()) return scopes.status();
  return pool_->InTenantTransaction<v1::CreatedApiKey>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::CreatedApiKey> {
        int active = Exec1(txn, kKeyCountActive, actor.tenant_id)["count"].as<int>();
        if (active >= kMaxActiveKeys) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the tenant already has ", kMaxActiveKeys, " active keys; revoke unused ones"));
        }
        return InsertKey(txn, actor, request.label(), *scopes, "");
      });
}

absl::StatusOr<v1::ListApiKeysResponse> PgKeyStore::List(const RequestContext& actor,
                                                         const v1::ListApiKeysRequest& request) {
  return pool_->InTenantTransaction<v1::ListApiKeysResponse>(actor.tenant_id, [&](pqxx::work& txn) {
    v1::ListApiKeysResponse response;
    for (const pqxx::row& row :
         Exec(txn, kKeyList, actor.tenant_id, request.include_inactive(), kMaxActiveKeys)) {
      *response.add_api_keys() = KeyFromRow(row);
    }
    return response;
  });
}

absl::StatusOr<v1::ApiKey> PgKeyStore::Get(const RequestContext& actor, const std::string& id) {
  if (absl::Status valid = CheckId(id); !valid.ok()) return valid;
  return pool_->InTenantTransaction<v1::ApiKey>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::ApiKey> {
        pqxx::result rows = Exec(txn, kKeyGet, actor.tenant_id, id);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("API key ", id, " not found"));
        return KeyFromRow(rows[0]);
      });
}

absl::StatusOr<v1::ApiKey> PgKeyStore::Revoke(const RequestContext& actor, const std::string& id) {
  if (absl::Status valid = CheckId(id); !valid.ok()) return valid;
  return pool_->InTenantTransaction<v1::ApiKey>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::ApiKey> {
        pqxx::result rows = Exec(txn, kKeyLock, actor.tenant_id, id);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("API key ", id, " not found"));
        v1::ApiKey before = KeyFromRow(rows[0]);
        if (before.has_revoke_time()) {
          return absl::FailedPreconditionError(absl::StrCat("API key ", id, " is already revoked"));
        }
        v1::ApiKey after = KeyFromRow(Exec1(txn, kKeyRevoke, actor.tenant_id, id));
        AppendAudit(txn, actor,
                    {"api_key.revoked", "api_key", id, AuditJson(before), AuditJson(after)});
        return after;
      });
}

absl::StatusOr<v1::CreatedApiKey> PgKeyStore::Rotate(const RequestContext& actor,
                                                     const v1::RotateApiKeyRequest& request) {
  if (absl::Status valid = CheckId(request.id()); !valid.ok()) return valid;
  int64_t overlap =
      request.has_overlap_seconds() ? request.overlap_seconds() : kDefaultOverlapSeconds;
  if (overlap < 0 || overlap > kMaxOverlapSeconds) {
    return InvalidArgumentWithViolations(
        {{"overlap_seconds", absl::StrCat("must be between 0 and ", kMaxOverlapSeconds)}});
  }
  return pool_->InTenantTransaction<v1::CreatedApiKey>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::CreatedApiKey> {
        pqxx::result rows = Exec(txn, kKeyLock, actor.tenant_id, request.id());
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat("API key ", request.id(), " not found"));
        }
        if (!rows[0]["active"].as<bool>()) {
          return absl::FailedPreconditionError(
              absl::StrCat("API key ", request.id(), " is revoked or expired; create a new one"));
        }
        v1::ApiKey before = KeyFromRow(rows[0]);
        v1::ApiKey after =
            KeyFromRow(Exec1(txn, kKeyExpire, actor.tenant_id, request.id(), overlap));
        std::vector<std::string> scopes(before.scopes().begin(), before.scopes().end());
        v1::CreatedApiKey created = InsertKey(txn, actor, before.label(), scopes, before.id());
        AppendAudit(
            txn, actor,
            {"api_key.rotated", "api_key", before.id(), AuditJson(before), AuditJson(after)});
        return created;
      });
}

absl::StatusOr<v1::ListAuditEventsResponse> PgKeyStore::ListAudit(
    const RequestContext& actor, const v1::ListAuditEventsRequest& request) {
  return pool_->InTenantTransaction<v1::ListAuditEventsResponse>(
      actor.tenant_id,
      [&](pqxx::work& txn) { return aievents::ListAudit(txn, actor.tenant_id, request); });
}

}  // namespace aievents::timeline
