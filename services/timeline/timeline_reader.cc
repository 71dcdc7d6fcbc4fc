#include "services/timeline/timeline_reader.h"

#include "absl/strings/str_cat.h"
#include "common/field_violations.h"
#include "common/ids.h"
#include "common/status_macros.h"

namespace aievents::timeline {

absl::StatusOr<v1::AiEvent> TimelineReader::GetEvent(const RequestContext& context,
                                                     const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  ASSIGN_OR_RETURN(std::optional<v1::AiEvent> event, reader_->Get(context.tenant_id, id));
  if (!event.has_value()) return absl::NotFoundError(absl::StrCat("AI event ", id, " not found"));
  return *event;
}

}  // namespace aievents::timeline
