#include "services/ingest/webhooks/pg_webhook_store.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/pg/delivery_row.h"
#include "common/runtime/log.h"
#include "common/runtime/status_macros.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::ingest {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kSourceInsert[] = "webhook_source_insert";
constexpr char kSourceList[] = "webhook_source_list";
constexpr char kSourceRotate[] = "webhook_source_rotate";
constexpr char kSourceDisable[] = "webhook_source_disable";
constexpr char kSourceLock[] = "webhook_source_lock";
constexpr char kSourceSecrets[] = "webhook_source_secrets";
constexpr char kSourceReseal[] = "webhook_source_reseal";

// What a sealed signing secret is bound to: its row.
std::string SecretRow(const std::string& tenant_id, const std::string& source_id) {
  return tenant_id + "|" + source_id;
}
constexpr char kSourceByToken[] = "webhook_source_by_token";
constexpr char kDeliveryInsert[] = "webhook_delivery_insert";
constexpr char kDeliveryByMessage[] = "webhook_delivery_by_message";
constexpr char kDeliveryGet[] = "webhook_delivery_get";
constexpr char kDeliveryListFirst[] = "webhook_delivery_list_first";
constexpr char kDeliveryListAfter[] = "webhook_delivery_list_after";
constexpr char kDeliveryMark[] = "webhook_delivery_mark";
constexpr char kDeliveryForget[] = "webhook_delivery_forget";
constexpr char kCallLock[] = "webhook_call_lock";
constexpr char kCallDeliveries[] = "webhook_call_deliveries";
constexpr char kCallDeliveryIds[] = "webhook_call_delivery_ids";
constexpr char kPending[] = "webhook_pending";
constexpr char kBacklog[] = "webhook_inbox_backlog";
constexpr char kDeliveryDefer[] = "webhook_delivery_defer";
constexpr char kOperatorStatus[] = "webhook_operator_status";
constexpr char kOperatorRequeue[] = "webhook_operator_requeue";
constexpr char kOperatorList[] = "webhook_operator_list";

// Select lists of the row mappers below, which read columns by name. A statement that selects
// them and orders by id writes webhook_deliveries.id: the bare name means the text column.
#define AIEVENTS_SOURCE_COLUMNS                                            \
  "id::text AS id, vendor, label, token_prefix,"                           \
  " signing_secret IS NOT NULL AS has_signing_secret,"                     \
  " (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros," \
  " (extract(epoch FROM disabled_at) * 1000000)::bigint AS disabled_micros"

template <typename Enum>
Enum EnumFromName(const std::string& name) {
  const auto* value = FindEnumValueByShortName(google::protobuf::GetEnumDescriptor<Enum>(), name);
  return value == nullptr ? static_cast<Enum>(0) : static_cast<Enum>(value->number());
}

v1::WebhookSource SourceFromRow(const pqxx::row& row) {
  v1::WebhookSource source;
  source.set_id(row["id"].as<std::string>());
  source.set_vendor(EnumFromName<v1::WebhookVendor>(row["vendor"].as<std::string>()));
  source.set_label(row["label"].as<std::string>());
  source.set_token_prefix(row["token_prefix"].as<std::string>());
  source.set_has_signing_secret(row["has_signing_secret"].as<bool>());
  *source.mutable_created_at() =
      TimeUtil::MicrosecondsToTimestamp(row["created_micros"].as<int64_t>());
  if (!row["disabled_micros"].is_null()) {
    *source.mutable_disabled_at() =
        TimeUtil::MicrosecondsToTimestamp(row["disabled_micros"].as<int64_t>());
  }
  return source;
}

StoredDelivery StoredFromRow(const pqxx::row& row) {
  v1::WebhookDelivery view = DeliveryFromRow(row);
  StoredDelivery stored;
  stored.id = view.id();
  stored.source_id = view.source_id();
  stored.vendor = view.vendor();
  stored.message_id = view.message_id();
  stored.event_type = view.event_type();
  stored.status = view.status();
  stored.received_at = absl::FromUnixMicros(row["received_micros"].as<int64_t>());
  stored.headers = HeadersFromJson(row["headers"].as<std::string>());
  stored.call_key = row["call_key"].as<std::string>();
  stored.body = pqxx::binarystring(row["body"]).str();
  return stored;
}

}  // namespace

