// The outbound pipeline's moving parts, in the process that hosts it: the relay (outbox ->
// webhook_events, every relay interval, again at once while it finds full batches), the
// dispatcher (claims due messages), the senders (per tenant and claim: read the endpoints and
// the events once, render each event once, sign, start the requests) and the recorder (writes
// what became of the messages in batches). Requests are asynchronous on an I/O thread of their
// own, so a slow or dead endpoint costs ingestion nothing and holds no thread: it keeps at most
// one request open (it has not succeeded lately) for one attempt's timeout, then rests
// (delivery_schedule.h). Every statement covers a batch, so the database's share per delivery
// is small.
#ifndef AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_
#define AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

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
  // Threads preparing deliveries (reading endpoints and events, rendering, signing); the
  // requests themselves are asynchronous.
  int delivery_threads = 2;
  // Messages in hand at once (claimed, not yet recorded), across endpoints.
  int max_in_flight = 256;
  // Attempts in flight per endpoint at most (1 while it has not succeeded lately).
  int per_endpoint = 10;
  // Messages a second per endpoint, per process (0: no limit).
  double endpoint_rate_limit = 200;
  absl::Duration relay_interval = absl::Milliseconds(200);
  absl::Duration claim_interval = absl::Milliseconds(200);
  // Claims are at least this far apart, even when woken sooner: each claim then finds more
  // for every endpoint (up to per_endpoint), and its per-endpoint work is shared by more
  // messages.
  absl::Duration claim_spacing = absl::Milliseconds(100);
  // Outcomes wait this long to be recorded together.
  absl::Duration record_interval = absl::Milliseconds(50);
  absl::Duration attempt_timeout = kAttemptTimeout;
  // PEM certificates trusted for https targets besides the system's (a private CA).
  std::string ca_file;
  // Nice value of every outbound thread (0: as the process). Outbound work is background: on
  // a busy machine it yields the CPU to ingestion and catches up when the load drops.
  int nice = 10;
};

// The `data` of ai_event.* messages in `tenant_id`: each event among `event_ids` as
// GET /v1/ai-events/{id} shows it, by id. An event that no longer exists is left out.
using EventRenderer = std::function<absl::StatusOr<std::map<std::string, nlohmann::ordered_json>>(
    const std::string& tenant_id, const std::vector<std::string>& event_ids)>;

class OutboundWorkers {
 public:
  // Fails when options.ca_file cannot be read.
  static absl::StatusOr<std::unique_ptr<OutboundWorkers>> Start(PgOutboxRelay* relay,
                                                                PgMessageQueue* queue,
                                                                const SecretBox* secrets,
                                                                EventRenderer render,
                                                                OutboundOptions options);
  ~OutboundWorkers();  // records what has been answered; the rest is left to its leases

  OutboundWorkers(const OutboundWorkers&) = delete;
  OutboundWorkers& operator=(const OutboundWorkers&) = delete;

 private:
  OutboundWorkers(PgOutboxRelay* relay, PgMessageQueue* queue, const SecretBox* secrets,
                  EventRenderer render, OutboundOptions options,
                  std::unique_ptr<OutboundClient> client);

  // How to reach one endpoint, worked out once per batch.
  struct Route {
    absl::Status usable;  // why no request can be made, when not OK
    TargetUrl url;
    std::vector<IpAddress> addresses;
    std::vector<std::string> keys;  // decoded signing secrets
  };

  void RelayLoop();
  void DispatchLoop();
  void RecordLoop();
  void ReportBacklog();
  // What each outbound thread runs first: lowers its priority to options_.nice.
  std::function<void()> Background() const;
  // Delivers one tenant's claimed messages.
  void Deliver(std::vector<ClaimedMessage> messages);
  Route RouteTo(const std::string& tenant_id, const std::string& endpoint_id,
                const EndpointTarget& target) const;
  // The fresh messages of one endpoint in one claim: recorded together, since the cursor
  // moves past the last of them.
  struct Window {
    std::mutex mutex;
    int waiting = 0;
    std::vector<MessageOutcome> outcomes;
  };
  // Counts the outcome in the metrics and queues it for the recorder; one of a window waits
  // there until the window is complete.
  void Outcome(MessageOutcome outcome, const std::shared_ptr<Window>& window);
  // Messages off our hands without a record (their leases bring them back).
  void Release(int count, const absl::Status& why);
  // Waits `interval`, or until stopping or `*woken` (which it then clears); false when stopping.
  bool Pause(absl::Duration interval, bool* woken = nullptr);
  void WakeDispatcher();

  PgOutboxRelay* relay_;
  PgMessageQueue* queue_;
  const SecretBox* secrets_;
  EventRenderer render_;
  OutboundOptions options_;
  RateLimiter rate_limiter_;
  std::atomic<int> in_hand_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool dispatch_woken_ = false;  // new messages or room for more: claim now
  std::mutex outcomes_mutex_;
  std::condition_variable outcomes_ready_;
  std::vector<MessageOutcome> outcomes_;
  bool recorder_stopping_ = false;
  std::unique_ptr<OutboundClient> client_;  // the requests' I/O
  std::unique_ptr<WorkerPool> senders_;
  std::thread recorder_thread_;
  std::thread relay_thread_;  // last: start once everything above is set
  std::thread dispatch_thread_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_OUTBOUND_OUTBOUND_WORKERS_H_
