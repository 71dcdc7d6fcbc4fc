#include "services/ingest/webhooks/inbox_worker.h"

#include "common/runtime/log.h"
#include "common/runtime/metrics.h"

namespace aievents::ingest {

InboxWorker::InboxWorker(PgWebhookStore* webhooks, WebhookProcessor* processor,
                         absl::Duration interval, absl::Duration min_age)
    : webhooks_(webhooks),
      processor_(processor),
      interval_(interval),
      min_age_(min_age),
      thread_([this] { Run(); }) {
  Metrics::Global().DescribeGauge(
      "aievents_webhook_inbox_backlog",
      "Webhook deliveries pending, across tenants (each ingest replica reports the same).");
  Metrics::Global().DescribeGauge("aievents_webhook_inbox_oldest_seconds",
                                  "Age of the oldest pending webhook delivery.");
}

InboxWorker::~InboxWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void InboxWorker::Retry(const PgWebhookStore::Claimed& delivery) {
  auto outcome = processor_->Process(delivery.tenant_id, delivery.id);
  if (outcome.ok()) return;
  absl::StatusCode code = outcome.status().code();
  if (code != absl::StatusCode::kUnavailable && code != absl::StatusCode::kDeadlineExceeded) {
    // Anything else (a lost race, ABORTED) is tried again when the lease runs out.
    log::Warn("inbox_retry_failed",
              {{"delivery_id", delivery.id}, {"error", outcome.status().ToString()}});
    return;
  }
  auto now = webhooks_->RecordDeferral(delivery.tenant_id, delivery.id,
                                       std::string(outcome.status().message()), kMaxAttempts);
  bool dead = now.ok() && *now == v1::DELIVERY_STATUS_FAILED;
  if (dead) Metrics::Global().Increment("aievents_webhook_dead_lettered_total");
  log::Warn(dead ? "inbox_dead_lettered" : "inbox_retry_deferred",
            {{"tenant", delivery.tenant_id},
             {"delivery_id", delivery.id},
             {"attempts", std::to_string(delivery.attempts + 1)},
             {"error", outcome.status().ToString()}});
}

void InboxWorker::ReportBacklog() {
  auto backlog = webhooks_->InboxBacklog();
  if (!backlog.ok()) return;  // the claim that follows logs what is wrong with the database
  Metrics::Global().SetGauge("aievents_webhook_inbox_backlog", {},
                             static_cast<double>(backlog->pending));
  Metrics::Global().SetGauge("aievents_webhook_inbox_oldest_seconds", {}, backlog->oldest_seconds);
}

void InboxWorker::Run() {
  std::unique_lock lock(mutex_);
  while (
      !stop_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; })) {
    lock.unlock();
    // The lease outlasts any processing (bounded by the matching and database deadlines), so
    // no other replica takes a delivery while this one works on it.
    ReportBacklog();
    auto claimed = webhooks_->Claim(min_age_, 20, absl::Minutes(1));
    if (!claimed.ok()) {
      log::Warn("inbox_claim_failed", {{"error", claimed.status().ToString()}});
    } else {
      for (const PgWebhookStore::Claimed& delivery : *claimed) Retry(delivery);
    }
    lock.lock();
  }
}

}  // namespace aievents::ingest
