#include "services/timeline/pg_event_reader.h"

#include "absl/strings/str_cat.h"
#include "common/ai_event_row.h"

namespace aievents::timeline {
namespace {

constexpr char kGetEvent[] = "ai_events_get";

}  // namespace

std::vector<PgStatement> PgEventReader::Statements() {
  static const std::string get_event =
      absl::StrCat("SELECT ", kAiEventColumns, " FROM ai_events WHERE tenant_id = $1 AND id = $2");
  return {{kGetEvent, get_event.c_str()}};
}

absl::StatusOr<std::optional<v1::AiEvent>> PgEventReader::Get(const std::string& tenant_id,
                                                              const std::string& id) {
  std::optional<v1::AiEvent> event;
  absl::Status status = pool_->InTenantTransaction(tenant_id, [&](pqxx::work& txn) {
    pqxx::result rows = txn.exec_prepared(kGetEvent, tenant_id, id);
    if (!rows.empty()) event = AiEventFromRow(rows[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return event;
}

}  // namespace aievents::timeline
