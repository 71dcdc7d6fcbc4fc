// The ai_events table on the read path.
#ifndef AIEVENTS_SERVICES_TIMELINE_PG_EVENT_READER_H_
#define AIEVENTS_SERVICES_TIMELINE_PG_EVENT_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/ai_event.pb.h"
#include "common/pg_pool.h"

namespace aievents::timeline {

class PgEventReader {
 public:
  explicit PgEventReader(PgPool* pool) : pool_(pool) {}

  static std::vector<PgStatement> Statements();

  // The tenant's event, or nullopt (also when it belongs to another tenant).
  absl::StatusOr<std::optional<v1::AiEvent>> Get(const std::string& tenant_id,
                                                 const std::string& id);

 private:
  PgPool* pool_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_PG_EVENT_READER_H_