std::vector<PgStatement> PgWebhookStore::Statements() {
  std::vector<PgStatement> statements = {
      {kSourceInsert,
       "INSERT INTO webhook_sources (tenant_id, id, vendor, label, token_hash, token_prefix,"
       " signing_secret) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " AIEVENTS_SOURCE_COLUMNS},
      {kSourceList, "SELECT " AIEVENTS_SOURCE_COLUMNS " FROM webhook_sources WHERE tenant_id = $1"
                    " ORDER BY created_at DESC, webhook_sources.id DESC"},
      // The old secret keeps verifying for a day, covering the vendor's own rotation window.
      {kSourceRotate,
       "UPDATE webhook_sources SET previous_signing_secret = signing_secret,"
       " previous_secret_expires_at = CASE WHEN signing_secret IS NULL THEN NULL"
       "   ELSE now() + interval '24 hours' END, signing_secret = $3"
       " WHERE tenant_id = $1 AND id = $2 RETURNING " AIEVENTS_SOURCE_COLUMNS},
      {kSourceSecrets,
       "SELECT tenant_id::text AS tenant_id, id::text AS id, signing_secret,"
       " previous_signing_secret FROM webhook_sources"
       " WHERE ($1::uuid IS NULL OR tenant_id = $1) AND (signing_secret IS NOT NULL"
       "   OR previous_signing_secret IS NOT NULL) FOR UPDATE"},
      {kSourceReseal,
       "UPDATE webhook_sources SET signing_secret = $3, previous_signing_secret = $4"
       " WHERE tenant_id = $1 AND id = $2"},
      {kSourceLock, "SELECT " AIEVENTS_SOURCE_COLUMNS
                    " FROM webhook_sources WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      {kSourceDisable,
       "UPDATE webhook_sources SET disabled_at = coalesce(disabled_at, now())"
       " WHERE tenant_id = $1 AND id = $2 RETURNING " AIEVENTS_SOURCE_COLUMNS},
      // Before the tenant is known: through the narrow SECURITY DEFINER lookup (row-level
      // security hides every source from a transaction without a tenant).
      {kSourceByToken,
       "SELECT tenant_id::text AS tenant_id, id::text AS id, vendor, signing_secret,"
       " previous_signing_secret, disabled FROM webhook_source_for_token($1)"},
      {kDeliveryInsert,
       "INSERT INTO webhook_deliveries (tenant_id, id, source_id, vendor, message_id, event_type,"
       " call_key, body, headers, status, error)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)"
       " ON CONFLICT (tenant_id, source_id, message_id) DO NOTHING RETURNING id::text"},
      {kDeliveryByMessage,
       "SELECT id::text AS id, status FROM webhook_deliveries"
       " WHERE tenant_id = $1 AND source_id = $2 AND message_id = $3"},
      {kDeliveryGet, "SELECT " AIEVENTS_DELIVERY_COLUMNS ", body"
                     " FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2"},
      {kDeliveryListFirst,
       "SELECT " AIEVENTS_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1"
       " AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR source_id = $3)"
       " ORDER BY received_at DESC, webhook_deliveries.id DESC LIMIT $4"},
      {kDeliveryListAfter,
       "SELECT " AIEVENTS_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE tenant_id = $1"
       " AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR source_id = $3)"
       " AND (received_at, id) < ($5::timestamptz, $6::uuid)"
       " ORDER BY received_at DESC, webhook_deliveries.id DESC LIMIT $4"},
      {kDeliveryForget,
       "DELETE FROM webhook_deliveries d WHERE d.tenant_id = $1 AND (d.id = ANY ($2::uuid[])"
       " OR d.call_key IN (SELECT c.call_key FROM webhook_deliveries c WHERE c.tenant_id = $1"
       "   AND c.id = ANY ($2::uuid[]) AND c.call_key IS NOT NULL))"},
      {kDeliveryMark,
       "UPDATE webhook_deliveries SET status = $3, error = $4, event_id = $5,"
       " attempts = attempts + 1, processed_at = clock_timestamp()"
       " WHERE tenant_id = $1 AND id = $2"},
      {kCallLock, "SELECT pg_advisory_xact_lock(hashtextextended($1 || '|' || $2, 0))"},
      {kCallDeliveries,
       "SELECT " AIEVENTS_DELIVERY_COLUMNS ", body FROM webhook_deliveries"
       " WHERE tenant_id = $1 AND call_key = $2 AND status NOT IN ('rejected', 'ignored')"
       " ORDER BY received_at, webhook_deliveries.id"},
      {kCallDeliveryIds,
       "SELECT id::text AS id FROM webhook_deliveries"
       " WHERE tenant_id = $1 AND call_key = $2 AND status NOT IN ('rejected', 'ignored')"
       " ORDER BY received_at, webhook_deliveries.id"},
      // Across tenants, through the SECURITY DEFINER claim; each delivery is then processed
      // scoped to its tenant.
      {kPending,
       "SELECT tenant_id::text AS tenant_id, id::text AS id, attempts"
       " FROM claim_webhook_deliveries($1::interval, $2, $3::interval)"},
      {kBacklog, "SELECT pending, oldest_seconds FROM webhook_inbox_backlog()"},
      {kDeliveryDefer,
       "UPDATE webhook_deliveries SET attempts = attempts + 1, lease_until = NULL,"
       " next_attempt_at = now() + least(power(2, attempts + 1), 300) * interval '1 second',"
       " status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE status END,"
       " error = CASE WHEN attempts + 1 >= $4"
       "   THEN 'dead-lettered after ' || (attempts + 1) || ' attempts: ' || $3 ELSE $3 END"
       " WHERE tenant_id = $1 AND id = $2 AND status = 'pending' RETURNING status"},
      {kOperatorStatus,
       "SELECT status FROM webhook_deliveries WHERE tenant_id = $1 AND id = $2 FOR UPDATE"},
      {kOperatorRequeue,
       "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = NULL,"
       " lease_until = NULL WHERE tenant_id = $1 AND id = $2"},
      {kOperatorList,
       "SELECT id::text AS id, status, vendor, coalesce(event_type, '-') AS event_type,"
       " coalesce(error, '') AS error FROM webhook_deliveries"
       " WHERE tenant_id = $1 AND status = $2"
       " ORDER BY received_at DESC, webhook_deliveries.id DESC LIMIT $3"},
  };
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<v1::WebhookSource> PgWebhookStore::CreateSource(
    const RequestContext& actor, const std::string& id, v1::WebhookVendor vendor,
    const std::string& label, const std::string& token_hash, const std::string& token_prefix,
    const std::optional<std::string>& secret) {
  const std::string& tenant_id = actor.tenant_id;
  AIEV_ASSIGN_OR_RETURN(std::optional<std::string> sealed, Sealed(tenant_id, id, secret));
  return pool_->InTenantTransaction<v1::WebhookSource>(tenant_id, [&](pqxx::work& txn) {
    v1::WebhookSource source =
        SourceFromRow(Exec1(txn, kSourceInsert, tenant_id, id, ShortName(vendor), label, token_hash,
                            token_prefix, NullableParam(sealed)));
    AppendAudit(txn, actor,
                {"webhook_source.created", "webhook_source", id, std::nullopt, AuditJson(source)});
    return source;
  });
}

absl::StatusOr<std::vector<v1::WebhookSource>> PgWebhookStore::ListSources(
    const std::string& tenant_id) {
  return pool_->InTenantTransaction<std::vector<v1::WebhookSource>>(
      tenant_id, [&](pqxx::work& txn) {
        std::vector<v1::WebhookSource> sources;
        for (const pqxx::row& row : Exec(txn, kSourceList, tenant_id)) {
          sources.push_back(SourceFromRow(row));
        }
        return sources;
      });
}

absl::StatusOr<v1::WebhookSource> PgWebhookStore::RotateSecret(const RequestContext& actor,
                                                               const std::string& id,
                                                               const std::string& secret) {
  AIEV_ASSIGN_OR_RETURN(std::optional<std::string> sealed, Sealed(actor.tenant_id, id, secret));
  return ChangeSource(actor, id, "webhook_source.secret_rotated", [&](pqxx::work& txn) {
    return Exec(txn, kSourceRotate, actor.tenant_id, id, *sealed);
  });
}

absl::StatusOr<v1::WebhookSource> PgWebhookStore::DisableSource(const RequestContext& actor,
                                                                const std::string& id) {
  return ChangeSource(actor, id, "webhook_source.disabled", [&](pqxx::work& txn) {
    return Exec(txn, kSourceDisable, actor.tenant_id, id);
  });
}

absl::StatusOr<v1::WebhookSource> PgWebhookStore::ChangeSource(
    const RequestContext& actor, const std::string& id, const char* action,
    const std::function<pqxx::result(pqxx::work&)>& change) {
  return pool_->InTenantTransaction<v1::WebhookSource>(
      actor.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::WebhookSource> {
        pqxx::result current = Exec(txn, kSourceLock, actor.tenant_id, id);
        if (current.empty()) {
          return absl::NotFoundError(absl::StrCat("webhook source ", id, " not found"));
        }
        v1::WebhookSource before = SourceFromRow(current[0]);
        v1::WebhookSource after = SourceFromRow(change(txn)[0]);
        AppendAudit(txn, actor,
                    {action, "webhook_source", id, AuditJson(before), AuditJson(after)});
        return after;
      });
}

absl::Status PgWebhookStore::RecordReplay(const RequestContext& actor, const std::string& id) {
  return pool_->InTenantTransaction(actor.tenant_id, [&](pqxx::work& txn) {
    AppendAudit(txn, actor,
                {"webhook_delivery.replayed", "webhook_delivery", id, std::nullopt, std::nullopt});
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<std::string>> PgWebhookStore::Sealed(
    const std::string& tenant_id, const std::string& source_id,
    const std::optional<std::string>& secret) const {
  if (!secret.has_value()) return std::nullopt;
  if (secrets_ == nullptr) {
    return absl::FailedPreconditionError("this process has no key to seal signing secrets with");
  }
  return secrets_->Seal(*secret, SecretRow(tenant_id, source_id));
}

absl::StatusOr<int> PgWebhookStore::ResealSecrets(const std::optional<std::string>& tenant_id) {
  if (secrets_ == nullptr) return absl::FailedPreconditionError("no key ring given");
  auto reseal = [&](pqxx::work& txn) -> absl::StatusOr<int> {
    int resealed = 0;
    pqxx::result rows =
        Exec(txn, kSourceSecrets, tenant_id.has_value() ? tenant_id->c_str() : nullptr);
    for (const pqxx::row& row : rows) {
      std::string tenant = row["tenant_id"].as<std::string>();
      std::string id = row["id"].as<std::string>();
      std::vector<std::optional<std::string>> values;
      bool changed = false;
      for (const char* column : {"signing_secret", "previous_signing_secret"}) {
        std::optional<std::string> stored = OptionalText(row[column]);
        if (stored.has_value() && secrets_->NeedsResealing(*stored)) {
          AIEV_ASSIGN_OR_RETURN(std::string plain, secrets_->Open(*stored, SecretRow(tenant, id)));
          stored = secrets_->Seal(plain, SecretRow(tenant, id));
          changed = true;
        }
        values.push_back(stored);
      }
      if (!changed) continue;
      Exec(txn, kSourceReseal, tenant, id, NullableParam(values[0]), NullableParam(values[1]));
      ++resealed;
    }
    return resealed;
  };
  if (tenant_id.has_value()) return pool_->InTenantTransaction<int>(*tenant_id, reseal);
  return pool_->InSystemTransaction<int>(reseal);
}

absl::StatusOr<std::optional<SourceForToken>> PgWebhookStore::FindSourceByToken(
    const std::string& token_hash) {
  return pool_->InSystemTransaction<std::optional<SourceForToken>>(
      [&](pqxx::work& txn) -> std::optional<SourceForToken> {
        pqxx::result rows = Exec(txn, kSourceByToken, token_hash);
        if (rows.empty()) return std::nullopt;
        const pqxx::row& row = rows[0];
        SourceForToken source;
        source.tenant_id = row["tenant_id"].as<std::string>();
        source.source_id = row["id"].as<std::string>();
        source.vendor = EnumFromName<v1::WebhookVendor>(row["vendor"].as<std::string>());
        for (const char* secret : {"signing_secret", "previous_signing_secret"}) {
          std::optional<std::string> stored = OptionalText(row[secret]);
          if (!stored.has_value()) continue;
          source.requires_signature = true;
          if (secrets_ == nullptr) continue;
          absl::StatusOr<std::string> opened =
              secrets_->Open(*stored, SecretRow(source.tenant_id, source.source_id));
          if (!opened.ok()) {
            // Deliveries of this source now fail their signature check (401, the vendor retries)
            // until the key ring holds the key again: loud, and never the secret itself.
            log::Error("signing_secret_unreadable",
                       {{"tenant", source.tenant_id},
                        {"source_id", source.source_id},
                        {"error", std::string(opened.status().message())}});
            continue;
          }
          source.signing_secrets.push_back(*std::move(opened));
        }
        source.disabled = row["disabled"].as<bool>();
        return source;
      });
}

absl::StatusOr<PgWebhookStore::InsertResult> PgWebhookStore::InsertDelivery(
    const std::string& tenant_id, const NewDelivery& delivery) {
  nlohmann::json headers(delivery.headers);
  return pool_->InTenantTransaction<InsertResult>(tenant_id, [&](pqxx::work& txn) {
    pqxx::result inserted = Exec(
        txn, kDeliveryInsert, tenant_id, delivery.id, delivery.source_id,
        ShortName(delivery.vendor), delivery.message_id,
        NullableParam(delivery.event_type.empty() ? std::nullopt
                                                  : std::optional(delivery.event_type)),
        NullableParam(delivery.call_key.empty() ? std::nullopt : std::optional(delivery.call_key)),
        pqxx::binarystring(delivery.body), headers.dump(), ShortName(delivery.status),
        NullableParam(delivery.error.empty() ? std::nullopt : std::optional(delivery.error)));
    if (!inserted.empty()) return InsertResult{delivery.id, delivery.status, true};
    // A redelivery: the message is already in the inbox; report what became of it.
    pqxx::row existing =
        Exec1(txn, kDeliveryByMessage, tenant_id, delivery.source_id, delivery.message_id);
    return InsertResult{existing["id"].as<std::string>(),
                        EnumFromName<v1::DeliveryStatus>(existing["status"].as<std::string>()),
                        false};
  });
}

absl::StatusOr<std::optional<StoredDelivery>> PgWebhookStore::GetDelivery(
    const std::string& tenant_id, const std::string& id) {
  return pool_->InTenantTransaction<std::optional<StoredDelivery>>(
      tenant_id, [&](pqxx::work& txn) -> std::optional<StoredDelivery> {
        pqxx::result rows = Exec(txn, kDeliveryGet, tenant_id, id);
        if (rows.empty()) return std::nullopt;
        return StoredFromRow(rows[0]);
      });
}

absl::StatusOr<std::optional<v1::WebhookDelivery>> PgWebhookStore::GetDeliveryView(
    const std::string& tenant_id, const std::string& id) {
  return pool_->InTenantTransaction<std::optional<v1::WebhookDelivery>>(
      tenant_id, [&](pqxx::work& txn) -> std::optional<v1::WebhookDelivery> {
        pqxx::result rows = Exec(txn, kDeliveryGet, tenant_id, id);
        if (rows.empty()) return std::nullopt;
        v1::WebhookDelivery delivery = DeliveryFromRow(rows[0]);
        delivery.set_body(SanitizeUtf8(pqxx::binarystring(rows[0]["body"]).str()));
        return delivery;
      });
}

absl::StatusOr<std::vector<v1::WebhookDelivery>> PgWebhookStore::ListDeliveries(
    const std::string& tenant_id, const ListQuery& query) {
  return pool_->InTenantTransaction<std::vector<v1::WebhookDelivery>>(
      tenant_id, [&](pqxx::work& txn) {
        std::vector<v1::WebhookDelivery> deliveries;
        pqxx::result rows =
            query.after.has_value()
                ? Exec(txn, kDeliveryListAfter, tenant_id, NullableParam(query.status),
                       NullableParam(query.source_id), query.limit,
                       FormatRfc3339(absl::FromUnixMicros(query.after->first)), query.after->second)
                : Exec(txn, kDeliveryListFirst, tenant_id, NullableParam(query.status),
                       NullableParam(query.source_id), query.limit);
        for (const pqxx::row& row : rows) deliveries.push_back(DeliveryFromRow(row));
        return deliveries;
      });
}

void PgWebhookStore::MarkDelivery(pqxx::work& txn, const std::string& tenant_id,
                                  const std::string& id, v1::DeliveryStatus status,
                                  const std::string& error,
                                  const std::optional<std::string>& event_id) {
  Exec(txn, kDeliveryMark, tenant_id, id, ShortName(status),
       NullableParam(error.empty() ? std::nullopt : std::optional(error)), NullableParam(event_id));
}

absl::Status PgWebhookStore::ForgetDeliveries(const std::string& tenant_id,
                                              const std::vector<std::string>& ids) {
  std::vector<std::optional<std::string>> params(ids.begin(), ids.end());
  return pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    Exec(txn, kDeliveryForget, tenant_id, PgArrayLiteral(params));
    return absl::OkStatus();
  });
}

absl::Status PgWebhookStore::MarkDelivery(const std::string& tenant_id, const std::string& id,
                                          v1::DeliveryStatus status, const std::string& error,
                                          const std::optional<std::string>& event_id) {
  return pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    MarkDelivery(txn, tenant_id, id, status, error, event_id);
    return absl::OkStatus();
  });
}

