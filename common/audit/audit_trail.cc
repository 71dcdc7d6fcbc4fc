#include "common/audit/audit_trail.h"

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/page_token.h"
#include "common/text/ids.h"
#include "common/text/rfc3339.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace aievents {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kAuditInsert[] = "audit_insert";
constexpr char kAuditListFirst[] = "audit_list_first";
constexpr char kAuditListAfter[] = "audit_list_after";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

#define AIEVENTS_AUDIT_COLUMNS                                                            \
  "id::text AS id, (extract(epoch FROM created_at) * 1000000)::bigint AS created_micros," \
  " coalesce(actor_key_id::text, '') AS actor_key_id, actor, action, target_type,"        \
  " target_id, coalesce(before::text, '') AS before, coalesce(after::text, '') AS after," \
  " request_id"
#define AIEVENTS_AUDIT_FILTERS                                                            \
  " WHERE tenant_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR " \
  "target_id = $3)"

}  // namespace

std::string AuditJson(const google::protobuf::Message& target) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(target, &json, options);
  return json;
}

std::vector<PgStatement> AuditStatements() {
  return {
      {kAuditInsert,
       "INSERT INTO audit_events (tenant_id, id, actor_key_id, actor, action, target_type,"
       " target_id, before, after, request_id)"
       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10)"},
      {kAuditListFirst, "SELECT " AIEVENTS_AUDIT_COLUMNS " FROM audit_events" AIEVENTS_AUDIT_FILTERS
                        " ORDER BY created_at DESC, audit_events.id DESC LIMIT $4"},
      {kAuditListAfter, "SELECT " AIEVENTS_AUDIT_COLUMNS " FROM audit_events" AIEVENTS_AUDIT_FILTERS
                        " AND (created_at, audit_events.id) < ($5::timestamptz, $6::uuid)"
                        " ORDER BY created_at DESC, audit_events.id DESC LIMIT $4"},
  };
}

void AppendAudit(pqxx::work& txn, const RequestContext& actor, const AuditEntry& entry) {
  Exec(txn, kAuditInsert, actor.tenant_id, NewUuidV7(),
       actor.key_id.empty() ? nullptr : actor.key_id.c_str(),
       actor.key_prefix.empty() ? "internal" : actor.key_prefix, entry.action, entry.target_type,
       entry.target_id, NullableParam(entry.before), NullableParam(entry.after), actor.request_id);
}

absl::StatusOr<v1::ListAuditEventsResponse> ListAudit(pqxx::work& txn, const std::string& tenant_id,
                                                      const v1::ListAuditEventsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return InvalidArgumentWithViolations(
        {{"page_size", absl::StrCat("must be between 0 and ", kMaxPageSize)}});
  }
  int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  std::optional<std::string> action = OptionalIf(!request.action().empty(), request.action());
  std::optional<std::string> target = OptionalIf(!request.target_id().empty(), request.target_id());
  std::string fingerprint = QueryFingerprint(
      absl::StrCat("audit|", tenant_id, "|", request.action(), "|", request.target_id()));
  pqxx::result rows;
  if (request.page_token().empty()) {
    rows = Exec(txn, kAuditListFirst, tenant_id, NullableParam(action), NullableParam(target),
                page_size + 1);
  } else {
    absl::StatusOr<PagePosition> after = DecodePageToken(request.page_token(), fingerprint);
    if (!after.ok()) return after.status();
    rows = Exec(txn, kAuditListAfter, tenant_id, NullableParam(action), NullableParam(target),
                page_size + 1, FormatRfc3339(absl::FromUnixMicros(after->sort_micros)), after->id);
  }
  v1::ListAuditEventsResponse response;
  for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
    const pqxx::row& row = rows[i];
    v1::AuditEvent* event = response.add_audit_events();
    event->set_id(row["id"].as<std::string>());
    *event->mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(row["created_micros"].as<int64_t>());
    event->set_actor_key_id(row["actor_key_id"].as<std::string>());
    event->set_actor(row["actor"].as<std::string>());
    event->set_action(row["action"].as<std::string>());
    event->set_target_type(row["target_type"].as<std::string>());
    event->set_target_id(row["target_id"].as<std::string>());
    event->set_before(row["before"].as<std::string>());
    event->set_after(row["after"].as<std::string>());
    event->set_request_id(row["request_id"].as<std::string>());
  }
  if (static_cast<int>(rows.size()) > page_size) {
    const pqxx::row& last = rows[page_size - 1];
    response.set_next_page_token(EncodePageToken(
        {last["created_micros"].as<int64_t>(), last["id"].as<std::string>()}, fingerprint));
  }
  return response;
}

}  // namespace aievents
