// The outbound pipeline's moving parts, in the process that hosts it: the relay (outbox ->
// messages, every relay interval, again at once while it finds full batches) and the delivery
// workers (claim due messages, render, sign, POST, record). Requests are asynchronous on an I/O
// thread of their own and the database side runs on a few threads, so a slow or dead endpoint
// costs ingestion nothing and holds no thread: it keeps at most one request open (it has not
// succeeded lately) for one attempt's timeout, then rests (delivery_schedule.h).
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
#include "common/net/outbound_post.h"
#include "common/net/outbound_target.h"
#include "common/runtime/worker_pool.h"
#include "services/timeline/outbound/delivery_schedule.h"
#include "services/timeline/outbound/pg_message_queue.h"
#include "services/timeline/outbound/pg_outbox_relay.h"

namespace aievents::timeline {

struct OutboundOptions {
  OutboundPolicy policy;
  // Threads doing the database side of deliveries (reading the endpoint and the event,
  // recording attempts); the requests themselves are asynchronous.
  int delivery_threads = 4;
  // Messages in hand at once (claimed, not yet recorded), across endpoints.
  int max_in_flight = 256;
  // Attempts in flight per endpoint at most (1 while it has not succeeded lately).
  int per_endpoint = 10;
  // Messages a second per endpoint, per process (0: no limit).
  double endpoint_rate_limit = 200;
  absl::Duration relay_interval = absl::Milliseconds(200);
  absl::Duration claim_interval = absl::Milliseconds(200);
  absl::Duration attempt_timeout = kAttemptTimeout;
  // Nice value of every outbound thread (0: as the process). Outbound work is background: on
  // a busy machine it yields the CPU to ingestion and catches up when the load drops.
  int nice = 10;
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
  // What each outbound thread runs first: lowers its priority to options_.nice.
  std::function<void()> Background() const;
  // Reads, renders and signs a claimed message and starts its request.
  void Deliver(const ClaimedMessage& message);
  // The request for a message; NOT_FOUND when its event is gone, another error when it
  // cannot be sent (the attempt records why).
  absl::StatusOr<OutboundPost> Prepare(const ClaimedMessage& message, const EndpointTarget& target);
  void RecordAttempt(const ClaimedMessage& message, const AttemptResult& result);
  // The message is off our hands (recorded, postponed, or left to its lease).
  void Finish(const ClaimedMessage& message, const absl::Status& recorded);
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
  bool dispatch_woken_ = false;             // new messages or a free thread: claim now
  std::unique_ptr<OutboundClient> client_;  // the requests' I/O
  std::unique_ptr<WorkerPool> senders_;     // the database side
  std::thread relay_thread_;                // last: start once everything above is set
  std::thread dispatch_thread_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_
