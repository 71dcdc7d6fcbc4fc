// CustomerDirectory's rules with an in-memory store and events' owner (tests/unit/fakes/):
// validation and normalization on create and update, the partial-update semantics, match
// precedence and tenant scope as the directory passes them to the store, per-lookup failures in
// batches, and re-matching after a change (asked of ingest as the caller, never failing the
// change itself).
#include "services/matching/customer_directory.h"

#include <gtest/gtest.h>

#include "common/rpc/grpc_status.h"
#include "common/runtime/metrics.h"
#include "tests/unit/fakes/fake_customer_store.h"

namespace aievents::testing {
namespace {

class CustomerDirectoryTest : public ::testing::Test {
 protected:
  CustomerDirectoryTest()
      : phones_(*matching::PhoneNormalizer::Create("US")),
        directory_(&store_, phones_.get(), &events_) {
    caller_.tenant_id = "tenant-a";
    caller_.key_prefix = "aiev_TestKey1";
  }

  v1::Customer Create(const std::string& email, const std::string& phone = "") {
    v1::CreateCustomerRequest request;
    if (!email.empty()) request.set_email(email);
    if (!phone.empty()) request.set_phone(phone);
    absl::StatusOr<v1::Customer> customer = directory_.Create(caller_, request);
    EXPECT_TRUE(customer.ok()) << customer.status();
    return customer.ok() ? *customer : v1::Customer();
  }

  std::vector<std::string> ViolatedFields(const absl::Status& status) {
    std::vector<std::string> fields;
    for (const FieldViolation& violation : GetFieldViolations(status)) {
      fields.push_back(violation.field);
    }
    return fields;
  }

  FakeCustomerStore store_;
  FakeEventOwner events_;
  std::unique_ptr<matching::PhoneNormalizer> phones_;
  matching::CustomerDirectory directory_;
  RequestContext caller_;
};

TEST_F(CustomerDirectoryTest, CreateStoresNormalizedIdentifiers) {
  v1::Customer customer = Create("  Ann.Lee@Example.COM ", "(555) 867-5309");
  EXPECT_EQ(customer.email(), "Ann.Lee@Example.COM");
  EXPECT_EQ(customer.email_normalized(), "ann.lee@example.com");
  EXPECT_EQ(customer.phone_e164(), "+15558675309");
  ASSERT_EQ(store_.customers("tenant-a").size(), 1u);
  EXPECT_TRUE(store_.customers("tenant-b").empty());
}

TEST_F(CustomerDirectoryTest, CreateNamesEveryBadIdentifierAndStoresNothing) {
  v1::CreateCustomerRequest nothing;
  absl::StatusOr<v1::Customer> refused = directory_.Create(caller_, nothing);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(refused.status()), std::vector<std::string>{"email"});

  v1::CreateCustomerRequest bad;
  bad.set_email("not-an-email");
  bad.set_phone("12");
  refused = directory_.Create(caller_, bad);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ViolatedFields(refused.status()), (std::vector<std::string>{"email", "phone"}));
  EXPECT_TRUE(store_.customers("tenant-a").empty());
  EXPECT_TRUE(events_.calls.empty()) << "nothing stored, nothing re-matched";
}

