#include "common/rpc/page_token.h"

#include <gtest/gtest.h>

#include "common/rpc/grpc_status.h"
#include "common/text/base64.h"

namespace aievents {
namespace {

TEST(PageToken, RoundTrips) {
  std::string fingerprint = QueryFingerprint("customer|x");
  PagePosition position{1773153000123456, "01a1fd11-d7e9-7006-9e48-5e3072079a3d"};
  auto decoded = DecodePageToken(EncodePageToken(position, fingerprint), fingerprint);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->sort_micros, position.sort_micros);
  EXPECT_EQ(decoded->id, position.id);
}

TEST(PageToken, RejectsOtherQueriesAndGarbage) {
  std::string token =
      EncodePageToken({1, "01a1fd11-d7e9-7006-9e48-5e3072079a3d"}, QueryFingerprint("a"));
  auto other = DecodePageToken(token, QueryFingerprint("b"));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(GetFieldViolations(other.status())[0].field, "page_token");
  EXPECT_FALSE(DecodePageToken("!!!", QueryFingerprint("a")).ok());
  EXPECT_FALSE(DecodePageToken(Base64UrlEncode("v1|x|notanumber|id"), QueryFingerprint("a")).ok());
  EXPECT_FALSE(DecodePageToken("", QueryFingerprint("a")).ok());
}

TEST(Base64Url, RoundTripsEveryLength) {
  for (std::string text : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(text)), text);
  }
  EXPECT_FALSE(Base64UrlDecode("a").has_value());
  EXPECT_FALSE(Base64UrlDecode("ab=c").has_value());
}

}  // namespace
}  // namespace aievents
