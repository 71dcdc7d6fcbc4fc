// Carries out matching's outbox (PgCustomerChanges): for each customer change, links the
// unmatched events the customer now matches, through ingest, which owns them; for each erase
// job, the rest of the erasure or its sweep (CustomerEraser). The request that
// changed the customer tries first, right after its commit; this worker takes every row after a
// short delay, so a re-match whose first try failed (ingest away, the process killed between
// commit and call) is retried until done. Work already done finds nothing left to link.
#ifndef AIEVENTS_SERVICES_MATCHING_REMATCH_WORKER_H_
#define AIEVENTS_SERVICES_MATCHING_REMATCH_WORKER_H_

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "services/matching/customer_directory.h"
#include "services/matching/customer_eraser.h"
#include "services/matching/pg_customer_changes.h"

namespace aievents::matching {

class RematchWorker {
 public:
  // Looks for due changes every `interval`. `internal_token` is the credential its calls to
  // ingest carry, acting for each change's original caller.
  RematchWorker(PgCustomerChanges* changes, CustomerDirectory* directory, CustomerEraser* eraser,
                std::string internal_token, absl::Duration interval);
  ~RematchWorker();  // stops after the change in hand

  RematchWorker(const RematchWorker&) = delete;
  RematchWorker& operator=(const RematchWorker&) = delete;

 private:
  void Run();
  // OK when the change's work is done (or there is none any more).
  absl::Status CarryOut(const CustomerChange& change);

  PgCustomerChanges* changes_;
  CustomerDirectory* directory_;
  CustomerEraser* eraser_;
  std::string internal_token_;
  absl::Duration interval_;
  std::mutex mutex_;
  std::condition_variable stop_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above is set
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_REMATCH_WORKER_H_
