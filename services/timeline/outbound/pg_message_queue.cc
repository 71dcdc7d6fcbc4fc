#include "services/timeline/outbound/pg_message_queue.h"

#include "absl/strings/str_cat.h"
#include "services/timeline/outbound/delivery_schedule.h"

namespace aievents::timeline {
namespace {

constexpr char kClaim[] = "webhook_messages_claim";
constexpr char kTarget[] = "webhook_endpoint_target";
constexpr char kEndpointHealth[] = "webhook_endpoint_health";
constexpr char kAttemptInsert[] = "webhook_attempt_insert";
constexpr char kMessageDelivered[] = "webhook_message_delivered";
constexpr char kMessageRetry[] = "webhook_message_retry";
constexpr char kMessageFailed[] = "webhook_message_failed";
constexpr char kEndpointSucceeded[] = "webhook_endpoint_succeeded";
constexpr char kEndpointFailed[] = "webhook_endpoint_failed";
constexpr char kEndpointReleased[] = "webhook_endpoint_released";
constexpr char kBacklog[] = "outbound_backlog";

int64_t Millis(absl::Duration duration) { return absl::ToInt64Milliseconds(duration); }

}  // namespace

std::vector<PgStatement> PgMessageQueue::Statements() {
  return {
      {kClaim,
       "SELECT tenant_id::text AS tenant_id, endpoint_id::text AS endpoint_id,"
       " message_id::text AS message_id, type, subject_id::text AS subject_id,"
       " (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros, attempts"
       " FROM claim_webhook_messages($1::integer, $2::integer, $3::bigint * interval '1 ms')"},
      {kTarget,
       "SELECT url, status, secret, CASE WHEN previous_secret_expires_at > now()"
       " THEN previous_secret END AS previous_secret"
       " FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"},
      {kEndpointHealth,
       "SELECT consecutive_failures, failing_since <= now() - $3::bigint * interval '1 ms'"
       " AS failing_too_long FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2"
       " FOR NO KEY UPDATE"},
      {kAttemptInsert,
       "INSERT INTO webhook_attempts (tenant_id, endpoint_id, message_id, type, status_code,"
       " duration_ms, error, next_retry_at) VALUES ($1, $2, $3, $4, $5, $6, $7,"
       " now() + $8::bigint * interval '1 ms')"},
      // Delivered: its attempts keep the record; the queue keeps only what is left to do.
      {kMessageDelivered,
       "DELETE FROM webhook_messages WHERE tenant_id = $1 AND endpoint_id = $2"
       " AND message_id = $3"},
      {kMessageRetry,
       "UPDATE webhook_messages SET attempts = attempts + $4, lease_until = NULL,"
       " next_attempt_at = now() + $5::bigint * interval '1 ms'"
       " WHERE tenant_id = $1 AND endpoint_id = $2 AND message_id = $3"},
      {kMessageFailed,
       "UPDATE webhook_messages SET status = 'failed', attempts = attempts + 1,"
       " lease_until = NULL WHERE tenant_id = $1 AND endpoint_id = $2 AND message_id = $3"},
      {kEndpointSucceeded,
       "UPDATE webhook_endpoints SET failing_since = NULL, consecutive_failures = 0,"
       " retry_after = NULL, last_success_at = now(), in_flight = greatest(in_flight - 1, 0)"
       " WHERE tenant_id = $1 AND id = $2"},
      // $3: rest in ms; $4: disable with this reason ('' keeps it enabled).
      {kEndpointFailed,
       "UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()),"
       " consecutive_failures = consecutive_failures + 1,"
       " retry_after = now() + $3::bigint * interval '1 ms',"
       " in_flight = greatest(in_flight - 1, 0),"
       " status = CASE WHEN $4 = '' THEN status ELSE 'disabled' END,"
       " disabled_reason = CASE WHEN $4 = '' THEN disabled_reason ELSE $4 END,"
       " update_time = CASE WHEN $4 = '' THEN update_time ELSE now() END"
       " WHERE tenant_id = $1 AND id = $2"},
      {kBacklog,
       "SELECT outbox_rows, coalesce(extract(epoch FROM now() - oldest_outbox_at), 0)::float8"
       " AS outbox_oldest, pending_messages,"
       " coalesce(extract(epoch FROM now() - oldest_pending_at), 0)::float8 AS pending_oldest,"
       " disabled_endpoints, retained_events,"
       " coalesce(extract(epoch FROM now() - oldest_undelivered_at), 0)::float8"
       " AS undelivered_oldest FROM outbound_backlog()"},
      {kEndpointReleased,
       "UPDATE webhook_endpoints SET in_flight = greatest(in_flight - 1, 0)"
       " WHERE tenant_id = $1 AND id = $2"},
  };
}

absl::StatusOr<std::vector<ClaimedMessage>> PgMessageQueue::Claim(int limit, int per_endpoint,
                                                                  absl::Duration lease) {
  return pool_->InSystemTransaction<std::vector<ClaimedMessage>>(
      [&](pqxx::work& txn) -> absl::StatusOr<std::vector<ClaimedMessage>> {
        std::vector<ClaimedMessage> claimed;
        for (const pqxx::row& row : Exec(txn, kClaim, limit, per_endpoint, Millis(lease))) {
          claimed.push_back({row["tenant_id"].as<std::string>(),
                             row["endpoint_id"].as<std::string>(),
                             row["message_id"].as<std::string>(), row["type"].as<std::string>(),
                             row["subject_id"].as<std::string>(),
                             absl::FromUnixMicros(row["created_micros"].as<int64_t>()),
                             row["attempts"].as<int>()});
        }
        return claimed;
      });
}

absl::StatusOr<std::optional<EndpointTarget>> PgMessageQueue::Target(
    const std::string& tenant_id, const std::string& endpoint_id) {
  return pool_->InTenantTransaction<std::optional<EndpointTarget>>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<std::optional<EndpointTarget>> {
        pqxx::result rows = Exec(txn, kTarget, tenant_id, endpoint_id);
        if (rows.empty()) return std::nullopt;
        EndpointTarget target;
        target.url = rows[0]["url"].as<std::string>();
        target.enabled = rows[0]["status"].as<std::string>() == "enabled";
        target.sealed_secrets.push_back(rows[0]["secret"].as<std::string>());
        if (!rows[0]["previous_secret"].is_null()) {
          target.sealed_secrets.push_back(rows[0]["previous_secret"].as<std::string>());
        }
        return target;
      });
}

