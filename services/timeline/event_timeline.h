// The timeline service's logic: tenant-scoped reads of AI events (one, a customer's, the
// unmatched queue, all), page tokens, and manual association.
#ifndef AIEVENTS_SERVICES_TIMELINE_EVENT_TIMELINE_H_
#define AIEVENTS_SERVICES_TIMELINE_EVENT_TIMELINE_H_

#include "absl/status/statusor.h"
#include "aievents/v1/timeline_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/timeline/pg_timeline_store.h"

namespace aievents::timeline {

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
// CountEvents stops here: a badge needs "10,000+", not an exact figure that costs a full scan.
constexpr int64_t kCountCap = 10000;

class EventTimeline {
 public:
  explicit EventTimeline(PgTimelineStore* store) : store_(store) {}

  // INVALID_ARGUMENT when `id` is not a UUID; NOT_FOUND when the caller's tenant has no such
  // event (another tenant's event is indistinguishable from a missing one).
  absl::StatusOr<v1::AiEvent> GetEvent(const RequestContext& context, const std::string& id);

  absl::StatusOr<v1::ListEventsResponse> ListCustomerEvents(
      const RequestContext& context, const v1::ListCustomerEventsRequest& request);

  absl::StatusOr<v1::ListEventsResponse> ListEvents(const RequestContext& context,
                                                    const v1::ListEventsRequest& request);

  // The number of events ListEvents would show (without filters), up to kCountCap.
  absl::StatusOr<v1::CountEventsResponse> CountEvents(const RequestContext& context,
                                                      const v1::CountEventsRequest& request);

  // OK when the tenant has the customer; NOT_FOUND otherwise (for WatchCustomerEvents).
  absl::Status CheckCustomer(const RequestContext& context, const std::string& customer_id);

 private:
  // Shared by both list RPCs: validates paging and filters, runs the query, makes the token.
  template <typename Request>
  absl::StatusOr<v1::ListEventsResponse> List(const RequestContext& context, ListKind kind,
                                              const std::string& customer_id,
                                              const Request& request);

  PgTimelineStore* store_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_EVENT_TIMELINE_H_
