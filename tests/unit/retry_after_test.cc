// Reading a webhook receiver's Retry-After (RFC 9110 10.2.3): delay-seconds or an HTTP date.
#include <gtest/gtest.h>

#include "common/net/outbound_post.h"

namespace aievents {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT

TEST(RetryAfter, SecondsAreADelay) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), absl::Seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", kNow), absl::ZeroDuration());
}

TEST(RetryAfter, AnHttpDateIsADelayFromNow) {
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:30:00 GMT", kNow), absl::Minutes(2));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", kNow), absl::ZeroDuration())
      << "a date in the past means now";
}

TEST(RetryAfter, AnythingElseIsIgnored) {
  for (const char* bad :
       {"", "soon", "-5", "1.5", "12abc", "Wed, 21 Oct 2015", "99999999999999999999999"}) {
    EXPECT_EQ(ParseRetryAfter(bad, kNow), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace aievents
