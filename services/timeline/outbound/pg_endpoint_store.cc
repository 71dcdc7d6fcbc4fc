#include "services/timeline/outbound/pg_endpoint_store.h"

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/rpc/page_token.h"
#include "common/runtime/status_macros.h"
#include "common/status/status_details.h"
#include "common/text/ids.h"
#include "common/text/proto_enum_names.h"
#include "google/protobuf/util/time_util.h"
#include "services/timeline/outbound/endpoint_rules.h"
#include "services/timeline/outbound/message_body.h"

namespace aievents::timeline {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kEndpointInsert[] = "webhook_endpoint_insert";
constexpr char kEndpointCount[] = "webhook_endpoint_count";
constexpr char kEndpointList[] = "webhook_endpoint_list";
constexpr char kEndpointGet[] = "webhook_endpoint_get";
constexpr char kEndpointLock[] = "webhook_endpoint_lock";
constexpr char kEndpointUpdate[] = "webhook_endpoint_update";
constexpr char kEndpointDelete[] = "webhook_endpoint_delete";
constexpr char kEndpointRotate[] = "webhook_endpoint_rotate";
constexpr char kAttemptList[] = "webhook_attempt_list";
constexpr char kMessagesRecover[] = "webhook_messages_recover";
constexpr char kEndpointSecrets[] = "webhook_endpoint_secrets";
constexpr char kEndpointReseal[] = "webhook_endpoint_reseal";
constexpr int kDefaultAttemptsPage = 50;
constexpr int kMaxAttemptsPage = 100;

#define AIEVENTS_ENDPOINT_COLUMNS                                             \
  "id::text AS id, url, event_types, description, status,"                    \
  " coalesce(disabled_reason, '') AS disabled_reason,"                        \
  " (extract(epoch FROM create_time) * 1000000)::bigint AS create_micros,"    \
  " (extract(epoch FROM update_time) * 1000000)::bigint AS update_micros,"    \
  " (extract(epoch FROM failing_since) * 1000000)::bigint AS failing_micros," \
  " (extract(epoch FROM last_success_at) * 1000000)::bigint AS last_success_micros"

void SetTime(const pqxx::field& micros, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(micros.as<int64_t>());
}

v1::WebhookEndpoint EndpointFromRow(const pqxx::row& row) {
  v1::WebhookEndpoint endpoint;
  endpoint.set_id(row["id"].as<std::string>());
  endpoint.set_url(row["url"].as<std::string>());
  for (const std::string& type : TextArray(row["event_types"])) endpoint.add_event_types(type);
  endpoint.set_description(row["description"].as<std::string>());
  endpoint.set_status(row["status"].as<std::string>() == "enabled"
                          ? v1::WEBHOOK_ENDPOINT_STATUS_ENABLED
                          : v1::WEBHOOK_ENDPOINT_STATUS_DISABLED);
  endpoint.set_disabled_reason(row["disabled_reason"].as<std::string>());
  SetTime(row["create_micros"], endpoint.mutable_create_time());
  SetTime(row["update_micros"], endpoint.mutable_update_time());
  if (!row["failing_micros"].is_null()) {
    SetTime(row["failing_micros"], endpoint.mutable_failing_since());
  }
  if (!row["last_success_micros"].is_null()) {
    SetTime(row["last_success_micros"], endpoint.mutable_last_success_time());
  }
  return endpoint;
}

absl::Status CheckId(const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  return absl::OkStatus();
}

absl::Status NotFound(const std::string& id) {
  return absl::NotFoundError(absl::StrCat("webhook endpoint ", id, " not found"));
}

std::string TypesLiteral(const std::vector<std::string>& types) {
  return PgArrayLiteral(std::vector<std::optional<std::string>>(types.begin(), types.end()));
}

// The endpoint as the audit trail keeps it: never a secret.
std::string Audited(v1::WebhookEndpoint endpoint) {
  endpoint.clear_secret();
  return AuditJson(endpoint);
}

}  // namespace

std::string EndpointSecretRow(const std::string& tenant_id, const std::string& endpoint_id) {
  return absl::StrCat("webhook_endpoint|", tenant_id, "|", endpoint_id);
}