void PgWebhookStore::LockCall(pqxx::work& txn, const std::string& tenant_id,
                              const std::string& call_key) {
  Exec(txn, kCallLock, tenant_id, call_key);
}

absl::StatusOr<std::vector<StoredDelivery>> PgWebhookStore::CallDeliveries(
    const std::string& tenant_id, const std::string& call_key) {
  return pool_->InTenantTransaction<std::vector<StoredDelivery>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<StoredDelivery> deliveries;
    for (const pqxx::row& row : Exec(txn, kCallDeliveries, tenant_id, call_key)) {
      deliveries.push_back(StoredFromRow(row));
    }
    return deliveries;
  });
}

std::vector<std::string> PgWebhookStore::CallDeliveryIds(pqxx::work& txn,
                                                         const std::string& tenant_id,
                                                         const std::string& call_key) {
  std::vector<std::string> ids;
  for (const pqxx::row& row : Exec(txn, kCallDeliveryIds, tenant_id, call_key)) {
    ids.push_back(row["id"].as<std::string>());
  }
  return ids;
}

absl::StatusOr<std::vector<PgWebhookStore::Claimed>> PgWebhookStore::Claim(absl::Duration min_age,
                                                                           int limit,
                                                                           absl::Duration lease) {
  auto interval = [](absl::Duration d) {
    return absl::StrCat(absl::ToInt64Milliseconds(d), " milliseconds");
  };
  return pool_->InSystemTransaction<std::vector<Claimed>>([&](pqxx::work& txn) {
    std::vector<Claimed> claimed;
    for (const pqxx::row& row : Exec(txn, kPending, interval(min_age), limit, interval(lease))) {
      claimed.push_back({row["tenant_id"].as<std::string>(), row["id"].as<std::string>(),
                         row["attempts"].as<int>()});
    }
    return claimed;
  });
}

