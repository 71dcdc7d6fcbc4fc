#include "common/text/rfc3339.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(Rfc3339, ParsesUtcAndOffsets) {
  auto utc = ParseRfc3339("2026-03-10T14:30:00Z");
  ASSERT_TRUE(utc.ok());
  EXPECT_EQ(FormatRfc3339(*utc), "2026-03-10T14:30:00Z");
  auto offset = ParseRfc3339("2026-03-10T16:30:00+02:00");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(*offset, *utc);
  auto negative = ParseRfc3339("2026-03-10t09:30:00.5-05:00");
  ASSERT_TRUE(negative.ok());
  EXPECT_EQ(FormatRfc3339(*negative), "2026-03-10T14:30:00.5Z");
}

TEST(Rfc3339, KeepsMicrosecondsAndTruncatesBeyond) {
  auto time = ParseRfc3339("2026-03-10T14:30:00.123456789Z");
  ASSERT_TRUE(time.ok());
  EXPECT_EQ(FormatRfc3339(*time), "2026-03-10T14:30:00.123456Z");
}

TEST(Rfc3339, RejectsMissingZoneWithAClearMessage) {
  auto no_zone = ParseRfc3339("2026-03-10T14:30:00");
  ASSERT_FALSE(no_zone.ok());
  EXPECT_NE(no_zone.status().message().find("time zone"), absl::string_view::npos);
  auto date_only = ParseRfc3339("2026-03-10");
  ASSERT_FALSE(date_only.ok());
  EXPECT_NE(date_only.status().message().find("time"), absl::string_view::npos);
}

TEST(Rfc3339, RejectsImpossibleDates) {
  for (const char* bad :
       {"2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-03-10T24:00:00Z", "2026-03-10T14:60:00Z", "1899-12-31T00:00:00Z",
        "2026-03-10T14:30:00+24:00", "2026-03-10T14:30:00.Z", "", "2026-03-10T14:30:00Zjunk"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").ok());
}

TEST(Rfc3339, TheRangeHoldsForTheInstantInUtc) {
  // Valid local times whose offset carries them out of 1900..9999 in UTC.
  EXPECT_FALSE(ParseRfc3339("9999-12-31T23:59:59-01:00").ok());
  EXPECT_FALSE(ParseRfc3339("1900-01-01T00:30:00+01:00").ok());
  EXPECT_NE(
      std::string(ParseRfc3339("9999-12-31T23:59:59-01:00").status().message()).find("1900..9999"),
      std::string::npos);
  EXPECT_TRUE(ParseRfc3339("9999-12-31T23:59:59Z").ok());
  EXPECT_TRUE(ParseRfc3339("9999-12-31T23:59:59+01:00").ok());
  EXPECT_TRUE(ParseRfc3339("1900-01-01T00:00:00Z").ok());
}

}  // namespace
}  // namespace aievents