std::vector<PgStatement> PgEndpointStore::Statements() {
  std::vector<PgStatement> statements = {
      {kEndpointSecrets,
       "SELECT tenant_id::text AS tenant_id, id::text AS id, secret, previous_secret"
       " FROM webhook_endpoints WHERE ($1::uuid IS NULL OR tenant_id = $1) FOR UPDATE"},
      {kEndpointReseal,
       "UPDATE webhook_endpoints SET secret = $3, previous_secret = $4"
       " WHERE tenant_id = $1 AND id = $2"},
      {kEndpointInsert,
       // A new endpoint hears of changes from now on.
       "INSERT INTO webhook_endpoints (tenant_id, id, url, event_types, description, secret,"
       " cursor_seq) VALUES ($1, $2, $3, $4::text[], $5, $6,"
       " (SELECT coalesce(max(seq), 0) FROM webhook_events WHERE tenant_id = $1))"
       " RETURNING " AIEVENTS_ENDPOINT_COLUMNS},
      {kEndpointCount, "SELECT count(*) AS count FROM webhook_endpoints WHERE tenant_id = $1"},
      {kEndpointList, "SELECT " AIEVENTS_ENDPOINT_COLUMNS " FROM webhook_endpoints"
                      " WHERE tenant_id = $1 ORDER BY create_time DESC, id DESC"},
      {kEndpointGet, "SELECT " AIEVENTS_ENDPOINT_COLUMNS
                     " FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"},
      {kEndpointLock, "SELECT " AIEVENTS_ENDPOINT_COLUMNS
                      " FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      // Enabling clears the failure record and the breaker (pending messages go at once) and
      // moves the cursor to now: a disabled endpoint gets nothing of what happened meanwhile.
      {kEndpointUpdate,
       "UPDATE webhook_endpoints SET url = $3, event_types = $4::text[], description = $5,"
       " status = $6,"
       " disabled_reason = CASE WHEN $6 = 'enabled' THEN NULL"
       "   WHEN status = 'disabled' THEN disabled_reason ELSE 'manual' END,"
       " failing_since = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN NULL"
       "   ELSE failing_since END,"
       " consecutive_failures = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN 0"
       "   ELSE consecutive_failures END,"
       " retry_after = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN NULL"
       "   ELSE retry_after END,"
       " cursor_seq = CASE WHEN $6 = 'enabled' AND status = 'disabled' THEN"
       "   (SELECT coalesce(max(seq), 0) FROM webhook_events WHERE tenant_id = $1)"
       "   ELSE cursor_seq END,"
       " update_time = now() WHERE tenant_id = $1 AND id = $2 "
       "RETURNING " AIEVENTS_ENDPOINT_COLUMNS},
      {kEndpointDelete, "DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"},
      {kEndpointRotate,
       "UPDATE webhook_endpoints SET previous_secret = secret, secret = $3,"
       " previous_secret_expires_at = now() + $4::bigint * interval '1 second',"
       " update_time = now() WHERE tenant_id = $1 AND id = $2 "
       "RETURNING " AIEVENTS_ENDPOINT_COLUMNS},
      {kAttemptList,
       "SELECT id::text AS id, message_id::text AS message_id, type,"
       " (extract(epoch FROM attempted_at) * 1000000)::bigint AS attempted_micros,"
       " status_code, duration_ms, error,"
       " (extract(epoch FROM next_retry_at) * 1000000)::bigint AS next_retry_micros"
       " FROM webhook_attempts WHERE tenant_id = $1 AND endpoint_id = $2"
       " AND ($3::bigint IS NULL OR (attempted_at, id) <"
       "      ('epoch'::timestamptz + $3::bigint * interval '1 microsecond', $4::uuid))"
       " ORDER BY attempted_at DESC, id DESC LIMIT $5"},
      {kMessagesRecover,
       "UPDATE webhook_messages SET status = 'pending', attempts = 0, next_attempt_at = now(),"
       " lease_until = NULL WHERE tenant_id = $1 AND endpoint_id = $2 AND status = 'failed'"
       " AND created_at >= 'epoch'::timestamptz + $3::bigint * interval '1 microsecond'"},
  };
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<v1::WebhookEndpoint> PgEndpointStore::Create(
    const RequestContext& actor, const v1::CreateWebhookEndpointRequest& request) {
  absl::StatusOr<std::vector<std::string>> types = CheckEventTypes(request.event_types());
  absl::Status url = CheckEndpointUrl(request.url(), policy_);
  absl::Status description = CheckDescription(request.description());
  // Every field's violations at once, as everywhere in the API.
  std::vector<FieldViolation> violations;
  for (const absl::Status& status : {url, types.status(), description}) {
    std::vector<FieldViolation> found = GetFieldViolations(status);
    if (!status.ok() && found.empty()) return status;
    violations.insert(violations.end(), found.begin(), found.end());
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  std::string id = NewUuidV7();
  std::string secret = NewSigningSecret();
  std::string sealed = secrets_->Seal(secret, EndpointSecretRow(actor.tenant_id, id));
  return pool_->InTenantTransaction<v1::WebhookEndpoint>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::WebhookEndpoint> {
        if (Exec1(txn, kEndpointCount, actor.tenant_id)["count"].as<int>() >=
            kMaxEndpointsPerTenant) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the tenant already has ", kMaxEndpointsPerTenant, " webhook endpoints"));
        }
        v1::WebhookEndpoint endpoint =
            EndpointFromRow(Exec1(txn, kEndpointInsert, actor.tenant_id, id, request.url(),
                                  TypesLiteral(*types), request.description(), sealed));
        AppendAudit(
            txn, actor,
            {"webhook_endpoint.created", "webhook_endpoint", id, std::nullopt, Audited(endpoint)});
        endpoint.set_secret(secret);
        return endpoint;
      });
}

absl::StatusOr<v1::ListWebhookEndpointsResponse> PgEndpointStore::List(
    const RequestContext& actor) {
  return pool_->InTenantTransaction<v1::ListWebhookEndpointsResponse>(
      actor.tenant_id, [&](pqxx::work& txn) {
        v1::ListWebhookEndpointsResponse response;
        for (const pqxx::row& row : Exec(txn, kEndpointList, actor.tenant_id)) {
          *response.add_webhook_endpoints() = EndpointFromRow(row);
        }
        return response;
      });
}

absl::StatusOr<v1::WebhookEndpoint> PgEndpointStore::Get(const RequestContext& actor,
                                                         const std::string& id) {
  if (absl::Status valid = CheckId(id); !valid.ok()) return valid;
  return pool_->InTenantTransaction<v1::WebhookEndpoint>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::WebhookEndpoint> {
        pqxx::result rows = Exec(txn, kEndpointGet, actor.tenant_id, id);
        if (rows.empty()) return NotFound(id);
        return EndpointFromRow(rows[0]);
      });
}

