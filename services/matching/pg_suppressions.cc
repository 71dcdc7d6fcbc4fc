#include "services/matching/pg_suppressions.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/audit/audit_trail.h"
#include "common/rpc/page_token.h"
#include "common/status/status_details.h"

namespace aievents::matching {
namespace {

constexpr char kSuppressionsFirstPage[] = "suppressions_first_page";
constexpr char kSuppressionsNextPage[] = "suppressions_next_page";
constexpr char kSuppressionsGet[] = "suppressions_get";
constexpr char kSuppressionsDelete[] = "suppressions_delete";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

// A page token holds the last row's time and id; the fingerprint ties it to this list.
std::string Fingerprint(const std::string& tenant_id) {
  return QueryFingerprint("suppressions|" + tenant_id);
}

absl::Status CheckHash(const std::string& hash) {
  bool hex = hash.size() == 64;
  for (char c : hash) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (hex) return absl::OkStatus();
  return InvalidArgumentWithViolations(
      {{"hash", "must be 64 lower-case hex digits (as ListSuppressions shows it)"}});
}

}  // namespace

v1::Suppression SuppressionFromRow(const pqxx::row& row) {
  v1::Suppression suppression;
  suppression.set_hash(row["hash"].as<std::string>());
  suppression.set_kind(row["kind"].as<std::string>());
  suppression.set_customer_id(row["customer_id"].as<std::string>());
  *suppression.mutable_create_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(row["create_micros"].as<int64_t>());
  suppression.set_actor(row["actor"].as<std::string>());
  return suppression;
}

std::vector<PgStatement> PgSuppressions::Statements() {
  std::vector<PgStatement> statements = {
      {kSuppressionsFirstPage,
       "SELECT " AIEVENTS_SUPPRESSION_COLUMNS " FROM suppressions WHERE tenant_id = $1"
       " ORDER BY created_at DESC, id DESC LIMIT $2"},
      {kSuppressionsNextPage,
       "SELECT " AIEVENTS_SUPPRESSION_COLUMNS " FROM suppressions WHERE tenant_id = $1"
       " AND (created_at, id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', "
       "$4::uuid)"
       " ORDER BY created_at DESC, id DESC LIMIT $2"},
      {kSuppressionsGet, "SELECT " AIEVENTS_SUPPRESSION_COLUMNS " FROM suppressions"
                         " WHERE tenant_id = $1 AND hash = $2"},
      {kSuppressionsDelete,
       "DELETE FROM suppressions WHERE tenant_id = $1 AND hash = $2"
       " RETURNING " AIEVENTS_SUPPRESSION_COLUMNS},
  };
  for (const PgStatement& statement : AuditStatements()) statements.push_back(statement);
  return statements;
}

absl::StatusOr<v1::ListSuppressionsResponse> PgSuppressions::List(
    const RequestContext& caller, const v1::ListSuppressionsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return InvalidArgumentWithViolations(
        {{"page_size", absl::StrCat("must be from 1 to ", kMaxPageSize)}});
  }
  const int page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  std::optional<PagePosition> after;
  if (!request.page_token().empty()) {
    absl::StatusOr<PagePosition> position =
        DecodePageToken(request.page_token(), Fingerprint(caller.tenant_id));
    if (!position.ok()) return position.status();
    after = *position;
  }
  return pool_->InTenantTransaction<v1::ListSuppressionsResponse>(
      caller.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::ListSuppressionsResponse> {
        // One more than a page tells whether another follows.
        pqxx::result rows =
            after ? Exec(txn, kSuppressionsNextPage, caller.tenant_id, page_size + 1,
                         after->sort_micros, after->id)
                  : Exec(txn, kSuppressionsFirstPage, caller.tenant_id, page_size + 1);
        v1::ListSuppressionsResponse response;
        for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
          *response.add_suppressions() = SuppressionFromRow(rows[i]);
        }
        if (static_cast<int>(rows.size()) > page_size) {
          const pqxx::row& last = rows[page_size - 1];
          response.set_next_page_token(
              EncodePageToken({last["create_micros"].as<int64_t>(), last["id"].as<std::string>()},
                              Fingerprint(caller.tenant_id)));
        }
        return response;
      });
}

absl::StatusOr<v1::Suppression> PgSuppressions::Get(const RequestContext& caller,
                                                    const std::string& hash) {
  if (absl::Status valid = CheckHash(hash); !valid.ok()) return valid;
  return pool_->InTenantTransaction<v1::Suppression>(
      caller.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::Suppression> {
        pqxx::result rows = Exec(txn, kSuppressionsGet, caller.tenant_id, hash);
        if (rows.empty())
          return absl::NotFoundError(absl::StrCat("suppression ", hash, " not found"));
        return SuppressionFromRow(rows[0]);
      });
}

absl::StatusOr<v1::Suppression> PgSuppressions::Delete(const RequestContext& caller,
                                                       const std::string& hash) {
  if (absl::Status valid = CheckHash(hash); !valid.ok()) return valid;
  return pool_->InTenantTransaction<v1::Suppression>(
      caller.tenant_id, [&](pqxx::work& txn) -> absl::StatusOr<v1::Suppression> {
        pqxx::result rows = Exec(txn, kSuppressionsDelete, caller.tenant_id, hash);
        if (rows.empty())
          return absl::NotFoundError(absl::StrCat("suppression ", hash, " not found"));
        v1::Suppression lifted = SuppressionFromRow(rows[0]);
        AppendAudit(txn, caller,
                    {"suppression.lifted", "suppression", hash, AuditJson(lifted), std::nullopt});
        return lifted;
      });
}

}  // namespace aievents::matching
