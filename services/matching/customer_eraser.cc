#include "services/matching/customer_eraser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/metrics.h"
#include "common/status/status_details.h"
#include "common/text/ids.h"

namespace aievents::matching {

absl::StatusOr<v1::EraseCustomerResponse> CustomerEraser::Erase(const RequestContext& caller,
                                                                const std::string& id,
                                                                bool suppress) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  const std::string customer_id = absl::AsciiStrToLower(id);
  std::vector<v1::Suppression> suppressions;
  absl::StatusOr<std::optional<CustomerChange>> job = erasures_->Begin(
      caller, customer_id, options_.worker_delay, suppress, *hasher_, &suppressions);
  if (!job.ok()) return job.status();
  if (!job->has_value()) {
    return absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found"));
  }
  // A job past its first pass is left to the worker's sweep; a repeated request only reads
  // the counts (one batch that finds nothing).
  absl::StatusOr<v1::EraseCustomerResponse> answer = RunPass(caller, **job, /*may_remove=*/false);
  if (answer.ok()) {
    for (v1::Suppression& made : suppressions) *answer->add_suppressions() = std::move(made);
  }
  return answer;
}

absl::Status CustomerEraser::CarryOut(const RequestContext& context, const CustomerChange& job) {
  return RunPass(context, job, /*may_remove=*/true).status();
}

absl::StatusOr<v1::EraseCustomerResponse> CustomerEraser::RunPass(const RequestContext& context,
                                                                  const CustomerChange& job,
                                                                  bool may_remove) {
  v1::EraseCustomerEventsRequest batch;
  batch.set_customer_id(job.customer_id);
  if (job.email_normalized) batch.set_email_normalized(*job.email_normalized);
  if (job.phone_e164) batch.set_phone_e164(*job.phone_e164);
  batch.set_limit(options_.batch_size);
  v1::EraseCustomerResponse answer;
  answer.set_customer_id(job.customer_id);
  while (true) {
    absl::StatusOr<v1::EraseCustomerEventsResponse> erased = events_->EraseEvents(context, batch);
    if (!erased.ok()) return erased.status();
    answer.set_erased_ai_events(erased->erased_ai_events());
    answer.set_erased_webhook_deliveries(erased->erased_webhook_deliveries());
    if (erased->done()) break;
    // Out of time: the worker carries on from here (its delay has run from the request).
    if (absl::Now() + options_.answer_margin >= context.deadline) return answer;
  }
  // The job is recorded as the actor's: the audit fact names who asked for the erasure.
  RequestContext actor = context;
  actor.key_prefix = job.actor;
  actor.key_id = job.actor_key_id;
  absl::Status recorded =
      erasures_->PassDone(actor, job, answer.erased_ai_events(), answer.erased_webhook_deliveries(),
                          options_.sweep_delay, may_remove);
  if (!recorded.ok()) return recorded;
  if (job.passes == 0) Metrics::Global().Increment("aievents_customers_erased_total");
  answer.set_complete(true);
  return answer;
}

}  // namespace aievents::matching