absl::StatusOr<v1::WebhookEndpoint> PgEndpointStore::Update(
    const RequestContext& actor, const v1::UpdateWebhookEndpointRequest& request) {
  if (absl::Status valid = CheckId(request.id()); !valid.ok()) return valid;
  std::vector<FieldViolation> violations;
  auto collect = [&](const absl::Status& status) {
    for (const FieldViolation& violation : GetFieldViolations(status)) {
      violations.push_back(violation);
    }
  };
  if (request.has_url()) collect(CheckEndpointUrl(request.url(), policy_));
  std::vector<std::string> types;
  if (!request.event_types().empty()) {
    absl::StatusOr<std::vector<std::string>> checked = CheckEventTypes(request.event_types());
    if (checked.ok()) types = *checked;
    collect(checked.status());
  }
  if (request.has_description()) collect(CheckDescription(request.description()));
  if (request.has_status() && request.status() == v1::WEBHOOK_ENDPOINT_STATUS_UNSPECIFIED) {
    violations.push_back({"status", "must be enabled or disabled"});
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  return pool_->InTenantTransaction<v1::WebhookEndpoint>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::WebhookEndpoint> {
        pqxx::result rows = Exec(txn, kEndpointLock, actor.tenant_id, request.id());
        if (rows.empty()) return NotFound(request.id());
        v1::WebhookEndpoint before = EndpointFromRow(rows[0]);
        std::vector<std::string> new_types =
            types.empty()
                ? std::vector<std::string>(before.event_types().begin(), before.event_types().end())
                : types;
        v1::WebhookEndpointStatus status =
            request.has_status() ? request.status() : before.status();
        v1::WebhookEndpoint after = EndpointFromRow(
            Exec1(txn, kEndpointUpdate, actor.tenant_id, request.id(),
                  request.has_url() ? request.url() : before.url(), TypesLiteral(new_types),
                  request.has_description() ? request.description() : before.description(),
                  status == v1::WEBHOOK_ENDPOINT_STATUS_ENABLED ? "enabled" : "disabled"));
        AppendAudit(txn, actor,
                    {"webhook_endpoint.updated", "webhook_endpoint", request.id(), Audited(before),
                     Audited(after)});
        return after;
      });
}

