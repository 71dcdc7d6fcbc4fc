// Keeps ingest's outbox (event_outbox, written by triggers in the events' own transactions)
// short: removes the rows the timeline's relay has passed (its cursor, outbound_relay) through
// prune_event_outbox, a SECURITY DEFINER function only ingest may run, as every cross-tenant job.
#ifndef AIEVENTS_SERVICES_INGEST_OUTBOX_PRUNER_H_
#define AIEVENTS_SERVICES_INGEST_OUTBOX_PRUNER_H_

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/pg/pg_pool.h"

namespace aievents::ingest {

class OutboxPruner {
 public:
  // Prunes every `interval` (again at once while it finds full batches).
  OutboxPruner(PgPool* pool, absl::Duration interval);
  ~OutboxPruner();

  OutboxPruner(const OutboxPruner&) = delete;
  OutboxPruner& operator=(const OutboxPruner&) = delete;

  static std::vector<PgStatement> Statements();

  // Removes up to `limit` relayed rows; how many it removed.
  static absl::StatusOr<int> PruneOnce(PgPool& pool, int limit);

 private:
  void Run();

  PgPool* pool_;
  absl::Duration interval_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;  // last
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_OUTBOX_PRUNER_H_
