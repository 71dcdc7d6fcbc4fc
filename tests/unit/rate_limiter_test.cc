#include "common/auth/rate_limiter.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1800000000);

TEST(RateLimiter, GrantsTheBurstThenRefusesUntilRefilled) {
  RateLimiter limiter({2, 4}, {0, 0});
  for (int i = 0; i < 4; ++i) {
    RateLimiter::Decision d = limiter.Take("key", "tenant", 1, kStart);
    EXPECT_EQ(d.granted, 1);
    EXPECT_EQ(d.limit, 4);
    EXPECT_EQ(d.remaining, 3 - i);
  }
  RateLimiter::Decision refused = limiter.Take("key", "tenant", 1, kStart);
  EXPECT_EQ(refused.granted, 0);
  EXPECT_EQ(refused.retry_after_seconds, 1);  // half a second, rounded up
  EXPECT_EQ(limiter.Take("key", "tenant", 1, kStart + absl::Milliseconds(500)).granted, 1);
  EXPECT_EQ(limiter.Take("key", "tenant", 1, kStart + absl::Milliseconds(500)).granted, 0);
  EXPECT_EQ(limiter.Take("other", "tenant", 1, kStart).granted, 1) << "keys are separate";
}

TEST(RateLimiter, TheTenantBucketBindsAllItsKeys) {
  RateLimiter limiter({100, 100}, {1, 3});
  EXPECT_EQ(limiter.Take("a", "t", 2, kStart).granted, 2);
  EXPECT_EQ(limiter.Take("b", "t", 2, kStart).granted, 1) << "a batch gets what is left";
  RateLimiter::Decision refused = limiter.Take("c", "t", 1, kStart);
  EXPECT_EQ(refused.granted, 0);
  EXPECT_EQ(refused.retry_after_seconds, 1);
  EXPECT_EQ(refused.limit, 3) << "the tenant's bucket is the tighter one";
  EXPECT_EQ(limiter.Take("c", "other tenant", 1, kStart).granted, 1);
}

TEST(RateLimiter, NoLimitConfiguredGrantsEverythingAndReportsNothing) {
  RateLimiter limiter({0, 0}, {0, 0});
  RateLimiter::Decision d = limiter.Take("key", "tenant", 1000, kStart);
  EXPECT_EQ(d.granted, 1000);
  EXPECT_FALSE(d.limited);
}

}  // namespace
}  // namespace aievents
