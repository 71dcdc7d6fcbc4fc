#include "common/auth/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace aievents {
namespace {

// Buckets idle long enough to be full again hold no information; past this many they are
// dropped, so a flood of one-off keys cannot grow the maps without bound.
constexpr size_t kMaxBuckets = 100000;

bool Enabled(const RateLimiter::Limit& limit) { return limit.per_second > 0; }

}  // namespace

RateLimiter::Bucket& RateLimiter::Refill(std::unordered_map<std::string, Bucket>& buckets,
                                         const std::string& id, const Limit& limit,
                                         absl::Time now) {
  auto [it, inserted] = buckets.try_emplace(id);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = limit.burst;
  } else {
    double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - bucket.updated));
    bucket.tokens = std::min(limit.burst, bucket.tokens + elapsed * limit.per_second);
  }
  bucket.updated = now;
  return bucket;
}

void RateLimiter::ForgetFullBuckets(absl::Time now) {
  auto forget = [now](std::unordered_map<std::string, Bucket>& buckets, const Limit& limit) {
    for (auto it = buckets.begin(); it != buckets.end();) {
      double refilled =
          it->second.tokens + absl::ToDoubleSeconds(now - it->second.updated) * limit.per_second;
      it = refilled >= limit.burst ? buckets.erase(it) : std::next(it);
    }
  };
  if (keys_.size() > kMaxBuckets) forget(keys_, per_key_);
  if (tenants_.size() > kMaxBuckets) forget(tenants_, per_tenant_);
}

RateLimiter::Decision RateLimiter::Take(const std::string& key_id, const std::string& tenant_id,
                                        int cost, absl::Time now) {
  Decision decision;
  decision.granted = cost;
  if (!Enabled(per_key_) && !Enabled(per_tenant_)) return decision;
  std::lock_guard lock(mutex_);
  ForgetFullBuckets(now);
  Bucket* key = Enabled(per_key_) ? &Refill(keys_, key_id, per_key_, now) : nullptr;
  Bucket* tenant = Enabled(per_tenant_) ? &Refill(tenants_, tenant_id, per_tenant_, now) : nullptr;
  double available = std::min(key ? key->tokens : cost, tenant ? tenant->tokens : cost);
  decision.granted = std::clamp(static_cast<int>(std::floor(available)), 0, cost);
  if (key) key->tokens -= decision.granted;
  if (tenant) tenant->tokens -= decision.granted;

  // Report the bucket that is closer to empty (the one a client must pace itself by).
  const Bucket* tighter = key;
  const Limit* limit = &per_key_;
  if (tenant && (!key || tenant->tokens / per_tenant_.burst < key->tokens / per_key_.burst)) {
    tighter = tenant;
    limit = &per_tenant_;
  }
  decision.limited = true;
  decision.limit = static_cast<int>(limit->burst);
  decision.remaining = std::max(0, static_cast<int>(std::floor(tighter->tokens)));
  decision.reset_seconds =
      static_cast<int>(std::ceil((limit->burst - tighter->tokens) / limit->per_second));
  if (decision.granted < cost) {
    // The refused part passes once both buckets hold one token again.
    double wait = 0;
    if (key) wait = std::max(wait, (1 - key->tokens) / per_key_.per_second);
    if (tenant) wait = std::max(wait, (1 - tenant->tokens) / per_tenant_.per_second);
    decision.retry_after_seconds = std::max(1, static_cast<int>(std::ceil(wait)));
  }
  return decision;
}

}  // namespace aievents
