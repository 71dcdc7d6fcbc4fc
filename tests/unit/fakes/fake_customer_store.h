// In-memory CustomerStore for unit tests of CustomerDirectory: customers per tenant in
// insertion order (the oldest first, as the real ordering by created_at), the match rules in
// their simplest form, and unmatched events a test places to be re-matched. It stands in for
// PostgreSQL only where the logic above it is under test; the end-to-end tests run the real one.
#ifndef AIEVENTS_TESTS_UNIT_FAKES_FAKE_CUSTOMER_STORE_H_
#define AIEVENTS_TESTS_UNIT_FAKES_FAKE_CUSTOMER_STORE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/matching/customer_store.h"
#include "services/matching/event_owner_client.h"

namespace aievents::testing {

class FakeCustomerStore : public matching::CustomerStore {
 public:
  using CustomerRecord = matching::CustomerRecord;
  using CustomerMatch = matching::CustomerMatch;

  // An unmatched event of `tenant` with the normalized lookup it was stored with.
  void AddUnmatchedEvent(const std::string& tenant, const std::string& event_id,
                         const v1::NormalizedLookup& lookup) {
    unmatched_[tenant].push_back({event_id, lookup});
  }
  const std::vector<CustomerRecord>& customers(const std::string& tenant) {
    return customers_[tenant];
  }
  // Makes every call fail with `status` (OK again with absl::OkStatus()).
  void FailWith(absl::Status status) { failure_ = std::move(status); }

  absl::StatusOr<v1::Customer> Insert(const RequestContext& actor,
                                      const CustomerRecord& record) override {
    if (!failure_.ok()) return failure_;
    customers_[actor.tenant_id].push_back(record);
    return record.customer;
  }

  absl::StatusOr<v1::Customer> Update(
      const RequestContext& actor, const std::string& id,
      const std::function<absl::StatusOr<CustomerRecord>(const v1::Customer&)>& change) override {
    if (!failure_.ok()) return failure_;
    for (CustomerRecord& stored : customers_[actor.tenant_id]) {
      if (stored.customer.id() != id) continue;
      absl::StatusOr<CustomerRecord> next = change(stored.customer);
      if (!next.ok()) return next.status();
      stored = *next;
      return stored.customer;
    }
    return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
  }

  absl::StatusOr<std::optional<v1::Customer>> Get(const std::string& tenant_id,
                                                  const std::string& id) override {
    if (!failure_.ok()) return failure_;
    for (const CustomerRecord& stored : customers_[tenant_id]) {
      if (stored.customer.id() == id) return stored.customer;
    }
    return std::nullopt;
  }

  absl::StatusOr<std::optional<CustomerMatch>> FindMatch(
      const std::string& tenant_id, const v1::NormalizedLookup& lookup) override {
    if (!failure_.ok()) return failure_;
    const std::vector<CustomerRecord>& all = customers_[tenant_id];
    auto first = [&](auto same) -> const v1::Customer* {
      for (const CustomerRecord& stored : all) {
        if (same(stored.customer)) return &stored.customer;
      }
      return nullptr;
    };
    if (lookup.has_customer_id()) {
      if (auto* c = first([&](const v1::Customer& c) { return c.id() == lookup.customer_id(); }))
        return CustomerMatch{c->id(), v1::MATCH_METHOD_CUSTOMER_ID, c->id()};
    }
    if (lookup.has_email()) {
      if (auto* c = first([&](const v1::Customer& c) {
            return c.has_email_normalized() && c.email_normalized() == lookup.email();
          }))
        return CustomerMatch{c->id(), v1::MATCH_METHOD_EMAIL, lookup.email()};
    }
    if (lookup.has_phone_e164()) {
      if (auto* c = first([&](const v1::Customer& c) {
            return c.has_phone_e164() && c.phone_e164() == lookup.phone_e164();
          }))
        return CustomerMatch{c->id(), v1::MATCH_METHOD_PHONE, lookup.phone_e164()};
    }
    if (lookup.has_name()) {
      if (auto* c = first([&](const v1::Customer& c) {
            return c.has_name_normalized() && c.name_normalized() == lookup.name();
          }))
        return CustomerMatch{c->id(), v1::MATCH_METHOD_NAME, lookup.name()};
    }
    return std::nullopt;
  }

