// Token buckets per API key and per tenant, kept in this process (per replica: see
// docs/security.md for why the state is not shared). A call takes one token from both its
// key's bucket and its tenant's; when either is empty the call is refused before it does
// anything, with the time after which a retry will pass.
#ifndef AIEVENTS_COMMON_AUTH_RATE_LIMITER_H_
#define AIEVENTS_COMMON_AUTH_RATE_LIMITER_H_

#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/time/time.h"

namespace aievents {

class RateLimiter {
 public:
  // A bucket refills at `per_second` tokens a second up to `burst`. per_second 0 means no limit.
  struct Limit {
    double per_second = 0;
    double burst = 0;
  };

  // What a request learns: how many of `cost` tokens were granted (a batch may get some), the
  // tighter bucket's capacity and what remains of it, seconds until it is full again, and, when
  // not everything was granted, seconds until the refused part would pass.
  struct Decision {
    int granted = 0;
    int limit = 0;
    int remaining = 0;
    int reset_seconds = 0;
    int retry_after_seconds = 0;
    bool limited = false;  // false when no limit is configured: report nothing
  };

  RateLimiter(Limit per_key, Limit per_tenant) : per_key_(per_key), per_tenant_(per_tenant) {}

  // Takes up to `cost` tokens from both buckets (as many as both can give).
  Decision Take(const std::string& key_id, const std::string& tenant_id, int cost, absl::Time now);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated;
  };

  Bucket& Refill(std::unordered_map<std::string, Bucket>& buckets, const std::string& id,
                 const Limit& limit, absl::Time now);
  void ForgetFullBuckets(absl::Time now);

  const Limit per_key_;
  const Limit per_tenant_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> keys_;
  std::unordered_map<std::string, Bucket> tenants_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_RATE_LIMITER_H_
