#include "common/pg/pool_gauges.h"

#include "common/runtime/metrics.h"

namespace aievents {
namespace {

constexpr char kConnections[] = "aievents_db_pool_connections";
constexpr char kWaiting[] = "aievents_db_pool_waiting";

}  // namespace

PoolGauges::PoolGauges(std::string pool) : pool_(std::move(pool)) {
  Metrics::Global().DescribeGauge(kConnections,
                                  "Database connections a pool holds open, in use or idle.");
  Metrics::Global().DescribeGauge(kWaiting, "Callers waiting for a pool's connection.");
  // Present from the start, so a dashboard shows 0 rather than no data.
  Add(in_use_, "in_use", 0);
  Add(idle_, "idle", 0);
  AddWaiting(0);
}

PoolGauges::~PoolGauges() {
  Add(in_use_, "in_use", -in_use_.load());
  Add(idle_, "idle", -idle_.load());
  AddWaiting(-waiting_.load());
}

void PoolGauges::Add(std::atomic<int>& count, const char* state, int delta) {
  count += delta;
  Metrics::Global().AddGauge(kConnections, {{"pool", pool_}, {"state", state}}, delta);
}

void PoolGauges::AddWaiting(int delta) {
  waiting_ += delta;
  Metrics::Global().AddGauge(kWaiting, {{"pool", pool_}}, delta);
}

}  // namespace aievents
