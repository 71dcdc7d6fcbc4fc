// The outbound pipeline's moving parts, in the process that hosts it: the relay (outbox ->
// messages, every relay interval, again at once while it finds full batches) and the delivery
// workers (claim due messages, render, sign, POST, record). Delivery runs on threads of its
// own, so a slow or dead endpoint costs ingestion nothing: it holds at most `per_endpoint`
// threads for one attempt's timeout, then rests (delivery_schedule.h).
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "common/auth/rate_limiter.h"
#include "common/auth/secret_box.h"
#include "common/net/outbound_target.h"
#include "common/runtime/worker_pool.h"
#include "services/timeline/outbound/delivery_schedule.h"
#include "services/timeline/outbound/pg_message_queue.h"
#include "services/timeline/outbound/pg_outbox_relay.h"

namespace aievents::timeline {

struct OutboundOptions {
  OutboundPolicy policy;
  int delivery_threads = 16;
  // Attempts in flight per endpoint at most.
  int per_endpoint = 10;
  // Messages a second per endpoint, per process (0: no limit).
  double endpoint_rate_limit = 200;
  absl::Duration relay_interval = absl::Milliseconds(200);
  absl::Duration claim_interval = absl::Milliseconds(200);
  absl::Duration attempt_timeout = kAttemptTimeout;
};

// The `data` of a message about `subject_id` in `tenant_id`: for ai_event.* the event as
// GET /v1/ai-events/{id} shows it. NOT_FOUND when the subject no longer exists.
using SubjectRenderer = std::function<absl::StatusOr<nlohmann::ordered_json>(
    const std::string& tenant_id, const std::string& type, const std::string& subject_id)>;

class OutboundWorkers {
 public:
  OutboundWorkers(PgOutboxRelay* relay, PgMessageQueue* queue, const SecretBox* secrets,
                  SubjectRenderer render, OutboundOptions options);
  ~OutboundWorkers();  // finishes the attempts in hand

  OutboundWorkers(const OutboundWorkers&) = delete;
  OutboundWorkers& operator=(const OutboundWorkers&) = delete;

 private:
  void RelayLoop();
  void DispatchLoop();
  void ReportBacklog();
  void Deliver(const ClaimedMessage& message);
  // Sends one message to its endpoint; what the attempt record says.
  AttemptResult Attempt(const ClaimedMessage& message, const EndpointTarget& target);
  // Waits `interval`, or until stopping or `*woken` (which it then clears); false when stopping.
  bool Pause(absl::Duration interval, bool* woken = nullptr);
  void WakeDispatcher();

  PgOutboxRelay* relay_;
  PgMessageQueue* queue_;
  const SecretBox* secrets_;
  SubjectRenderer render_;
  OutboundOptions options_;
  RateLimiter rate_limiter_;
  std::atomic<int> in_hand_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool dispatch_woken_ = false;  // new messages or a free thread: claim now
  std::unique_ptr<WorkerPool> senders_;
  std::thread relay_thread_;  // last: start once everything above is set
  std::thread dispatch_thread_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_
