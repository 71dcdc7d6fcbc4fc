// In-memory MatchingClient for unit tests of ingest's logic: customers by email or phone (as
// given, no normalization), phones it refuses the way libphonenumber would (INVALID_ARGUMENT
// naming customer_lookup.phone), and an outage switch. It counts the calls it answered.
#ifndef AIEVENTS_TESTS_UNIT_FAKES_FAKE_MATCHING_CLIENT_H_
#define AIEVENTS_TESTS_UNIT_FAKES_FAKE_MATCHING_CLIENT_H_

#include <atomic>
#include <map>
#include <set>
#include <string>

#include "common/rpc/grpc_status.h"
#include "services/ingest/matching_client.h"

namespace aievents::testing {

class FakeMatchingClient : public ingest::MatchingClient {
 public:
  void AddCustomerByPhone(const std::string& phone, const std::string& customer_id) {
    by_phone_[phone] = customer_id;
  }
  void AddCustomerByEmail(const std::string& email, const std::string& customer_id) {
    by_email_[email] = customer_id;
  }
  void RefusePhone(const std::string& phone) { refused_phones_.insert(phone); }
  void SetDown(bool down) { down_ = down; }
  int calls() const { return calls_; }

  absl::StatusOr<v1::MatchCustomerResponse> Match(const RequestContext&,
                                                  const v1::CustomerLookup& lookup) override {
    if (down_) return absl::UnavailableError("matching is down");
    ++calls_;
    if (lookup.has_phone() && refused_phones_.count(lookup.phone()) > 0) {
      return InvalidArgumentWithViolations(
          {{"customer_lookup.phone", "must be a phone number libphonenumber can parse"}});
    }
    v1::MatchCustomerResponse response;
    response.set_match_method(v1::MATCH_METHOD_NONE);
    if (auto found = by_email_.find(lookup.email());
        lookup.has_email() && found != by_email_.end()) {
      response.set_customer_id(found->second);
      response.set_match_method(v1::MATCH_METHOD_EMAIL);
      response.set_matched_value(lookup.email());
    } else if (auto by_phone = by_phone_.find(lookup.phone());
               lookup.has_phone() && by_phone != by_phone_.end()) {
      response.set_customer_id(by_phone->second);
      response.set_match_method(v1::MATCH_METHOD_PHONE);
      response.set_matched_value(lookup.phone());
    }
    return response;
  }

  void MatchBatch(const RequestContext& context, std::vector<v1::CustomerLookup> lookups,
                  BatchCallback done) override {
    std::vector<LookupOutcome> outcomes;
    for (const v1::CustomerLookup& lookup : lookups) outcomes.push_back(Match(context, lookup));
    done(std::move(outcomes));
  }

 private:
  std::map<std::string, std::string> by_phone_, by_email_;
  std::set<std::string> refused_phones_;
  std::atomic<bool> down_ = false;
  std::atomic<int> calls_ = 0;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_UNIT_FAKES_FAKE_MATCHING_CLIENT_H_
