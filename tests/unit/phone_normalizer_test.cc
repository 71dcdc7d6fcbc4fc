#include "services/matching/phone_normalizer.h"

#include <gtest/gtest.h>

namespace aievents::matching {
namespace {

std::unique_ptr<PhoneNormalizer> Us() { return *PhoneNormalizer::Create("US"); }

TEST(PhoneNormalizer, UsFormatsBecomeOneE164) {
  auto phones = Us();
  for (const char* input : {"+1 (555) 867-5309", "555-867-5309", "15558675309", "(555) 867 5309",
                            "+15558675309", "1-555-867-5309"}) {
    auto e164 = phones->ToE164(input);
    ASSERT_TRUE(e164.ok()) << input << ": " << e164.status();
    EXPECT_EQ(*e164, "+15558675309") << input;
  }
}

TEST(PhoneNormalizer, InternationalDigitsWithoutPlusAreRetried) {
  auto phones = Us();
  EXPECT_EQ(*phones->ToE164("4915112345678"), "+4915112345678");
  EXPECT_EQ(*phones->ToE164("+49 151 12345678"), "+4915112345678");
  EXPECT_EQ(*phones->ToE164("971501234567"), "+971501234567");
}

TEST(PhoneNormalizer, ValidNumbersOfTheDefaultRegionStayThere) {
  auto phones = Us();
  // A valid US number is never reinterpreted as international.
  EXPECT_EQ(*phones->ToE164("2025550143"), "+12025550143");
}

TEST(PhoneNormalizer, DefaultRegionIsConfigurable) {
  auto germany = *PhoneNormalizer::Create("de");
  EXPECT_EQ(*germany->ToE164("0151 12345678"), "+4915112345678");
  EXPECT_FALSE(PhoneNormalizer::Create("XX").ok());
}

TEST(PhoneNormalizer, RejectsWhatIsNoNumber) {
  auto phones = Us();
  EXPECT_FALSE(phones->ToE164("hello").ok());
  EXPECT_FALSE(phones->ToE164("").ok());
}

TEST(PhoneNormalizer, NationalNumber) {
  EXPECT_EQ(Us()->NationalNumber("+15558675309"), "5558675309");
}

}  // namespace
}  // namespace aievents::matching
