#include "services/timeline/outbound/pg_message_queue.h"

#include <algorithm>
#include <random>
#include <set>

#include "absl/strings/str_cat.h"

namespace aievents::timeline {
namespace {

constexpr char kClaim[] = "webhook_messages_claim";
constexpr char kTargets[] = "webhook_endpoint_targets";
constexpr char kEndpointsHealth[] = "webhook_endpoints_health";
constexpr char kAttemptsInsert[] = "webhook_attempts_insert";
constexpr char kMessagesDelivered[] = "webhook_messages_delivered";
constexpr char kMessagesRequeued[] = "webhook_messages_requeued";
constexpr char kMessagesAdded[] = "webhook_messages_added";
constexpr char kEndpointsAfter[] = "webhook_endpoints_after";
constexpr char kBacklog[] = "outbound_backlog";

int64_t Millis(absl::Duration duration) { return absl::ToInt64Milliseconds(duration); }

std::optional<std::string> Text(int64_t value) { return std::to_string(value); }
std::optional<std::string> Text(bool value) { return std::string(value ? "t" : "f"); }

double UnitRandom() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

// One array per column, for the unnest of a batched statement.
using Column = std::vector<std::optional<std::string>>;

}  // namespace

std::vector<PgStatement> PgMessageQueue::Statements() {
  return {
      {kClaim,
       "SELECT tenant_id::text AS tenant_id, endpoint_id::text AS endpoint_id,"
       " message_id::text AS message_id, type, subject_id::text AS subject_id,"
       " (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros, attempts, seq"
       " FROM claim_webhook_batch($1::integer, $2::integer, $3::bigint * interval '1 ms')"},
      {kTargets,
       "SELECT id::text AS id, url, status, secret, CASE WHEN previous_secret_expires_at > now()"
       " THEN previous_secret END AS previous_secret"
       " FROM webhook_endpoints WHERE tenant_id = $1 AND id = ANY ($2::uuid[])"},
      // In id order, so that two recorders lock shared endpoints in the same order.
      {kEndpointsHealth,
       "SELECT id::text AS id, consecutive_failures,"
       " failing_since <= now() - $3::bigint * interval '1 ms' AS failing_too_long"
       " FROM webhook_endpoints WHERE tenant_id = $1 AND id = ANY ($2::uuid[])"
       " ORDER BY id FOR NO KEY UPDATE"},
      {kAttemptsInsert,
       "INSERT INTO webhook_attempts (tenant_id, endpoint_id, message_id, type, attempted_at,"
       " status_code, duration_ms, error, next_retry_at)"
       " SELECT $1, a.endpoint_id, a.message_id, a.type,"
       " timestamptz 'epoch' + a.at_micros * interval '1 microsecond', a.status_code,"
       " a.duration_ms, a.error, now() + a.next_retry_ms * interval '1 ms'"
       " FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::int[], $7::int[],"
       " $8::text[], $9::bigint[]) AS a(endpoint_id, message_id, type, at_micros, status_code,"
       " duration_ms, error, next_retry_ms)"},
      // Delivered: its attempts keep the record; the queue keeps only what is left to do.
      {kMessagesDelivered,
       "DELETE FROM webhook_messages m USING unnest($2::uuid[], $3::uuid[])"
       " AS d(endpoint_id, message_id)"
       " WHERE m.tenant_id = $1 AND m.endpoint_id = d.endpoint_id"
       " AND m.message_id = d.message_id"},
      {kMessagesRequeued,
       "UPDATE webhook_messages m SET"
       " status = CASE WHEN u.failed THEN 'failed' ELSE m.status END,"
       " attempts = m.attempts + u.added, lease_until = NULL,"
       " next_attempt_at = CASE WHEN u.failed THEN m.next_attempt_at"
       "   ELSE now() + u.delay_ms * interval '1 ms' END"
       " FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::bigint[], $6::bool[])"
       " AS u(endpoint_id, message_id, added, delay_ms, failed)"
       " WHERE m.tenant_id = $1 AND m.endpoint_id = u.endpoint_id"
       " AND m.message_id = u.message_id"},
      // A fresh message that failed (or was put off) becomes a row; a duplicate of one already
      // there (its window handed out twice after a lost lease) changes nothing.
      {kMessagesAdded,
       "INSERT INTO webhook_messages (tenant_id, endpoint_id, message_id, type, subject_id,"
       " created_at, status, attempts, next_attempt_at)"
       " SELECT $1, u.endpoint_id, u.message_id, u.type, u.subject_id,"
       " timestamptz 'epoch' + u.created_micros * interval '1 microsecond',"
       " CASE WHEN u.failed THEN 'failed' ELSE 'pending' END, u.attempts,"
       " now() + u.delay_ms * interval '1 ms'"
       " FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::bigint[], $7::int[],"
       " $8::bigint[], $9::bool[]) AS u(endpoint_id, message_id, type, subject_id,"
       " created_micros, attempts, delay_ms, failed)"
       " ON CONFLICT DO NOTHING"},
      {kEndpointsAfter,
       "UPDATE webhook_endpoints w SET in_flight = greatest(w.in_flight - u.released, 0),"
       " last_success_at = CASE WHEN u.succeeded THEN now() ELSE w.last_success_at END,"
       " failing_since = CASE WHEN NOT u.failing"
       "   THEN CASE WHEN u.succeeded THEN NULL ELSE w.failing_since END"
       "   WHEN u.restarted THEN now() ELSE coalesce(w.failing_since, now()) END,"
       " consecutive_failures = u.failures,"
       " retry_after = CASE WHEN u.failing THEN now() + u.rest_ms * interval '1 ms'"
       "   WHEN u.succeeded THEN NULL ELSE w.retry_after END,"
       " status = CASE WHEN u.disable = '' THEN w.status ELSE 'disabled' END,"
       " disabled_reason = CASE WHEN u.disable = '' THEN w.disabled_reason ELSE u.disable END,"
       " update_time = CASE WHEN u.disable = '' THEN w.update_time ELSE now() END,"
       " cursor_seq = greatest(w.cursor_seq, coalesce(u.passed, 0))"
       " FROM unnest($2::uuid[], $3::int[], $4::bool[], $5::bool[], $6::bool[], $7::int[],"
       " $8::bigint[], $9::text[], $10::bigint[])"
       " AS u(id, released, succeeded, failing, restarted, failures, rest_ms, disable, passed)"
       " WHERE w.tenant_id = $1 AND w.id = u.id"},
      {kBacklog,
       "SELECT outbox_rows, coalesce(extract(epoch FROM now() - oldest_outbox_at), 0)::float8"
       " AS outbox_oldest, pending_messages,"
       " coalesce(extract(epoch FROM now() - oldest_pending_at), 0)::float8 AS pending_oldest,"
       " disabled_endpoints, retained_events,"
       " coalesce(extract(epoch FROM now() - oldest_undelivered_at), 0)::float8"
       " AS undelivered_oldest FROM outbound_backlog()"},
  };
}

absl::StatusOr<std::vector<ClaimedMessage>> PgMessageQueue::Claim(int limit, int per_endpoint,
                                                                  absl::Duration lease) {
  return pool_->InSystemTransaction<std::vector<ClaimedMessage>>(
      [&](pqxx::work& txn) -> absl::StatusOr<std::vector<ClaimedMessage>> {
        std::vector<ClaimedMessage> claimed;
        for (const pqxx::row& row : Exec(txn, kClaim, limit, per_endpoint, Millis(lease))) {
          claimed.push_back(
              {row["tenant_id"].as<std::string>(), row["endpoint_id"].as<std::string>(),
               row["message_id"].as<std::string>(), row["type"].as<std::string>(),
               row["subject_id"].as<std::string>(),
               absl::FromUnixMicros(row["created_micros"].as<int64_t>()), row["attempts"].as<int>(),
               row["seq"].is_null() ? std::nullopt
                                    : std::optional<int64_t>(row["seq"].as<int64_t>())});
        }
        return claimed;
      });
}

absl::StatusOr<std::map<std::string, EndpointTarget>> PgMessageQueue::Targets(
    const std::string& tenant_id, const std::vector<std::string>& endpoint_ids) {
  Column ids(endpoint_ids.begin(), endpoint_ids.end());
  return pool_->InTenantTransaction<std::map<std::string, EndpointTarget>>(
      tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<std::map<std::string, EndpointTarget>> {
        std::map<std::string, EndpointTarget> targets;
        for (const pqxx::row& row : Exec(txn, kTargets, tenant_id, PgArrayLiteral(ids))) {
          EndpointTarget& target = targets[row["id"].as<std::string>()];
          target.url = row["url"].as<std::string>();
          target.enabled = row["status"].as<std::string>() == "enabled";
          target.sealed_secrets.push_back(row["secret"].as<std::string>());
          if (!row["previous_secret"].is_null()) {
            target.sealed_secrets.push_back(row["previous_secret"].as<std::string>());
          }
        }
        return targets;
      });
}

absl::Status PgMessageQueue::Record(const std::string& tenant_id,
                                    const std::vector<MessageOutcome>& outcomes) {
  std::map<std::string, std::vector<EndpointOutcome>> by_endpoint;  // in id order
  for (const MessageOutcome& outcome : outcomes) by_endpoint[outcome.message.endpoint_id];
  Column endpoint_ids;
  for (const auto& [id, unused] : by_endpoint) endpoint_ids.emplace_back(id);

  return pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) -> absl::Status {
    std::map<std::string, EndpointBefore> before;  // locked until the commit
    for (const pqxx::row& row : Exec(txn, kEndpointsHealth, tenant_id, PgArrayLiteral(endpoint_ids),
                                     Millis(kDisableWhenFailingFor))) {
      before[row["id"].as<std::string>()] = {
          row["consecutive_failures"].as<int>(),
          !row["failing_too_long"].is_null() && row["failing_too_long"].as<bool>()};
    }
    Column a_endpoint, a_message, a_type, a_at, a_status, a_duration, a_error, a_retry;
    Column d_endpoint, d_message;
    Column r_endpoint, r_message, r_added, r_delay, r_failed;
    Column n_endpoint, n_message, n_type, n_subject, n_created, n_attempts, n_delay, n_failed;
    std::map<std::string, int64_t> passed_by_endpoint;  // the last fresh seq recorded
    for (const MessageOutcome& outcome : outcomes) {
      const ClaimedMessage& message = outcome.message;
      if (!before.contains(message.endpoint_id)) continue;  // deleted, with its messages
      std::vector<EndpointOutcome>& endpoint = by_endpoint[message.endpoint_id];
      if (message.seq) {
        int64_t& passed = passed_by_endpoint[message.endpoint_id];
        passed = std::max(passed, *message.seq);
      }
      // A fresh message that is not done becomes a row (`attempts` made, due after `delay`).
      auto add = [&](int attempts, absl::Duration delay, bool failed) {
        n_endpoint.emplace_back(message.endpoint_id);
        n_message.emplace_back(message.message_id);
        n_type.emplace_back(message.type);
        n_subject.emplace_back(message.subject_id);
        n_created.push_back(Text(absl::ToUnixMicros(message.created_at)));
        n_attempts.push_back(Text(int64_t{attempts}));
        n_delay.push_back(Text(Millis(delay)));
        n_failed.push_back(Text(failed));
      };
      if (!outcome.attempt) {
        endpoint.push_back({EndpointOutcome::Kind::kUntried, Verdict::kRetry, std::nullopt});
        if (message.seq) {
          add(0, outcome.postpone, false);
          continue;
        }
        r_endpoint.emplace_back(message.endpoint_id);
        r_message.emplace_back(message.message_id);
        r_added.push_back(Text(int64_t{0}));
        r_delay.push_back(Text(Millis(outcome.postpone)));
        r_failed.push_back(Text(false));
        continue;
      }
      const AttemptResult& result = *outcome.attempt;
      Verdict verdict = Judge(result.status_code);
      endpoint.push_back(
          {result.final ? EndpointOutcome::Kind::kUntried : EndpointOutcome::Kind::kAttempt,
           verdict, result.retry_after});
      std::optional<absl::Duration> retry =
          verdict == Verdict::kDelivered || result.final
              ? std::nullopt
              : RetryDelay(schedule_, message.attempts + 1, UnitRandom(), result.retry_after);
      a_endpoint.emplace_back(message.endpoint_id);
      a_message.emplace_back(message.message_id);
      a_type.emplace_back(message.type);
      a_at.push_back(Text(absl::ToUnixMicros(result.started)));
      a_status.push_back(result.status_code ? Text(int64_t{*result.status_code}) : std::nullopt);
      a_duration.push_back(Text(Millis(result.duration)));
      a_error.emplace_back(result.error);
      a_retry.push_back(retry ? Text(Millis(*retry)) : std::nullopt);
      if (message.seq) {  // no row yet: one only if it is not done
        if (verdict != Verdict::kDelivered && !result.final) {
          add(1, retry.value_or(absl::ZeroDuration()), !retry.has_value());
        }
        continue;
      }
      if (verdict == Verdict::kDelivered) {
        d_endpoint.emplace_back(message.endpoint_id);
        d_message.emplace_back(message.message_id);
        continue;
      }
      r_endpoint.emplace_back(message.endpoint_id);
      r_message.emplace_back(message.message_id);
      r_added.push_back(Text(int64_t{1}));
      r_delay.push_back(Text(retry ? Millis(*retry) : int64_t{0}));
      r_failed.push_back(Text(!retry.has_value()));
    }
    Column e_id, e_released, e_succeeded, e_failing, e_restarted, e_failures, e_rest, e_disable,
        e_passed;
    for (const auto& [id, endpoint_outcomes] : by_endpoint) {
      auto found = before.find(id);
      if (found == before.end()) continue;
      EndpointAfter after = FoldEndpointOutcomes(found->second, endpoint_outcomes, schedule_);
      e_id.emplace_back(id);
      e_released.push_back(Text(int64_t{after.released}));
      e_succeeded.push_back(Text(after.succeeded));
      e_failing.push_back(Text(after.failing));
      e_restarted.push_back(Text(after.failing_restarted));
      e_failures.push_back(Text(int64_t{after.consecutive_failures}));
      e_rest.push_back(Text(Millis(after.rest)));
      e_disable.emplace_back(after.disable);
      auto passed = passed_by_endpoint.find(id);
      e_passed.push_back(passed == passed_by_endpoint.end() ? std::nullopt : Text(passed->second));
    }
    if (!a_endpoint.empty()) {
      Exec(txn, kAttemptsInsert, tenant_id, PgArrayLiteral(a_endpoint), PgArrayLiteral(a_message),
           PgArrayLiteral(a_type), PgArrayLiteral(a_at), PgArrayLiteral(a_status),
           PgArrayLiteral(a_duration), PgArrayLiteral(a_error), PgArrayLiteral(a_retry));
    }
    if (!d_endpoint.empty()) {
      Exec(txn, kMessagesDelivered, tenant_id, PgArrayLiteral(d_endpoint),
           PgArrayLiteral(d_message));
    }
    if (!r_endpoint.empty()) {
      Exec(txn, kMessagesRequeued, tenant_id, PgArrayLiteral(r_endpoint), PgArrayLiteral(r_message),
           PgArrayLiteral(r_added), PgArrayLiteral(r_delay), PgArrayLiteral(r_failed));
    }
    if (!n_endpoint.empty()) {
      Exec(txn, kMessagesAdded, tenant_id, PgArrayLiteral(n_endpoint), PgArrayLiteral(n_message),
           PgArrayLiteral(n_type), PgArrayLiteral(n_subject), PgArrayLiteral(n_created),
           PgArrayLiteral(n_attempts), PgArrayLiteral(n_delay), PgArrayLiteral(n_failed));
    }
    if (!e_id.empty()) {
      Exec(txn, kEndpointsAfter, tenant_id, PgArrayLiteral(e_id), PgArrayLiteral(e_released),
           PgArrayLiteral(e_succeeded), PgArrayLiteral(e_failing), PgArrayLiteral(e_restarted),
           PgArrayLiteral(e_failures), PgArrayLiteral(e_rest), PgArrayLiteral(e_disable),
           PgArrayLiteral(e_passed));
    }
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

}  // namespace aievents::timeline
