// Matching's view of the events' owner (ingest): after a customer is stored, matching finds the
// unmatched events that now match and asks ingest to link them, since only ingest writes
// ai_events. An interface: it is the seam to a peer service.
#ifndef AIEVENTS_SERVICES_MATCHING_EVENT_OWNER_CLIENT_H_
#define AIEVENTS_SERVICES_MATCHING_EVENT_OWNER_CLIENT_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/rpc/request_context.h"

namespace aievents::matching {

class EventOwnerClient {
 public:
  virtual ~EventOwnerClient() = default;

  // Links the listed events that are still unmatched, as the caller in `context` (whose
  // credentials are forwarded, so the history names the caller's key). Returns how many were
  // linked.
  virtual absl::StatusOr<int> LinkUnmatched(const RequestContext& context,
                                            const std::vector<v1::EventLink>& links) = 0;

  // One bounded batch of an erasure: removes up to request.limit() of the erased customer's
  // events and what hangs on them; returns the erasure's totals so far and whether it is done.
  virtual absl::StatusOr<v1::EraseCustomerEventsResponse> EraseEvents(
      const RequestContext& context, const v1::EraseCustomerEventsRequest& request) = 0;
};

// EventOwnerClient over gRPC: IngestService.LinkUnmatchedEvents, in calls of at most 1,000
// links, each with its own deadline.
class GrpcEventOwnerClient : public EventOwnerClient {
 public:
  GrpcEventOwnerClient(const std::string& target, absl::Duration timeout);

  // Points the client at another address. Ingest and matching call each other, so whichever
  // starts first (tests start both on port 0) learns the other's address afterwards.
  void Retarget(const std::string& target);

  absl::StatusOr<int> LinkUnmatched(const RequestContext& context,
                                    const std::vector<v1::EventLink>& links) override;
  absl::StatusOr<v1::EraseCustomerEventsResponse> EraseEvents(
      const RequestContext& context, const v1::EraseCustomerEventsRequest& request) override;

 private:
  std::shared_ptr<v1::IngestService::Stub> stub();

  std::mutex mutex_;
  std::shared_ptr<v1::IngestService::Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_EVENT_OWNER_CLIENT_H_