TEST_F(CustomerDirectoryTest, UpdateReplacesPresentFieldsClearsBlankOnesKeepsAbsentOnes) {
  v1::Customer customer = Create("ann@example.com", "+1 555 867 5309");
  v1::UpdateCustomerRequest change;
  change.set_id(customer.id());
  change.set_phone("");          // cleared
  change.set_first_name("Ann");  // added; email absent: kept
  absl::StatusOr<v1::Customer> updated = directory_.Update(caller_, change);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->email_normalized(), "ann@example.com");
  EXPECT_FALSE(updated->has_phone());
  EXPECT_FALSE(updated->has_phone_e164());
  EXPECT_EQ(updated->first_name(), "Ann");

  v1::UpdateCustomerRequest clear_all;
  clear_all.set_id(customer.id());
  clear_all.set_email("");
  clear_all.set_first_name("");
  ASSERT_EQ(directory_.Update(caller_, clear_all).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.customers("tenant-a")[0].customer.email_normalized(), "ann@example.com")
      << "a refused change writes nothing";

  v1::UpdateCustomerRequest unknown;
  unknown.set_id("01a1fd11-d7e9-7006-9e48-5e3072079a3d");
  unknown.set_email("x@example.com");
  EXPECT_EQ(directory_.Update(caller_, unknown).status().code(), absl::StatusCode::kNotFound);
  unknown.set_id("nope");
  EXPECT_EQ(directory_.Update(caller_, unknown).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(CustomerDirectoryTest, MatchNormalizesTheLookupAndStaysInTheCallersTenant) {
  v1::Customer by_email = Create("ann@example.com");
  v1::Customer by_phone = Create("", "+1 555 867 5309");
  v1::CustomerLookup lookup;
  lookup.set_email(" ANN@example.com");
  lookup.set_phone("555.867.5309");
  absl::StatusOr<v1::MatchCustomerResponse> match = directory_.Match(caller_, lookup);
  ASSERT_TRUE(match.ok()) << match.status();
  EXPECT_EQ(match->customer_id(), by_email.id()) << "email before phone";
  EXPECT_EQ(match->match_method(), v1::MATCH_METHOD_EMAIL);
  EXPECT_EQ(match->normalized_lookup().phone_e164(), "+15558675309");

  RequestContext other = caller_;
  other.tenant_id = "tenant-b";
  match = directory_.Match(other, lookup);
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->match_method(), v1::MATCH_METHOD_NONE);
  EXPECT_FALSE(match->has_customer_id());
}

TEST_F(CustomerDirectoryTest, ABadLookupFailsOnlyItselfInABatch) {
  v1::Customer customer = Create("ann@example.com");
  v1::CustomerLookup good, bad;
  good.set_email("ann@example.com");
  bad.set_phone("call me maybe");
  absl::StatusOr<std::vector<absl::StatusOr<v1::MatchCustomerResponse>>> results =
      directory_.MatchBatch(caller_, {&good, &bad, &good});
  ASSERT_TRUE(results.ok());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0]->customer_id(), customer.id());
  ASSERT_FALSE((*results)[1].ok());
  EXPECT_EQ(ViolatedFields((*results)[1].status()),
            std::vector<std::string>{"customer_lookup.phone"});
  EXPECT_EQ((*results)[2]->customer_id(), customer.id());

  store_.FailWith(absl::UnavailableError("database away"));
  EXPECT_EQ(directory_.MatchBatch(caller_, {&good}).status().code(), absl::StatusCode::kUnavailable)
      << "a store failure fails the whole batch";
}

TEST_F(CustomerDirectoryTest, ANewCustomerAsksTheEventsOwnerToLinkWhatItNowMatches) {
  v1::NormalizedLookup waiting;
  waiting.set_email("ann@example.com");
  store_.AddUnmatchedEvent("tenant-a", "event-1", waiting);
  store_.AddUnmatchedEvent("tenant-b", "event-2", waiting);  // another tenant's
  v1::NormalizedLookup unrelated;
  unrelated.set_email("bob@example.com");
  store_.AddUnmatchedEvent("tenant-a", "event-3", unrelated);

  v1::Customer customer = Create("Ann@Example.com");
  ASSERT_EQ(events_.calls.size(), 1u);
  ASSERT_EQ(events_.calls[0].size(), 1u);
  EXPECT_EQ(events_.calls[0][0].event_id(), "event-1");
  EXPECT_EQ(events_.calls[0][0].customer_id(), customer.id());
  EXPECT_EQ(events_.calls[0][0].matched_value(), "ann@example.com");
  EXPECT_EQ(events_.callers[0].key_prefix, "aiev_TestKey1") << "asked as the caller";

  // Nothing to link: ingest is not called at all.
  Create("carol@example.com");
  EXPECT_EQ(events_.calls.size(), 1u);
}

TEST_F(CustomerDirectoryTest, ARematchFailureNeverFailsTheChange) {
  v1::NormalizedLookup waiting;
  waiting.set_email("ann@example.com");
  store_.AddUnmatchedEvent("tenant-a", "event-1", waiting);
  events_.failure = absl::UnavailableError("ingest away");
  double failures = Metrics::Global().CounterValue("aievents_rematch_failed_total");
  v1::Customer customer = Create("ann@example.com");
  EXPECT_FALSE(customer.id().empty());
  EXPECT_EQ(store_.customers("tenant-a").size(), 1u);
  EXPECT_EQ(Metrics::Global().CounterValue("aievents_rematch_failed_total"), failures + 1);
}

}  // namespace
}  // namespace aievents::testing
