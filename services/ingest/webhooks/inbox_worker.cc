#include "services/ingest/webhooks/inbox_worker.h"

#include "common/runtime/log.h"

namespace aievents::ingest {

InboxWorker::InboxWorker(PgWebhookStore* webhooks, WebhookProcessor* processor,
                         absl::Duration interval, absl::Duration min_age)
    : webhooks_(webhooks),
      processor_(processor),
      interval_(interval),
      min_age_(min_age),
      thread_([this] { Run(); }) {}

InboxWorker::~InboxWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

void InboxWorker::Run() {
  std::unique_lock lock(mutex_);
  while (
      !stop_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stopping_; })) {
    lock.unlock();
    auto pending = webhooks_->ClaimablePending(min_age_, 20);
    if (pending.ok()) {
      for (const auto& [tenant, id] : *pending) {
        auto outcome = processor_->Process(tenant, id);
        if (!outcome.ok()) {
          log::Warn("inbox_retry_failed",
                    {{"delivery_id", id}, {"error", outcome.status().ToString()}});
        }
      }
    }
    lock.lock();
  }
}

}  // namespace aievents::ingest