absl::StatusOr<PgWebhookStore::Backlog> PgWebhookStore::InboxBacklog() {
  return pool_->InSystemTransaction<Backlog>([&](pqxx::work& txn) -> absl::StatusOr<Backlog> {
    pqxx::row row = Exec1(txn, kBacklog);
    return Backlog{row["pending"].as<int64_t>(), row["oldest_seconds"].as<double>()};
  });
}

absl::StatusOr<v1::DeliveryStatus> PgWebhookStore::RecordDeferral(const std::string& tenant_id,
                                                                  const std::string& id,
                                                                  const std::string& error,
                                                                  int max_attempts) {
  return pool_->InTenantTransaction<v1::DeliveryStatus>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::DeliveryStatus> {
        pqxx::result rows = Exec(txn, kDeliveryDefer, tenant_id, id, error, max_attempts);
        if (rows.empty()) return v1::DELIVERY_STATUS_UNSPECIFIED;  // no longer pending
        return EnumFromName<v1::DeliveryStatus>(rows[0]["status"].as<std::string>());
      });
}

absl::Status PgWebhookStore::Requeue(const std::string& tenant_id, const std::string& id) {
  return pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result found = Exec(txn, kOperatorStatus, tenant_id, id);
    if (found.empty()) return absl::NotFoundError(absl::StrCat("no delivery ", id));
    if (found[0]["status"].as<std::string>() == "rejected") {
      return absl::FailedPreconditionError(
          "a rejected delivery is not JSON and cannot be replayed");
    }
    Exec(txn, kOperatorRequeue, tenant_id, id);
    AuditEntry entry{"webhook_delivery.replayed", "webhook_delivery", id, std::nullopt,
                     std::nullopt};
    RequestContext operator_cli;
    operator_cli.tenant_id = tenant_id;
    operator_cli.key_prefix = "cli";
    AppendAudit(txn, operator_cli, entry);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PgWebhookStore::OperatorLine>> PgWebhookStore::ListForOperator(
    const std::string& tenant_id, const std::string& status, int limit) {
  return pool_->InTenantTransaction<std::vector<OperatorLine>>(tenant_id, [&](pqxx::work& txn) {
    std::vector<OperatorLine> lines;
    for (const pqxx::row& row : Exec(txn, kOperatorList, tenant_id, status, limit)) {
      lines.push_back({row["id"].as<std::string>(), row["status"].as<std::string>(),
                       row["vendor"].as<std::string>(), row["event_type"].as<std::string>(),
                       row["error"].as<std::string>()});
    }
    return lines;
  });
}

}  // namespace aievents::ingest
