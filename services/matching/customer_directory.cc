#include "services/matching/customer_directory.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/domain/customer_lookup_rules.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"
#include "common/text/text.h"
#include "services/matching/text_normalizers.h"

namespace aievents::matching {
namespace {

constexpr size_t kMaxCandidates = 10;
constexpr size_t kMaxBatchLookups = 1000;
constexpr int kDefaultSearchSize = 10;
constexpr int kMaxSearchSize = 50;

std::optional<std::string> GivenTrimmed(bool has, const std::string& value) {
  if (!has || TrimAscii(value).empty()) return std::nullopt;
  return std::string(TrimAscii(value));
}

// Scores of the candidate signals (see Candidate.score in matching_service.proto).
constexpr double kExactEmail = 1.0;
constexpr double kExactPhone = 0.95;
constexpr double kExactName = 0.9;
constexpr double kNearEmail = 0.7;
constexpr double kNearPhone = 0.65;
constexpr double kSimilarNameMax = 0.6;
constexpr double kExtraSignal = 0.05;

}  // namespace

absl::StatusOr<v1::NormalizedLookup> CustomerDirectory::Normalize(
    const v1::CustomerLookup& lookup) const {
  std::vector<FieldViolation> violations = CheckCustomerLookup(lookup);
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  v1::NormalizedLookup normalized;
  if (auto email = GivenTrimmed(lookup.has_email(), lookup.email())) {
    normalized.set_email(NormalizeEmail(*email));
  }
  if (auto phone = GivenTrimmed(lookup.has_phone(), lookup.phone())) {
    auto e164 = phones_->ToE164(*phone);
    if (!e164.ok()) {
      return InvalidArgumentWithViolations({{"phone", std::string(e164.status().message())}});
    }
    normalized.set_phone_e164(*e164);
  }
  auto first = GivenTrimmed(lookup.has_first_name(), lookup.first_name());
  auto last = GivenTrimmed(lookup.has_last_name(), lookup.last_name());
  if (first && last) normalized.set_name(NormalizeFullName(*first, *last));
  if (auto id = GivenTrimmed(lookup.has_customer_id(), lookup.customer_id())) {
    normalized.set_customer_id(ToLowerAscii(*id));
  }
  return normalized;
}

absl::StatusOr<v1::MatchCustomerResponse> CustomerDirectory::Match(
    const RequestContext& context, const v1::CustomerLookup& lookup) {
  // The batch's query and suppression check, for one.
  AIEV_ASSIGN_OR_RETURN(auto results, MatchBatch(context, {&lookup}));
  return std::move(results.front());
}

absl::StatusOr<std::vector<absl::StatusOr<v1::MatchCustomerResponse>>>
CustomerDirectory::MatchBatch(const RequestContext& context,
                              const std::vector<const v1::CustomerLookup*>& lookups) {
  if (lookups.size() > kMaxBatchLookups) {
    return InvalidArgumentWithViolations(
        {{"customer_lookups", absl::StrCat("must have at most ", kMaxBatchLookups, " entries")}});
  }
  std::vector<absl::StatusOr<v1::MatchCustomerResponse>> results;
  std::vector<v1::NormalizedLookup> usable;
  std::vector<size_t> usable_index;
  for (size_t i = 0; i < lookups.size(); ++i) {
    auto normalized = Normalize(*lookups[i]);
    if (!normalized.ok()) {
      results.push_back(InvalidArgumentWithViolations(
          PrefixViolations("customer_lookup", GetFieldViolations(normalized.status()))));
      continue;
    }
    v1::MatchCustomerResponse response;
    response.set_match_method(v1::MATCH_METHOD_NONE);
    *response.mutable_normalized_lookup() = *normalized;
    results.push_back(std::move(response));
    usable.push_back(*std::move(normalized));
    usable_index.push_back(i);
  }
  // Each usable lookup's identifier hashes, checked against the suppressions in the same
  // round trip as the match.
  std::vector<std::string> hashes;
  std::vector<std::vector<std::string>> hashes_of(usable.size());
  if (suppression_ != nullptr) {
    for (size_t j = 0; j < usable.size(); ++j) {
      if (usable[j].has_email()) hashes_of[j].push_back(suppression_->Email(usable[j].email()));
      if (usable[j].has_phone_e164())
        hashes_of[j].push_back(suppression_->Phone(usable[j].phone_e164()));
      hashes.insert(hashes.end(), hashes_of[j].begin(), hashes_of[j].end());
    }
  }
  absl::flat_hash_set<std::string> suppressed;
  AIEV_ASSIGN_OR_RETURN(std::vector<std::optional<CustomerMatch>> matches,
                        store_->FindMatches(context.tenant_id, usable, hashes, &suppressed));
  for (size_t j = 0; j < matches.size(); ++j) {
    v1::MatchCustomerResponse& response = *results[usable_index[j]];
    for (const std::string& hash : hashes_of[j]) {
      if (suppressed.contains(hash)) response.set_suppressed(true);
    }
    if (!matches[j].has_value()) continue;
    response.set_customer_id(matches[j]->customer_id);
    response.set_match_method(matches[j]->method);
    response.set_matched_value(matches[j]->matched_value);
  }
  return results;
}

absl::StatusOr<CustomerRecord> CustomerDirectory::BuildRecord(const std::string& id,
                                                              const Identifiers& ids) const {
  std::vector<FieldViolation> violations;
  if (!ids.email && !ids.phone && !ids.first_name && !ids.last_name) {
    violations.push_back(
        {"email", "at least one of email, phone, first_name or last_name is required"});
  }
  CustomerRecord record;
  v1::Customer& customer = record.customer;
  customer.set_id(id);
  if (ids.email) {
    if (std::string problem = EmailSyntaxProblem(*ids.email); !problem.empty()) {
      violations.push_back({"email", problem});
    }
    customer.set_email(*ids.email);
    customer.set_email_normalized(NormalizeEmail(*ids.email));
    record.email_canonical = CanonicalEmail(customer.email_normalized());
  }
  if (ids.phone) {
    std::string problem = PhoneSyntaxProblem(*ids.phone);
    absl::StatusOr<std::string> e164 =
        problem.empty() ? phones_->ToE164(*ids.phone) : absl::InvalidArgumentError(problem);
    if (!e164.ok()) {
      violations.push_back({"phone", std::string(e164.status().message())});
    } else {
      customer.set_phone(*ids.phone);
      customer.set_phone_e164(*e164);
      record.phone_national = phones_->NationalNumber(*e164);
    }
  }
  for (auto [name, value] :
       {std::pair{"first_name", &ids.first_name}, std::pair{"last_name", &ids.last_name}}) {
    if (value->has_value() && Utf8Length(**value) > kMaxNameChars) {
      violations.push_back({name, absl::StrCat("must be at most ", kMaxNameChars, " characters")});
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  if (ids.first_name) customer.set_first_name(*ids.first_name);
  if (ids.last_name) customer.set_last_name(*ids.last_name);
  if (ids.first_name && ids.last_name) {
    customer.set_name_normalized(NormalizeFullName(*ids.first_name, *ids.last_name));
  }
  if (ids.first_name || ids.last_name) {
    record.name_search =
        FoldForSearch(ids.first_name.value_or("") + " " + ids.last_name.value_or(""));
  }
  return record;
}

absl::StatusOr<int> CustomerDirectory::LinkWaitingEvents(const RequestContext& context,
                                                         const v1::Customer& customer) {
  AIEV_ASSIGN_OR_RETURN(std::vector<v1::EventLink> links,
                        store_->FindRematchLinks(context.tenant_id, customer));
  if (links.empty()) return 0;
  AIEV_ASSIGN_OR_RETURN(int linked, events_->LinkUnmatched(context, links));
  if (linked > 0) {
    Metrics::Global().Increment("aievents_events_rematched_total", {}, linked);
    log::Info("events_rematched", {{"request_id", context.request_id},
                                   {"tenant", context.tenant_id},
                                   {"customer_id", customer.id()},
                                   {"events", std::to_string(linked)}});
  }
  return linked;
}

void CustomerDirectory::Rematch(const RequestContext& context, const v1::Customer& customer) {
  // After the customer's commit, never inside it: find (here) and link (ingest, the events'
  // owner). This is the first try; the commit also recorded the re-match in matching's outbox,
  // so a failure here is logged and counted, and RematchWorker carries it out later.
  absl::StatusOr<int> linked = LinkWaitingEvents(context, customer);
  if (linked.ok()) return;
  Metrics::Global().Increment("aievents_rematch_failed_total");
  log::Warn("rematch_failed", {{"request_id", context.request_id},
                               {"tenant", context.tenant_id},
                               {"customer_id", customer.id()},
                               {"error", linked.status().ToString()},
                               {"effect", "retried by the re-match worker"}});
}

absl::StatusOr<v1::Customer> CustomerDirectory::Create(const RequestContext& context,
                                                       const v1::CreateCustomerRequest& request) {
  Identifiers ids{GivenTrimmed(request.has_email(), request.email()),
                  GivenTrimmed(request.has_phone(), request.phone()),
                  GivenTrimmed(request.has_first_name(), request.first_name()),
                  GivenTrimmed(request.has_last_name(), request.last_name())};
  AIEV_ASSIGN_OR_RETURN(CustomerRecord record, BuildRecord(NewUuidV7(), ids));
  AIEV_ASSIGN_OR_RETURN(v1::Customer customer, store_->Insert(context, record));
  Rematch(context, customer);
  return customer;
}

absl::StatusOr<v1::Customer> CustomerDirectory::Update(const RequestContext& context,
                                                       const v1::UpdateCustomerRequest& request) {
  if (!IsUuid(request.id())) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  auto change = [&](const v1::Customer& current) -> absl::StatusOr<CustomerRecord> {
    // Present fields replace (blank clears); absent ones keep the stored value.
    auto pick = [](bool has_new, const std::string& new_value, bool has_old,
                   const std::string& old_value) {
      return has_new ? GivenTrimmed(true, new_value) : GivenTrimmed(has_old, old_value);
    };
    Identifiers ids{
        pick(request.has_email(), request.email(), current.has_email(), current.email()),
        pick(request.has_phone(), request.phone(), current.has_phone(), current.phone()),
        pick(request.has_first_name(), request.first_name(), current.has_first_name(),
             current.first_name()),
        pick(request.has_last_name(), request.last_name(), current.has_last_name(),
             current.last_name())};
    return BuildRecord(current.id(), ids);
  };
  AIEV_ASSIGN_OR_RETURN(v1::Customer customer, store_->Update(context, request.id(), change));
  Rematch(context, customer);
  return customer;
}

absl::StatusOr<v1::Customer> CustomerDirectory::Get(const RequestContext& context,
                                                    const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  AIEV_ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, store_->Get(context.tenant_id, id));
  if (!customer.has_value())
    return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  return *customer;
}

absl::StatusOr<v1::SearchCustomersResponse> CustomerDirectory::Search(
    const RequestContext& context, const v1::SearchCustomersRequest& request) {
  std::string folded = FoldForSearch(request.q());
  std::vector<FieldViolation> violations;
  if (Utf8Length(folded) < 2) violations.push_back({"q", "must have at least 2 characters"});
  if (request.page_size() < 0) violations.push_back({"page_size", "must not be negative"});
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  // Digits are searched in phones only when the text looks like (part of) a phone number.
  std::string digits;
  if (request.q().find_first_not_of("0123456789 -+()./") == std::string::npos) {
    for (char c : request.q()) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    if (digits.size() < 3) digits.clear();
  }
  int limit =
      request.page_size() == 0 ? kDefaultSearchSize : std::min(request.page_size(), kMaxSearchSize);
  AIEV_ASSIGN_OR_RETURN(std::vector<v1::Customer> customers,
                        store_->Search(context.tenant_id, folded, digits, limit));
  v1::SearchCustomersResponse response;
  for (v1::Customer& customer : customers) *response.add_customers() = std::move(customer);
  return response;
}

absl::StatusOr<v1::ListCandidatesResponse> CustomerDirectory::ListCandidates(
    const RequestContext& context, const std::string& event_id) {
  if (!IsUuid(event_id)) return InvalidArgumentWithViolations({{"event_id", "must be a UUID"}});
  AIEV_ASSIGN_OR_RETURN(std::optional<StoredLookup> lookup,
                        store_->GetEventLookup(context.tenant_id, event_id));
  if (!lookup.has_value()) {
    return absl::NotFoundError(absl::StrCat("AI event ", event_id, " not found"));
  }
  const v1::NormalizedLookup& n = lookup->normalized;
  CandidateKeys keys;
  if (n.has_email()) {
    keys.email = n.email();
    keys.email_canonical = CanonicalEmail(n.email());
  }
  if (n.has_phone_e164()) {
    keys.phone_e164 = n.phone_e164();
    keys.phone_national = phones_->NationalNumber(n.phone_e164());
  }
  if (n.has_name()) keys.name = n.name();
  std::vector<std::string> parts;
  for (auto [has, value] : {std::pair{lookup->raw.has_first_name(), &lookup->raw.first_name()},
                            std::pair{lookup->raw.has_last_name(), &lookup->raw.last_name()}}) {
    if (has && !TrimAscii(*value).empty()) parts.push_back(*value);
  }
  keys.name_for_similarity = FoldForSearch(absl::StrJoin(parts, " "));
  AIEV_ASSIGN_OR_RETURN(std::vector<CandidateRow> rows,
                        store_->FindCandidates(context.tenant_id, keys));

  std::vector<v1::Candidate> ranked;
  for (CandidateRow& row : rows) {
    const v1::Customer& c = row.record.customer;
    std::vector<std::pair<double, std::string>> signals;
    if (keys.email && c.has_email_normalized() && c.email_normalized() == *keys.email) {
      signals.push_back({kExactEmail, "email matches exactly"});
    } else if (keys.email_canonical && row.record.email_canonical == keys.email_canonical) {
      signals.push_back({kNearEmail, "email matches except for dots or a +tag"});
    }
    if (keys.phone_e164 && c.has_phone_e164() && c.phone_e164() == *keys.phone_e164) {
      signals.push_back({kExactPhone, "phone number matches exactly"});
    } else if (keys.phone_national && row.record.phone_national == keys.phone_national) {
      signals.push_back({kNearPhone, "same national phone number, different country code"});
    }
    if (keys.name && c.has_name_normalized() && c.name_normalized() == *keys.name) {
      signals.push_back({kExactName, "first and last name match"});
    } else if (row.name_similarity > 0) {
      signals.push_back(
          {kSimilarNameMax * row.name_similarity,
           absl::StrCat("similar name (", std::lround(row.name_similarity * 100), "% alike)")});
    }
    if (signals.empty()) continue;
    std::sort(signals.begin(), signals.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    double score = std::min(1.0, signals.front().first + kExtraSignal * (signals.size() - 1));
    v1::Candidate candidate;
    *candidate.mutable_customer() = c;
    candidate.set_score(std::round(score * 1000) / 1000);
    std::vector<std::string> reasons;
    for (const auto& signal : signals) reasons.push_back(signal.second);
    candidate.set_reason(absl::StrJoin(reasons, "; "));
    ranked.push_back(std::move(candidate));
  }
  // Best score first; among equals the oldest customer, as matching itself would choose.
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.score() > b.score(); });
  v1::ListCandidatesResponse response;
  for (size_t i = 0; i < ranked.size() && i < kMaxCandidates; ++i) {
    *response.add_candidates() = std::move(ranked[i]);
  }
  return response;
}

}  // namespace aievents::matching
