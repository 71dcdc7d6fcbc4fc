#include "services/ingest/outbox_pruner.h"

#include "common/runtime/log.h"

namespace aievents::ingest {
namespace {

constexpr char kPrune[] = "event_outbox_prune";
constexpr int kBatch = 10000;

}  // namespace

std::vector<PgStatement> OutboxPruner::Statements() {
  return {{kPrune, "SELECT prune_event_outbox($1::integer) AS pruned"}};
}

OutboxPruner::OutboxPruner(PgPool* pool, absl::Duration interval)
    : pool_(pool), interval_(interval), thread_([this] { Run(); }) {}

OutboxPruner::~OutboxPruner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_.notify_all();
  thread_.join();
}

absl::StatusOr<int> OutboxPruner::PruneOnce(PgPool& pool, int limit) {
  return pool.InSystemTransaction<int>([&](pqxx::work& txn) -> absl::StatusOr<int> {
    return Exec1(txn, kPrune, limit)["pruned"].as<int>();
  });
}

void OutboxPruner::Run() {
  absl::Duration wait = interval_;
  std::unique_lock lock(mutex_);
  while (!stop_.wait_for(lock, absl::ToChronoMilliseconds(wait), [this] { return stopping_; })) {
    lock.unlock();
    absl::StatusOr<int> pruned = PruneOnce(*pool_, kBatch);
    if (!pruned.ok()) log::Warn("outbox_prune_failed", {{"error", pruned.status().ToString()}});
    wait = pruned.ok() && *pruned == kBatch ? absl::ZeroDuration() : interval_;
    lock.lock();
  }
}

}  // namespace aievents::ingest
