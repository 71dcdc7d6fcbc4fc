// The gauges of one connection pool, kept in the process's metrics under its name:
//   aievents_db_pool_connections{pool, state="in_use"|"idle"}  connections open now
//   aievents_db_pool_waiting{pool}                             callers waiting for one
// Pools report changes as they happen; what a pool still holds when it is destroyed is taken
// back out, so a process that makes pools and drops them (tests) keeps true totals.
#ifndef AIEVENTS_COMMON_PG_POOL_GAUGES_H_
#define AIEVENTS_COMMON_PG_POOL_GAUGES_H_

#include <atomic>
#include <string>

namespace aievents {

class PoolGauges {
 public:
  explicit PoolGauges(std::string pool);
  ~PoolGauges();
  PoolGauges(const PoolGauges&) = delete;
  PoolGauges& operator=(const PoolGauges&) = delete;

  void AddInUse(int delta) { Add(in_use_, "in_use", delta); }
  void AddIdle(int delta) { Add(idle_, "idle", delta); }
  void AddWaiting(int delta);

 private:
  void Add(std::atomic<int>& count, const char* state, int delta);

  std::string pool_;
  std::atomic<int> in_use_{0};
  std::atomic<int> idle_{0};
  std::atomic<int> waiting_{0};
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_POOL_GAUGES_H_
