#include "common/domain/customer_lookup_rules.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

v1::CustomerLookup Lookup(const char* email, const char* phone, const char* first,
                          const char* last) {
  v1::CustomerLookup lookup;
  if (email) lookup.set_email(email);
  if (phone) lookup.set_phone(phone);
  if (first) lookup.set_first_name(first);
  if (last) lookup.set_last_name(last);
  return lookup;
}

TEST(CustomerLookupRules, NeedsAnIdentifier) {
  auto violations = CheckCustomerLookup(Lookup(nullptr, nullptr, nullptr, nullptr));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "");
  EXPECT_EQ(CheckCustomerLookup(Lookup(" ", "", nullptr, nullptr)).size(), 1u);
}

TEST(CustomerLookupRules, OneNameIsNotEnoughAlone) {
  auto first_only = CheckCustomerLookup(Lookup(nullptr, nullptr, "Ana", nullptr));
  ASSERT_EQ(first_only.size(), 1u);
  EXPECT_EQ(first_only[0].field, "last_name");
  auto last_only = CheckCustomerLookup(Lookup(nullptr, nullptr, nullptr, "Lee"));
  ASSERT_EQ(last_only.size(), 1u);
  EXPECT_EQ(last_only[0].field, "first_name");
  EXPECT_TRUE(CheckCustomerLookup(Lookup("a@b.co", nullptr, "Ana", nullptr)).empty());
  EXPECT_TRUE(CheckCustomerLookup(Lookup(nullptr, nullptr, "Ana", "Lee")).empty());
}

TEST(CustomerLookupRules, EmailSyntax) {
  EXPECT_EQ(EmailSyntaxProblem("jane@example.com"), "");
  EXPECT_EQ(EmailSyntaxProblem("  jane@example.com "), "");
  for (const char* bad : {"jane", "@example.com", "jane@", "a@b@c", "ja ne@example.com"}) {
    EXPECT_NE(EmailSyntaxProblem(bad), "") << bad;
  }
}

TEST(CustomerLookupRules, PhoneSyntax) {
  for (const char* good : {"+1 (555) 867-5309", "555-867-5309", "4915112345678", "555.867.5309"}) {
    EXPECT_EQ(PhoneSyntaxProblem(good), "") << good;
  }
  for (const char* bad :
       {"call me", "12", "+1 555 CALL NOW", "1+5558675309", "123456789012345678"}) {
    EXPECT_NE(PhoneSyntaxProblem(bad), "") << bad;
  }
}

TEST(CustomerLookupRules, NamesAreLimitedInCharacters) {
  std::string long_name(201, 'a');
  auto violations = CheckCustomerLookup(Lookup("a@b.co", nullptr, long_name.c_str(), "Lee"));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "first_name");
}

TEST(CustomerLookupRules, UsablePartsDropOnlyWhatTheRulesRefuse) {
  v1::CustomerLookup usable =
      UsableLookupParts(Lookup("not an email", "+1 555 867 5309", "Ann", ""));
  EXPECT_FALSE(usable.has_email());
  EXPECT_EQ(usable.phone(), "+1 555 867 5309");
  EXPECT_FALSE(usable.has_first_name());  // half a name never matches
  EXPECT_FALSE(usable.has_last_name());
  EXPECT_TRUE(CheckCustomerLookup(usable).empty());

  usable = UsableLookupParts(Lookup("ann@example.com", "12", "Ann", "Lee"));
  EXPECT_EQ(usable.email(), "ann@example.com");
  EXPECT_FALSE(usable.has_phone());
  EXPECT_EQ(usable.first_name(), "Ann");
  EXPECT_EQ(usable.last_name(), "Lee");

  usable = UsableLookupParts(Lookup("  ", "x", std::string(kMaxNameChars + 1, 'a').c_str(), "Lee"));
  EXPECT_EQ(usable.ByteSizeLong(), 0u);
  EXPECT_FALSE(CheckCustomerLookup(usable).empty());  // nothing left to match on
}

}  // namespace
}  // namespace aievents
