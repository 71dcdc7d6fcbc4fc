// The rules a customer lookup (and a new customer's identifiers) must meet before anything is
// normalized, shared by ingest (so one 400 names every problem) and matching (which enforces
// them for its own gRPC callers). Field paths are relative to the object checked.
#ifndef AIEVENTS_COMMON_DOMAIN_CUSTOMER_LOOKUP_RULES_H_
#define AIEVENTS_COMMON_DOMAIN_CUSTOMER_LOOKUP_RULES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aievents/v1/ai_event.pb.h"
#include "common/status/status_details.h"

namespace aievents {

constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxPhoneChars = 64;
constexpr size_t kMaxNameChars = 200;

// Present and not blank after trimming; what "was given" means for every identifier.
bool IsGiven(const std::optional<std::string>& value);
bool IsGiven(bool has, const std::string& value);

// Why `email` is not an email address ("" when it is one): one "@", text on both sides, no
// spaces, at most kMaxEmailChars.
std::string EmailSyntaxProblem(std::string_view email);

// Why `phone` cannot be a phone number ("" when it can): only digits and the usual formatting
// characters (space . - ( ) / and a leading +), 5 to 17 digits. libphonenumber has the last
// word in the matching service.
std::string PhoneSyntaxProblem(std::string_view phone);

// Every violation in a lookup: no identifier, a lone first or last name, bad syntax, too long.
std::vector<FieldViolation> CheckCustomerLookup(const v1::CustomerLookup& lookup);

// For lookups nobody can correct (vendor webhooks): `lookup` without the parts the rules above
// refuse (bad syntax, too long, blank, a name without its other half), so what remains can
// still match. Pass the result to CheckCustomerLookup: empty means it can be matched.
v1::CustomerLookup UsableLookupParts(v1::CustomerLookup lookup);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_DOMAIN_CUSTOMER_LOOKUP_RULES_H_