absl::Status PgMessageQueue::Record(const ClaimedMessage& message, const AttemptResult& result) {
  Verdict verdict = Judge(result.status_code);
  int attempts_made = message.attempts + 1;
  std::optional<absl::Duration> retry =
      verdict == Verdict::kDelivered || result.final ? std::nullopt : RetryDelay(attempts_made);
  return pool_->InTenantTransaction(message.tenant_id, [&](pqxx::work& txn) -> absl::Status {
    pqxx::result health = Exec(txn, kEndpointHealth, message.tenant_id, message.endpoint_id,
                               Millis(kDisableWhenFailingFor));
    if (health.empty()) return absl::OkStatus();  // deleted meanwhile, with its messages
    std::optional<int> status_code = result.status_code;
    std::optional<int64_t> next_retry_ms;
    if (retry) next_retry_ms = Millis(*retry);
    Exec(txn, kAttemptInsert, message.tenant_id, message.endpoint_id, message.message_id,
         message.type, status_code, static_cast<int>(Millis(result.duration)), result.error,
         next_retry_ms);
    if (verdict == Verdict::kDelivered) {
      Exec(txn, kMessageDelivered, message.tenant_id, message.endpoint_id, message.message_id);
      Exec(txn, kEndpointSucceeded, message.tenant_id, message.endpoint_id);
      return absl::OkStatus();
    }
    if (retry) {
      Exec(txn, kMessageRetry, message.tenant_id, message.endpoint_id, message.message_id, 1,
           *next_retry_ms);
    } else {
      Exec(txn, kMessageFailed, message.tenant_id, message.endpoint_id, message.message_id);
    }
    if (result.final) {  // the message's fault, not the endpoint's
      Exec(txn, kEndpointReleased, message.tenant_id, message.endpoint_id);
      return absl::OkStatus();
    }
    int failures = health[0]["consecutive_failures"].as<int>() + 1;
    bool failing_too_long =
        !health[0]["failing_too_long"].is_null() && health[0]["failing_too_long"].as<bool>();
    std::string disable = verdict == Verdict::kGone ? "gone" : failing_too_long ? "failing" : "";
    Exec(txn, kEndpointFailed, message.tenant_id, message.endpoint_id,
         Millis(RestAfterFailures(failures)), disable);
    return absl::OkStatus();
  });
}

absl::StatusOr<OutboundBacklog> PgMessageQueue::Backlog() {
  return pool_->InSystemTransaction<OutboundBacklog>(
      [&](pqxx::work& txn) -> absl::StatusOr<OutboundBacklog> {
        pqxx::row row = Exec1(txn, kBacklog);
        return OutboundBacklog{
            row["outbox_rows"].as<int64_t>(),        row["outbox_oldest"].as<double>(),
            row["pending_messages"].as<int64_t>(),   row["pending_oldest"].as<double>(),
            row["disabled_endpoints"].as<int64_t>(), row["retained_events"].as<int64_t>(),
            row["undelivered_oldest"].as<double>()};
      });
}

absl::Status PgMessageQueue::Postpone(const ClaimedMessage& message, absl::Duration delay) {
  return pool_->InTenantTransaction(message.tenant_id, [&](pqxx::work& txn) -> absl::Status {
    Exec(txn, kMessageRetry, message.tenant_id, message.endpoint_id, message.message_id, 0,
         Millis(delay));
    Exec(txn, kEndpointReleased, message.tenant_id, message.endpoint_id);
    return absl::OkStatus();
  });
}

}  // namespace aievents::timeline
