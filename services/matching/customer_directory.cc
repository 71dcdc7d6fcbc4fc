#include "services/matching/customer_directory.h"

#include "absl/strings/str_cat.h"
#include "common/customer_lookup_rules.h"
#include "common/field_violations.h"
#include "common/ids.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "services/matching/text_normalizers.h"

namespace aievents::matching {

absl::StatusOr<v1::NormalizedLookup> CustomerDirectory::Normalize(
    const v1::CustomerLookup& lookup) const {
  std::vector<FieldViolation> violations = CheckCustomerLookup(lookup);
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  v1::NormalizedLookup normalized;
  if (lookup.has_email() && IsGiven(true, lookup.email())) {
    normalized.set_email(NormalizeEmail(lookup.email()));
  }
  if (lookup.has_phone() && IsGiven(true, lookup.phone())) {
    auto e164 = phones_->ToE164(lookup.phone());
    if (!e164.ok()) {
      return InvalidArgumentWithViolations({{"phone", std::string(e164.status().message())}});
    }
    normalized.set_phone_e164(*e164);
  }
  if (lookup.has_first_name() && lookup.has_last_name() && IsGiven(true, lookup.first_name()) &&
      IsGiven(true, lookup.last_name())) {
    normalized.set_name(NormalizeFullName(lookup.first_name(), lookup.last_name()));
  }
  return normalized;
}

absl::StatusOr<v1::MatchCustomerResponse> CustomerDirectory::Match(
    const RequestContext& context, const v1::CustomerLookup& lookup) {
  auto normalized = Normalize(lookup);
  if (!normalized.ok()) {
    return InvalidArgumentWithViolations(
        PrefixViolations("customer_lookup", GetFieldViolations(normalized.status())));
  }
  ASSIGN_OR_RETURN(std::optional<CustomerMatch> match,
                   store_->FindMatch(context.tenant_id, *normalized));
  v1::MatchCustomerResponse response;
  *response.mutable_normalized_lookup() = *normalized;
  if (!match.has_value()) {
    response.set_match_method(v1::MATCH_METHOD_NONE);
    return response;
  }
  response.set_customer_id(match->customer_id);
  response.set_match_method(match->method);
  response.set_matched_value(match->matched_value);
  return response;
}

absl::StatusOr<v1::Customer> CustomerDirectory::Create(const RequestContext& context,
                                                       const v1::CreateCustomerRequest& request) {
  std::vector<FieldViolation> violations;
  bool email = request.has_email() && IsGiven(true, request.email());
  bool phone = request.has_phone() && IsGiven(true, request.phone());
  bool first = request.has_first_name() && IsGiven(true, request.first_name());
  bool last = request.has_last_name() && IsGiven(true, request.last_name());
  if (!email && !phone && !first && !last) {
    violations.push_back(
        {"email", "at least one of email, phone, first_name or last_name is required"});
  }
  v1::Customer customer;
  customer.set_id(NewUuidV7());
  if (email) {
    if (std::string problem = EmailSyntaxProblem(request.email()); !problem.empty()) {
      violations.push_back({"email", problem});
    }
    customer.set_email(std::string(TrimAscii(request.email())));
    customer.set_email_normalized(NormalizeEmail(request.email()));
  }
  if (phone) {
    std::string problem = PhoneSyntaxProblem(request.phone());
    auto e164 = problem.empty() ? phones_->ToE164(request.phone()) : absl::StatusOr<std::string>();
    if (!problem.empty()) {
      violations.push_back({"phone", problem});
    } else if (!e164.ok()) {
      violations.push_back({"phone", std::string(e164.status().message())});
    } else {
      customer.set_phone(std::string(TrimAscii(request.phone())));
      customer.set_phone_e164(*e164);
    }
  }
  for (auto [name, given, value] : {std::tuple{"first_name", first, &request.first_name()},
                                    std::tuple{"last_name", last, &request.last_name()}}) {
    if (given && Utf8Length(*value) > kMaxNameChars) {
      violations.push_back({name, absl::StrCat("must be at most ", kMaxNameChars, " characters")});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  if (first) customer.set_first_name(std::string(TrimAscii(request.first_name())));
  if (last) customer.set_last_name(std::string(TrimAscii(request.last_name())));
  if (first && last) {
    customer.set_name_normalized(NormalizeFullName(request.first_name(), request.last_name()));
  }
  return store_->Insert(context.tenant_id, std::move(customer));
}

absl::StatusOr<v1::Customer> CustomerDirectory::Get(const RequestContext& context,
                                                    const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, store_->Get(context.tenant_id, id));
  if (!customer.has_value())
    return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  return *customer;
}

}  // namespace aievents::matching
