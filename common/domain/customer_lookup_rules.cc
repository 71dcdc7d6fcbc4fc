#include "common/domain/customer_lookup_rules.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "common/text/ids.h"
#include "common/text/text.h"

namespace aievents {

bool IsGiven(const std::optional<std::string>& value) {
  return value.has_value() && !TrimAscii(*value).empty();
}

bool IsGiven(bool has, const std::string& value) { return has && !TrimAscii(value).empty(); }

std::string EmailSyntaxProblem(std::string_view email) {
  email = TrimAscii(email);
  if (Utf8Length(email) > kMaxEmailChars) {
    return absl::StrCat("must be at most ", kMaxEmailChars, " characters");
  }
  size_t at = email.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == email.size() ||
      email.find('@', at + 1) != std::string_view::npos) {
    return "must be an email address: one '@' with text on both sides";
  }
  for (char c : email) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      return "must be an email address: no spaces allowed";
    }
  }
  return "";
}

std::string PhoneSyntaxProblem(std::string_view phone) {
  phone = TrimAscii(phone);
  if (phone.size() > kMaxPhoneChars) {
    return absl::StrCat("must be at most ", kMaxPhoneChars, " characters");
  }
  int digits = 0;
  for (size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      ++digits;
    } else if (c == '+' && i == 0) {
    } else if (c != ' ' && c != '.' && c != '-' && c != '(' && c != ')' && c != '/') {
      return "must be a phone number: digits, spaces, . - ( ) / and a leading + only";
    }
  }
  if (digits < 5 || digits > 17) return "must be a phone number with 5 to 17 digits";
  return "";
}

std::vector<FieldViolation> CheckCustomerLookup(const v1::CustomerLookup& lookup) {
  std::vector<FieldViolation> violations;
  bool email = lookup.has_email() && IsGiven(lookup.email());
  bool phone = lookup.has_phone() && IsGiven(lookup.phone());
  bool first = lookup.has_first_name() && IsGiven(lookup.first_name());
  bool last = lookup.has_last_name() && IsGiven(lookup.last_name());
  bool customer_id = lookup.has_customer_id() && IsGiven(lookup.customer_id());
  if (!email && !phone && !first && !last && !customer_id) {
    violations.push_back(
        {"", "must include at least one of email, phone, or both first_name and last_name"});
  } else if (!email && !phone && !customer_id && first != last) {
    violations.push_back({first ? "last_name" : "first_name",
                          "is required with " + std::string(first ? "first_name" : "last_name") +
                              " when there is no email or phone: name matching needs both"});
  }
  if (email) {
    if (std::string problem = EmailSyntaxProblem(lookup.email()); !problem.empty()) {
      violations.push_back({"email", problem});
    }
  }
  if (phone) {
    if (std::string problem = PhoneSyntaxProblem(lookup.phone()); !problem.empty()) {
      violations.push_back({"phone", problem});
    }
  }
  if (customer_id && !IsUuid(TrimAscii(lookup.customer_id()))) {
    violations.push_back({"customer_id", "must be a customer id (UUID)"});
  }
  for (auto [name, given, value] : {std::tuple{"first_name", first, &lookup.first_name()},
                                    std::tuple{"last_name", last, &lookup.last_name()}}) {
    if (given && Utf8Length(*value) > kMaxNameChars) {
      violations.push_back({name, absl::StrCat("must be at most ", kMaxNameChars, " characters")});
    }
  }
  return violations;
}

v1::CustomerLookup UsableLookupParts(v1::CustomerLookup lookup) {
  if (lookup.has_email() && !IsGiven(true, lookup.email())) lookup.clear_email();
  if (lookup.has_phone() && !IsGiven(true, lookup.phone())) lookup.clear_phone();
  if (lookup.has_first_name() && !IsGiven(true, lookup.first_name())) lookup.clear_first_name();
  if (lookup.has_last_name() && !IsGiven(true, lookup.last_name())) lookup.clear_last_name();
  if (lookup.has_customer_id() && !IsGiven(true, lookup.customer_id())) lookup.clear_customer_id();
  for (const FieldViolation& violation : CheckCustomerLookup(lookup)) {
    if (violation.field == "email") lookup.clear_email();
    if (violation.field == "phone") lookup.clear_phone();
    if (violation.field == "customer_id") lookup.clear_customer_id();
    if (violation.field == "first_name" || violation.field == "last_name") {
      lookup.clear_first_name();
      lookup.clear_last_name();
    }
  }
  // Half a name never matches, even beside an email or a phone.
  if (lookup.has_first_name() != lookup.has_last_name()) {
    lookup.clear_first_name();
    lookup.clear_last_name();
  }
  return lookup;
}

}  // namespace aievents
