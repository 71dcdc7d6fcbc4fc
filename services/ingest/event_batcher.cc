#include "services/ingest/event_batcher.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/runtime/metrics.h"

namespace aievents::ingest {

EventBatcher::EventBatcher(Options options, CommitFunction commit)
    : options_(options), commit_(std::move(commit)), flusher_([this] { Run(); }) {
  Metrics::Global().DescribeCounter("aievents_ingest_batches_total",
                                    "Batches of events committed together (group commit).");
  Metrics::Global().DescribeCounter("aievents_ingest_batched_events_total",
                                    "Events committed through group commit.");
  Metrics::Global().DescribeCounter("aievents_ingest_shed_total",
                                    "Events refused because the commit queue was overloaded.");
}

EventBatcher::~EventBatcher() { Shutdown(); }

absl::Status EventBatcher::Submit(PendingEvent event) {
  absl::Time now = absl::Now();
  bool wake;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return absl::UnavailableError("ingest is shutting down; retry shortly");
    bool too_many = static_cast<int>(queue_.size()) >= options_.max_queued_events;
    bool too_old = !queue_.empty() && now - queue_.front().enqueued > options_.max_queue_wait;
    if (too_many || too_old) {
      Metrics::Global().Increment("aievents_ingest_shed_total");
      return absl::UnavailableError(
          absl::StrCat("ingest is overloaded (", queue_.size(),
                       " events waiting to be committed); retry after 1 s"));
    }
    event.enqueued = now;
    queue_.push_back(std::move(event));
    // Wake the flusher only when this event changes what it waits for: the first event, or a
    // full batch. Otherwise it is already waiting for a deadline or a free slot, and waking it
    // per event costs a context switch each.
    wake = queue_.size() == 1 || static_cast<int>(queue_.size()) == options_.max_batch_events;
  }
  if (wake) changed_.notify_all();
  return absl::OkStatus();
}

void EventBatcher::Shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !flusher_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

int EventBatcher::queued() const {
  std::lock_guard lock(mutex_);
  return static_cast<int>(queue_.size());
}

int EventBatcher::inflight() const {
  std::lock_guard lock(mutex_);
  return inflight_;
}

void EventBatcher::Run() {
  std::unique_lock lock(mutex_);
  while (true) {
    if (queue_.empty()) {
      if (stopping_ && inflight_ == 0) return;
      changed_.wait(lock);
      continue;
    }
    if (inflight_ >= options_.max_inflight_batches) {
      changed_.wait(lock);
      continue;
    }
    absl::Time due = queue_.front().enqueued + options_.max_batch_delay;
    bool full = static_cast<int>(queue_.size()) >= options_.max_batch_events;
    if (!full && inflight_ > 0 && !stopping_ && absl::Now() < due) {
      changed_.wait_until(lock, absl::ToChronoTime(due));
      continue;
    }
    size_t take = std::min(queue_.size(), static_cast<size_t>(options_.max_batch_events));
    std::vector<PendingEvent> batch;
    batch.reserve(take);
    for (size_t i = 0; i < take; ++i) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    ++inflight_;
    lock.unlock();
    Metrics::Global().Increment("aievents_ingest_batches_total");
    Metrics::Global().Increment("aievents_ingest_batched_events_total", {},
                                static_cast<double>(batch.size()));
    commit_(std::move(batch), [this] {
      // Notify under the lock: once inflight_ is 0 the flusher may return, and Shutdown() and
      // the destructor with it, so this thread must not touch the batcher after unlocking
      // (ThreadSanitizer caught the condition variable destroyed mid-notify at shutdown).
      std::lock_guard lock(mutex_);
      --inflight_;
      changed_.notify_all();
    });
    lock.lock();
  }
}

}  // namespace aievents::ingest