  absl::StatusOr<std::vector<std::optional<CustomerMatch>>> FindMatches(
      const std::string& tenant_id, const std::vector<v1::NormalizedLookup>& lookups,
      const std::vector<std::string>& identifier_hashes,
      absl::flat_hash_set<std::string>* suppressed) override {
    for (const std::string& hash : identifier_hashes) {
      if (suppressed_hashes.contains(hash)) suppressed->insert(hash);
    }
    std::vector<std::optional<CustomerMatch>> matches;
    for (const v1::NormalizedLookup& lookup : lookups) {
      absl::StatusOr<std::optional<CustomerMatch>> match = FindMatch(tenant_id, lookup);
      if (!match.ok()) return match.status();
      matches.push_back(*match);
    }
    return matches;
  }

  absl::flat_hash_set<std::string> suppressed_hashes;

  absl::StatusOr<std::vector<v1::EventLink>> FindRematchLinks(
      const std::string& tenant_id, const v1::Customer& customer) override {
    if (!failure_.ok()) return failure_;
    std::vector<v1::EventLink> links;
    for (const auto& [event_id, lookup] : unmatched_[tenant_id]) {
      bool shares = (lookup.has_email() && lookup.email() == customer.email_normalized()) ||
                    (lookup.has_phone_e164() && lookup.phone_e164() == customer.phone_e164()) ||
                    (lookup.has_name() && lookup.name() == customer.name_normalized());
      if (!shares) continue;
      absl::StatusOr<std::optional<CustomerMatch>> match = FindMatch(tenant_id, lookup);
      if (!match.ok() || !match->has_value()) continue;
      v1::EventLink& link = links.emplace_back();
      link.set_event_id(event_id);
      link.set_customer_id((*match)->customer_id);
      link.set_matched_value((*match)->matched_value);
    }
    return links;
  }

  absl::StatusOr<std::optional<matching::StoredLookup>> GetEventLookup(
      const std::string& tenant_id, const std::string& event_id) override {
    return std::nullopt;
  }

  absl::StatusOr<std::vector<matching::CandidateRow>> FindCandidates(
      const std::string& tenant_id, const matching::CandidateKeys& keys) override {
    return std::vector<matching::CandidateRow>{};
  }

  absl::StatusOr<std::vector<v1::Customer>> Search(const std::string& tenant_id,
                                                   const std::string& folded_text,
                                                   const std::string& digits, int limit) override {
    return std::vector<v1::Customer>{};
  }

 private:
  std::map<std::string, std::vector<CustomerRecord>> customers_;
  std::map<std::string, std::vector<std::pair<std::string, v1::NormalizedLookup>>> unmatched_;
  absl::Status failure_;
};

// Records what matching asks the events' owner; answers with `linked` or fails with `failure`.
class FakeEventOwner : public matching::EventOwnerClient {
 public:
  absl::StatusOr<int> LinkUnmatched(const RequestContext& context,
                                    const std::vector<v1::EventLink>& links) override {
    calls.push_back(links);
    callers.push_back(context);
    if (!failure.ok()) return failure;
    return static_cast<int>(links.size());
  }
  absl::StatusOr<v1::EraseCustomerEventsResponse> EraseEvents(
      const RequestContext&, const v1::EraseCustomerEventsRequest&) override {
    return absl::UnimplementedError("erasure is tested against the real services");
  }

  std::vector<std::vector<v1::EventLink>> calls;
  std::vector<RequestContext> callers;
  absl::Status failure;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_UNIT_FAKES_FAKE_CUSTOMER_STORE_H_
