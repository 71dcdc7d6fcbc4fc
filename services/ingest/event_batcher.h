// Group commit: concurrent CreateEvent calls (and vendor webhook events) wait here briefly and
// leave together as one batch, so a whole batch costs one matching round trip and one
// transaction. A batch leaves when it is full, when its oldest event has waited the batch
// delay, or at once when nothing else is being committed (so a lone event is not delayed).
// At most `max_inflight_batches` batches are committed at a time; the rest queue. When the
// queue is long or old, new events are refused at once (UNAVAILABLE) instead of queueing
// without bound: the caller retries after a second.
#ifndef AIEVENTS_SERVICES_INGEST_EVENT_BATCHER_H_
#define AIEVENTS_SERVICES_INGEST_EVENT_BATCHER_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/domain/event_validator.h"
#include "common/rpc/request_context.h"
#include "services/ingest/event_rows.h"

namespace aievents::ingest {

// One event waiting to be committed, and whom to tell.
struct PendingEvent {
  RequestContext caller;
  ValidatedEvent event;
  std::string idempotency_key;
  // Runs once the event's batch committed (or failed), on a commit thread; must not block.
  std::function<void(absl::StatusOr<StoredEvent>)> done;
  absl::Time enqueued;  // set by Submit
};

class EventBatcher {
 public:
  struct Options {
    int max_batch_events = 500;
    absl::Duration max_batch_delay = absl::Milliseconds(2);
    // One at a time: while a batch commits, the next one fills, so batches grow with the load.
    // On the 2-core development machine more batches in flight only made them smaller and
    // cost more CPU per event (docs/performance.md).
    int max_inflight_batches = 1;
    // Shedding: new events are refused while this many are queued, or while the oldest queued
    // one has waited longer than max_queue_wait.
    int max_queued_events = 10000;
    absl::Duration max_queue_wait = absl::Milliseconds(500);
  };

  // Commits a batch and calls `committed` when every event of it has been answered.
  using CommitFunction =
      std::function<void(std::vector<PendingEvent> batch, std::function<void()> committed)>;

  EventBatcher(Options options, CommitFunction commit);
  // Shutdown(), if not called yet.
  ~EventBatcher();

  // Queues the event. UNAVAILABLE (and `event.done` is not called) when the queue sheds load
  // or the batcher is shutting down.
  absl::Status Submit(PendingEvent event);

  // Stops taking events, commits what is queued and waits until every batch is answered.
  void Shutdown();

  // Events waiting to be batched, and batches being committed (for metrics and tests).
  int queued() const;
  int inflight() const;

 private:
  void Run();

  Options options_;
  CommitFunction commit_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<PendingEvent> queue_;
  int inflight_ = 0;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_EVENT_BATCHER_H_