absl::Status PgEndpointStore::Delete(const RequestContext& actor, const std::string& id) {
  if (absl::Status valid = CheckId(id); !valid.ok()) return valid;
  return pool_->InTenantTransaction(actor.tenant_id, [&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = Exec(txn, kEndpointLock, actor.tenant_id, id);
    if (rows.empty()) return NotFound(id);
    v1::WebhookEndpoint before = EndpointFromRow(rows[0]);
    Exec(txn, kEndpointDelete, actor.tenant_id, id);
    AppendAudit(
        txn, actor,
        {"webhook_endpoint.deleted", "webhook_endpoint", id, Audited(before), std::nullopt});
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::WebhookEndpoint> PgEndpointStore::RotateSecret(const RequestContext& actor,
                                                                  const std::string& id) {
  if (absl::Status valid = CheckId(id); !valid.ok()) return valid;
  std::string secret = NewSigningSecret();
  std::string sealed = secrets_->Seal(secret, EndpointSecretRow(actor.tenant_id, id));
  return pool_->InTenantTransaction<v1::WebhookEndpoint>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::WebhookEndpoint> {
        pqxx::result rows = Exec(txn, kEndpointLock, actor.tenant_id, id);
        if (rows.empty()) return NotFound(id);
        v1::WebhookEndpoint endpoint =
            EndpointFromRow(Exec1(txn, kEndpointRotate, actor.tenant_id, id, sealed,
                                  absl::ToInt64Seconds(kPreviousSecretLifetime)));
        AppendAudit(txn, actor,
                    {"webhook_endpoint.secret_rotated", "webhook_endpoint", id, std::nullopt,
                     std::nullopt});
        endpoint.set_secret(secret);
        return endpoint;
      });
}

absl::StatusOr<v1::ListWebhookAttemptsResponse> PgEndpointStore::ListAttempts(
    const RequestContext& actor, const v1::ListWebhookAttemptsRequest& request) {
  if (absl::Status valid = CheckId(request.id()); !valid.ok()) return valid;
  if (request.page_size() < 0 || request.page_size() > kMaxAttemptsPage) {
    return InvalidArgumentWithViolations(
        {{"page_size", absl::StrCat("must be between 1 and ", kMaxAttemptsPage)}});
  }
  int page_size = request.page_size() == 0 ? kDefaultAttemptsPage : request.page_size();
  std::string fingerprint = QueryFingerprint(absl::StrCat("webhook_attempts|", request.id()));
  std::optional<PagePosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PagePosition> position = DecodePageToken(request.page_token(), fingerprint);
    if (!position.ok()) return position.status();
    after = *position;
  }
  return pool_->InTenantTransaction<v1::ListWebhookAttemptsResponse>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::ListWebhookAttemptsResponse> {
        if (Exec(txn, kEndpointGet, actor.tenant_id, request.id()).empty()) {
          return NotFound(request.id());
        }
        std::optional<int64_t> after_micros;
        std::optional<std::string> after_id;
        if (after) after_micros = after->sort_micros, after_id = after->id;
        pqxx::result rows = Exec(txn, kAttemptList, actor.tenant_id, request.id(), after_micros,
                                 after_id, page_size + 1);
        v1::ListWebhookAttemptsResponse response;
        for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
          const pqxx::row& row = rows[i];
          v1::WebhookAttempt* attempt = response.add_attempts();
          attempt->set_message_id(WebhookMessageId(row["message_id"].as<std::string>()));
          attempt->set_event_type(row["type"].as<std::string>());
          SetTime(row["attempted_micros"], attempt->mutable_attempt_time());
          attempt->set_status_code(row["status_code"].is_null() ? 0 : row["status_code"].as<int>());
          attempt->set_duration_ms(row["duration_ms"].as<int>());
          attempt->set_error(row["error"].as<std::string>());
          if (!row["next_retry_micros"].is_null()) {
            SetTime(row["next_retry_micros"], attempt->mutable_next_retry_time());
          }
          if (i == page_size - 1 && static_cast<int>(rows.size()) > page_size) {
            response.set_next_page_token(EncodePageToken(
                {row["attempted_micros"].as<int64_t>(), row["id"].as<std::string>()}, fingerprint));
          }
        }
        return response;
      });
}

