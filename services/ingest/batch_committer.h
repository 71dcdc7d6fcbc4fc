// Commits one batch from the EventBatcher. Per tenant in the batch, one MatchCustomers call for
// its distinct idempotency keys (all tenants' calls at once, asynchronous, outside any
// transaction); then one transaction for the whole batch, in which each tenant's rows are
// inserted under that tenant's scope (INSERT ... ON CONFLICT DO NOTHING RETURNING, plus one read
// of the keys that already existed); then every caller is answered. Events that share a key
// inside the batch become one row: the first caller gets it as created, the others as replays.
// An event the database refuses does not fail its neighbours: when the batch transaction fails
// for a reason other than the database being unreachable, each event is retried in a
// transaction of its own.
#ifndef AIEVENTS_SERVICES_INGEST_BATCH_COMMITTER_H_
#define AIEVENTS_SERVICES_INGEST_BATCH_COMMITTER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/runtime/worker_pool.h"
#include "services/ingest/event_batcher.h"
#include "services/ingest/event_rows.h"
#include "services/ingest/matching_client.h"
#include "services/ingest/pg_event_store.h"

namespace aievents::ingest {

class BatchCommitter {
 public:
  // Transactions run on `commit_threads` threads of its own. `internal_token`, when set,
  // authenticates the matching calls as the service itself (acting for the tenant);
  // otherwise each call carries the credentials of the tenant's first caller in the batch.
  BatchCommitter(PgEventStore* store, MatchingClient* matching, int commit_threads,
                 std::string internal_token);

  // EventBatcher::CommitFunction.
  void Commit(std::vector<PendingEvent> batch, std::function<void()> committed);

 private:
  struct TenantBatch;
  struct Batch;

  // Asks matching about tenant `t` of `batch`; the last answer to arrive submits the store.
  void MatchTenant(std::shared_ptr<Batch> batch, size_t t);
  // Runs on a commit thread: stores the batch and answers every caller.
  void Store(Batch& batch);
  // Inserts each tenant's rows (distinct keys, in key order); one result per row.
  std::vector<std::vector<absl::StatusOr<StoredEvent>>> Insert(
      const std::vector<TenantRows>& tenants);

  PgEventStore* store_;
  MatchingClient* matching_;
  std::string internal_token_;
  WorkerPool workers_;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_BATCH_COMMITTER_H_
