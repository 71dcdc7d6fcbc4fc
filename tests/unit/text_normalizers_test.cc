#include "services/matching/text_normalizers.h"

#include <gtest/gtest.h>

namespace aievents::matching {
namespace {

TEST(TextNormalizers, Email) {
  EXPECT_EQ(NormalizeEmail("  Jane.Doe+tag@Example.COM "), "jane.doe+tag@example.com");
}

TEST(TextNormalizers, NamesAreCaseFoldedAndComposed) {
  EXPECT_EQ(NormalizeFullName("JOSÉ", "GARCÍA"), "josé garcía");
  EXPECT_EQ(NormalizeFullName("José", "García"), NormalizeFullName("JOSÉ", "GARCÍA"));
  // Decomposed e + combining acute accent equals the precomposed é.
  EXPECT_EQ(NormalizeNamePart("Jose\xCC\x81"), NormalizeNamePart("José"));
  // German sharp s folds to "ss".
  EXPECT_EQ(NormalizeNamePart("STRASSE"), NormalizeNamePart("Straße"));
}

TEST(TextNormalizers, WhitespaceIsTrimmedAndCollapsed) {
  EXPECT_EQ(NormalizeNamePart("  Mary \t Ann  "), "mary ann");
  EXPECT_EQ(NormalizeNamePart("\xC2\xA0"
                              "Ana\xC2\xA0"),
            "ana");  // no-break spaces
}

}  // namespace
}  // namespace aievents::matching
