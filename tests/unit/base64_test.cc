#include "common/text/base64.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(Base64, StandardRoundTripsEveryLength) {
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text.push_back(static_cast<char>(0xf0 + i % 16));
    std::optional<std::string> decoded = Base64Decode(Base64Encode(text));
    ASSERT_TRUE(decoded.has_value()) << text.size();
    EXPECT_EQ(*decoded, text);
  }
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
}

TEST(Base64, StandardDecodeIsStrict) {
  EXPECT_FALSE(Base64Decode("").has_value());
  EXPECT_FALSE(Base64Decode("YWI").has_value());    // padding required
  EXPECT_FALSE(Base64Decode("YW I=").has_value());  // Abseil alone would skip the space
  EXPECT_FALSE(Base64Decode("YWI=\n").has_value());
  EXPECT_FALSE(Base64Decode("Y-_=").has_value());  // the URL alphabet is not this one
  EXPECT_FALSE(Base64Decode("Y===").has_value());
  EXPECT_FALSE(Base64Decode("YW=I").has_value());
}

TEST(Base64Url, DecodeIsStrict) {
  EXPECT_EQ(*Base64UrlDecode("-_-_"), "\xfb\xff\xbf");
  EXPECT_FALSE(Base64UrlDecode("+/+/").has_value());
  EXPECT_FALSE(Base64UrlDecode("YWI=").has_value());  // no padding in this form
  EXPECT_FALSE(Base64UrlDecode("YW I").has_value());
  EXPECT_FALSE(Base64UrlDecode("YWJjZ").has_value());
}

}  // namespace
}  // namespace aievents
