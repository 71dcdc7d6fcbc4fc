// An in-memory stand-in for group commit's store (BatchCommitter + PostgreSQL) behind a real
// EventBatcher: one row per (tenant, idempotency key), the first caller creates it and later
// ones get it back. A test can hold commits to watch batches form. For unit tests of
// EventIngestor and EventBatcher; the end-to-end tests run the real committer.
#ifndef AIEVENTS_TESTS_UNIT_FAKES_FAKE_EVENT_COMMIT_H_
#define AIEVENTS_TESTS_UNIT_FAKES_FAKE_EVENT_COMMIT_H_

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "services/ingest/event_batcher.h"

namespace aievents::testing {

class FakeEventCommit {
 public:
  // The EventBatcher::CommitFunction.
  void Commit(std::vector<ingest::PendingEvent> batch, std::function<void()> committed) {
    std::unique_lock lock(mutex_);
    batch_sizes_.push_back(static_cast<int>(batch.size()));
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    std::vector<std::pair<ingest::PendingEvent*, ingest::StoredEvent>> answers;
    for (ingest::PendingEvent& pending : batch) {
      auto key = std::make_pair(pending.caller.tenant_id, pending.idempotency_key);
      auto [row, inserted] = rows_.try_emplace(key);
      if (inserted) {
        row->second.set_id("event-" + std::to_string(rows_.size()));
        row->second.set_summary(pending.event.summary);
        row->second.set_idempotency_key(pending.idempotency_key);
        row->second.set_match_method(v1::MATCH_METHOD_NONE);
      }
      answers.push_back({&pending, ingest::StoredEvent{row->second, inserted}});
    }
    lock.unlock();
    for (auto& [pending, stored] : answers) pending->done(std::move(stored));
    committed();
  }

  // While held, every batch waits in Commit (on the batcher's thread) until Release().
  void Hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void Release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  // Waits until `count` batches have reached Commit.
  void WaitForBatches(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return batch_sizes_.size() >= count; });
  }
  std::vector<int> batch_sizes() {
    std::lock_guard lock(mutex_);
    return batch_sizes_;
  }
  size_t rows() {
    std::lock_guard lock(mutex_);
    return rows_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false;
  std::vector<int> batch_sizes_;
  std::map<std::pair<std::string, std::string>, v1::AiEvent> rows_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_UNIT_FAKES_FAKE_EVENT_COMMIT_H_
