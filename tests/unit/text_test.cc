#include "common/text/text.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

TEST(Text, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("Jos\xC3\xA9"), 4u);       // é is 2 bytes
  EXPECT_EQ(Utf8Length("\xE2\x98\x83"), 1u);      // ☃ is 3 bytes
  EXPECT_EQ(Utf8Length("\xF0\x9F\x93\x9E"), 1u);  // 📞 is 4 bytes
}

TEST(Text, PrefixNeverSplitsACharacter) {
  EXPECT_EQ(Utf8Prefix("Jos\xC3\xA9!", 4), "Jos\xC3\xA9");
  EXPECT_EQ(Utf8Prefix("Jos\xC3\xA9", 3), "Jos");
  EXPECT_EQ(Utf8Prefix("ab", 5), "ab");
}

TEST(Text, TrimLowerAndPrefix) {
  EXPECT_EQ(TrimAscii("  a b \t\n"), "a b");
  EXPECT_EQ(TrimAscii("   "), "");
  EXPECT_EQ(ToLowerAscii("MiXeD"), "mixed");
  EXPECT_TRUE(StartsWithIgnoreCase("Bearer abc", "bearer "));
  EXPECT_FALSE(StartsWithIgnoreCase("Bear", "bearer "));
}

TEST(Utf8, OnlyWellFormedSequencesAreValid) {
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  // Each byte of the surrogate becomes U+FFFD ("" splits the literals: \x is greedy).
  EXPECT_EQ(SanitizeUtf8("a\xed\xa0\x80"
                         "b"),
            "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
            "b");
}

}  // namespace
}  // namespace aievents
