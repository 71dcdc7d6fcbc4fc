// Processes inbox deliveries left pending: a crash between committing a delivery and
// processing it, a dependency (matching) that was away, or a replay queued from the command
// line (aievents-admin replay-delivery). Every ingest replica runs one; each claims what it
// works on with a lease, so replicas do not repeat each other's work, and a delivery whose
// dependency stays away is retried with backoff and dead-lettered after kMaxAttempts.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_INBOX_WORKER_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_INBOX_WORKER_H_

#include <condition_variable>
#include <mutex>
#include <thread>

#include "services/ingest/webhooks/pg_webhook_store.h"
#include "services/ingest/webhooks/webhook_processor.h"

namespace aievents::ingest {

class InboxWorker {
 public:
  // Starts polling every `interval` for deliveries pending longer than `min_age`.
  InboxWorker(PgWebhookStore* webhooks, WebhookProcessor* processor, absl::Duration interval,
              absl::Duration min_age);
  ~InboxWorker();

 public:
  // About an hour of retries with the backoff of PgWebhookStore::RecordDeferral.
  static constexpr int kMaxAttempts = 20;

 private:
  void Run();
  void Retry(const PgWebhookStore::Claimed& delivery);

  // Sets the backlog gauges from the database, on every round.
  void ReportBacklog();

  PgWebhookStore* webhooks_;
  WebhookProcessor* processor_;
  absl::Duration interval_;
  absl::Duration min_age_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_INBOX_WORKER_H_
