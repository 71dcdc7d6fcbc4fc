#include "services/matching/rematch_worker.h"

#include <vector>

#include "common/auth/authenticator.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/runtime/request_deadline.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"

namespace aievents::matching {
namespace {

constexpr int kClaimLimit = 20;
// Longer than one change can take (two database reads and ingest's deadline), so no other
// replica takes a change while this one works on it.
constexpr absl::Duration kLease = absl::Minutes(1);
constexpr absl::Duration kChangeDeadline = absl::Seconds(30);

}  // namespace

RematchWorker::RematchWorker(PgCustomerChanges* changes, CustomerDirectory* directory,
                             CustomerEraser* eraser, std::string internal_token,
                             absl::Duration interval)
    : changes_(changes),
      directory_(directory),
      eraser_(eraser),
      internal_token_(std::move(internal_token)),
      interval_(interval),
      thread_([this] { Run(); }) {}

RematchWorker::~RematchWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

absl::Status RematchWorker::CarryOut(const CustomerChange& change) {
  RequestContext context = Authenticator::InternalContext(internal_token_, change.tenant_id,
                                                          change.actor, change.actor_key_id);
  context.request_id = NewUuidV7();
  context.deadline = absl::Now() + kChangeDeadline;
  // The database work below ends by the same deadline as the call to ingest.
  ScopedRequestDeadline deadline(context.deadline);
  if (change.kind == "erase") return eraser_->CarryOut(context, change);
  absl::StatusOr<v1::Customer> customer = directory_->Get(context, change.customer_id);
  if (absl::IsNotFound(customer.status())) return absl::OkStatus();  // gone: nothing to link
  AIEV_RETURN_IF_ERROR(customer.status());
  return directory_->LinkWaitingEvents(context, *customer).status();
}

void RematchWorker::Run() {
  std::unique_lock lock(mutex_);
  while (
      !stop_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; })) {
    lock.unlock();
    absl::StatusOr<std::vector<CustomerChange>> claimed = changes_->Claim(kClaimLimit, kLease);
    if (!claimed.ok()) {
      log::Warn("rematch_claim_failed", {{"error", claimed.status().ToString()}});
    } else {
      for (const CustomerChange& change : *claimed) {
        absl::Status done = CarryOut(change);
        // An erase job records its own progress (CustomerEraser): it lives until its sweep.
        absl::Status recorded = !done.ok()               ? changes_->Defer(change, done.ToString())
                                : change.kind == "erase" ? absl::OkStatus()
                                                         : changes_->Complete(change);
        if (!done.ok()) {
          Metrics::Global().Increment("aievents_rematch_failed_total");
          log::Warn("rematch_deferred", {{"tenant", change.tenant_id},
                                         {"customer_id", change.customer_id},
                                         {"attempts", std::to_string(change.attempts + 1)},
                                         {"error", done.ToString()}});
        }
        // Not recorded: the lease runs out and the change is taken again.
        if (!recorded.ok()) {
          log::Warn("rematch_record_failed", {{"tenant", change.tenant_id},
                                              {"customer_id", change.customer_id},
                                              {"error", recorded.ToString()}});
        }
      }
    }
    lock.lock();
  }
}

}  // namespace aievents::matching
