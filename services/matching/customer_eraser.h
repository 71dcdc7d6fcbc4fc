// Erasing a person (MatchingService.EraseCustomer, docs/privacy.md). Matching removes the
// customer and records the job (PgCustomerErasures); ingest, which owns the events, removes
// them in bounded batches; the job is marked once a pass finds nothing left, and removed after
// a sweep that follows a delay (for an event that was being stored while the customer went).
// The request carries the job out itself while its deadline allows; RematchWorker takes any
// job left (a request that died or ran out of time) and each sweep.
#ifndef AIEVENTS_SERVICES_MATCHING_CUSTOMER_ERASER_H_
#define AIEVENTS_SERVICES_MATCHING_CUSTOMER_ERASER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "aievents/v1/matching_service.pb.h"
#include "common/rpc/request_context.h"
#include "services/matching/event_owner_client.h"
#include "services/matching/pg_customer_erasures.h"

namespace aievents::matching {

struct ErasureOptions {
  // Events removed per call to ingest (one transaction each): small enough that a batch holds
  // its locks for milliseconds, so ingestion does not stall behind an erasure.
  int batch_size = 500;
  // How long after the request the worker takes a job the request did not finish.
  absl::Duration worker_delay = absl::Minutes(1);
  // How long after the first full pass the sweep runs (longer than ingest's longest
  // match-to-commit: its deadline for one batch).
  absl::Duration sweep_delay = absl::Minutes(2);
  // The request stops handing batches to ingest this long before its deadline, to answer.
  absl::Duration answer_margin = absl::Seconds(1);
};

class CustomerEraser {
 public:
  CustomerEraser(PgCustomerErasures* erasures, EventOwnerClient* events,
                 const SuppressionHasher* hasher, ErasureOptions options)
      : erasures_(erasures), events_(events), hasher_(hasher), options_(options) {}

  // Erases customer `id` of the caller's tenant (with `suppress`, keeping their email and
  // phone out from then on), or continues its erasure. NOT_FOUND when there is no such
  // customer and no erasure of it under way.
  absl::StatusOr<v1::EraseCustomerResponse> Erase(const RequestContext& caller,
                                                  const std::string& id, bool suppress);

  // The worker's turn at a claimed erase job; OK when the pass is done (the job is then marked
  // or, after the sweep, removed).
  absl::Status CarryOut(const RequestContext& context, const CustomerChange& job);

 private:
  // Batches through ingest until one finds nothing left, or `context`'s deadline is near.
  absl::StatusOr<v1::EraseCustomerResponse> RunPass(const RequestContext& context,
                                                    const CustomerChange& job, bool may_remove);

  PgCustomerErasures* erasures_;
  EventOwnerClient* events_;
  const SuppressionHasher* hasher_;
  ErasureOptions options_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_CUSTOMER_ERASER_H_
