// The timeline service's logic: tenant-scoped reads of AI events.
#ifndef AIEVENTS_SERVICES_TIMELINE_TIMELINE_READER_H_
#define AIEVENTS_SERVICES_TIMELINE_TIMELINE_READER_H_

#include "absl/status/statusor.h"
#include "common/request_context.h"
#include "services/timeline/pg_event_reader.h"

namespace aievents::timeline {

class TimelineReader {
 public:
  explicit TimelineReader(PgEventReader* reader) : reader_(reader) {}

  // INVALID_ARGUMENT when `id` is not a UUID; NOT_FOUND when the caller's tenant has no such
  // event (another tenant's event is indistinguishable from a missing one).
  absl::StatusOr<v1::AiEvent> GetEvent(const RequestContext& context, const std::string& id);

 private:
  PgEventReader* reader_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_TIMELINE_READER_H_