absl::StatusOr<v1::RecoverWebhookEndpointResponse> PgEndpointStore::Recover(
    const RequestContext& actor, const v1::RecoverWebhookEndpointRequest& request) {
  if (absl::Status valid = CheckId(request.id()); !valid.ok()) return valid;
  if (!request.has_since()) {
    return InvalidArgumentWithViolations({{"since", "is required (an RFC 3339 time)"}});
  }
  int64_t since = TimeUtil::TimestampToMicroseconds(request.since());
  if (absl::FromUnixMicros(since) > absl::Now()) {
    return InvalidArgumentWithViolations({{"since", "must not be in the future"}});
  }
  return pool_->InTenantTransaction<v1::RecoverWebhookEndpointResponse>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::RecoverWebhookEndpointResponse> {
        if (Exec(txn, kEndpointLock, actor.tenant_id, request.id()).empty()) {
          return NotFound(request.id());
        }
        pqxx::result changed = Exec(txn, kMessagesRecover, actor.tenant_id, request.id(), since);
        v1::RecoverWebhookEndpointResponse response;
        response.set_recovered(static_cast<int>(changed.affected_rows()));
        AppendAudit(txn, actor,
                    {"webhook_endpoint.recovered", "webhook_endpoint", request.id(), std::nullopt,
                     AuditJson(response)});
        return response;
      });
}

absl::StatusOr<int> PgEndpointStore::ResealSecrets(const std::optional<std::string>& tenant_id) {
  if (secrets_ == nullptr) return absl::FailedPreconditionError("no key ring given");
  auto reseal = [&](pqxx::work& txn) -> absl::StatusOr<int> {
    int resealed = 0;
    pqxx::result rows =
        Exec(txn, kEndpointSecrets, tenant_id.has_value() ? tenant_id->c_str() : nullptr);
    for (const pqxx::row& row : rows) {
      std::string tenant = row["tenant_id"].as<std::string>();
      std::string id = row["id"].as<std::string>();
      std::vector<std::optional<std::string>> values;
      bool changed = false;
      for (const char* column : {"secret", "previous_secret"}) {
        std::optional<std::string> stored = OptionalText(row[column]);
        if (stored.has_value() && secrets_->NeedsResealing(*stored)) {
          AIEV_ASSIGN_OR_RETURN(std::string plain,
                                secrets_->Open(*stored, EndpointSecretRow(tenant, id)));
          stored = secrets_->Seal(plain, EndpointSecretRow(tenant, id));
          changed = true;
        }
        values.push_back(stored);
      }
      if (!changed) continue;
      Exec(txn, kEndpointReseal, tenant, id, NullableParam(values[0]), NullableParam(values[1]));
      ++resealed;
    }
    return resealed;
  };
  if (tenant_id.has_value()) return pool_->InTenantTransaction<int>(*tenant_id, reseal);
  return pool_->InSystemTransaction<int>(reseal);
}

}  // namespace aievents::timeline
