// Matching through the public API: precedence email > phone > name, fall-through when a rule
// finds nobody, normalization of emails, phones and Unicode names, and the oldest customer
// winning ties.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

class MatchingTest : public ::testing::Test {
 protected:
  void SetUp() override { tenant_ = SharedSuite().NewTenant(); }

  std::string CreateCustomer(const nlohmann::json& body) {
    HttpResult result = SharedSuite().Post(tenant_.api_key, "/v1/customers", body);
    EXPECT_EQ(result.status, 201) << result.body;
    return result.Json()["id"];
  }

  nlohmann::json Ingest(const nlohmann::json& lookup) {
    nlohmann::json body = ValidEvent(lookup);
    body["ai_event"]["source_eid"] = "event-" + std::to_string(++events_);  // distinct content
    HttpResult result = SharedSuite().Post(tenant_.api_key, "/v1/ai-events", body);
    EXPECT_EQ(result.status, 201) << result.body;
    return result.Json();
  }

  Suite::Tenant tenant_;
  int events_ = 0;
};

TEST_F(MatchingTest, EmailWinsOverPhoneAndName) {
  std::string by_email = CreateCustomer({{"email", "jane@example.com"}});
  std::string by_phone = CreateCustomer({{"phone", "+1 555 010 0001"}});
  std::string by_name = CreateCustomer({{"first_name", "Jane"}, {"last_name", "Doe"}});
  nlohmann::json all = {{"email", "jane@example.com"},
                        {"phone", "+15550100001"},
                        {"first_name", "Jane"},
                        {"last_name", "Doe"}};
  nlohmann::json event = Ingest(all);
  EXPECT_EQ(event["customer_id"], by_email);
  EXPECT_EQ(event["match_method"], "email");
  all.erase("email");
  event = Ingest(all);
  EXPECT_EQ(event["customer_id"], by_phone);
  EXPECT_EQ(event["match_method"], "phone");
  all.erase("phone");
  event = Ingest(all);
  EXPECT_EQ(event["customer_id"], by_name);
  EXPECT_EQ(event["match_method"], "name");
}

TEST_F(MatchingTest, FallsThroughWhenARuleFindsNobody) {
  std::string by_phone = CreateCustomer({{"phone", "+1 555 010 0002"}});
  std::string by_name = CreateCustomer({{"first_name", "Kim"}, {"last_name", "Park"}});
  nlohmann::json event = Ingest({{"email", "unknown@example.com"}, {"phone", "5550100002"}});
  EXPECT_EQ(event["customer_id"], by_phone);
  EXPECT_EQ(event["match_method"], "phone");
  event = Ingest({{"email", "unknown@example.com"},
                  {"phone", "+1 555 999 9999"},
                  {"first_name", "Kim"},
                  {"last_name", "Park"}});
  EXPECT_EQ(event["customer_id"], by_name);
  EXPECT_EQ(event["match_method"], "name");
  event = Ingest({{"email", "unknown@example.com"}, {"first_name", "Kim"}});
  EXPECT_TRUE(event["customer_id"].is_null()) << "first_name alone must not match by name";
  EXPECT_EQ(event["match_method"], "none");
}

TEST_F(MatchingTest, EmailsAreTrimmedAndCaseInsensitive) {
  std::string id = CreateCustomer({{"email", "Jane.Doe@Example.COM"}});
  nlohmann::json event = Ingest({{"email", "  jane.doe@example.com "}});
  EXPECT_EQ(event["customer_id"], id);
  EXPECT_EQ(event["matched_value"], "jane.doe@example.com");
}

TEST_F(MatchingTest, PhoneFormatsNormalizeToTheSameE164) {
  std::string id = CreateCustomer({{"phone", "+1 (555) 867-5309"}});
  for (const char* phone : {"+1 (555) 867-5309", "555-867-5309", "15558675309", "555.867.5309"}) {
    nlohmann::json event = Ingest({{"phone", phone}});
    EXPECT_EQ(event["customer_id"], id) << phone;
    EXPECT_EQ(event["matched_value"], "+15558675309") << phone;
  }
}

TEST_F(MatchingTest, InternationalNumbersWithoutPlusMatch) {
  std::string id = CreateCustomer({{"phone", "+49 151 12345678"}});
  nlohmann::json event = Ingest({{"phone", "4915112345678"}});
  EXPECT_EQ(event["customer_id"], id);
  EXPECT_EQ(event["matched_value"], "+4915112345678");
}

TEST_F(MatchingTest, NamesAreUnicodeCaseFolded) {
  std::string id = CreateCustomer({{"first_name", "José"}, {"last_name", "García"}});
  nlohmann::json event = Ingest({{"first_name", " JOSÉ "}, {"last_name", "GARCÍA"}});
  EXPECT_EQ(event["customer_id"], id);
  EXPECT_EQ(event["match_method"], "name");
  EXPECT_EQ(event["matched_value"], "josé garcía");
  // The same name written with a combining accent (e + U+0301) is the same name.
  event = Ingest({{"first_name", "Jose\xCC\x81"},
                  {"last_name",
                   "Garci\xCC\x81"
                   "a"}});
  EXPECT_EQ(event["customer_id"], id);
}

TEST_F(MatchingTest, OldestCustomerWinsWhenSeveralMatch) {
  std::string oldest = CreateCustomer({{"first_name", "Sam"},
                                       {"last_name", "Lee"},
                                       {"email", "sam@example.com"},
                                       {"phone", "+15550100003"}});
  CreateCustomer({{"first_name", "Sam"},
                  {"last_name", "Lee"},
                  {"email", "sam@example.com"},
                  {"phone", "+15550100003"}});
  EXPECT_EQ(Ingest({{"first_name", "Sam"}, {"last_name", "Lee"}})["customer_id"], oldest);
  EXPECT_EQ(Ingest({{"email", "sam@example.com"}})["customer_id"], oldest);
  EXPECT_EQ(Ingest({{"phone", "555 010 0003"}})["customer_id"], oldest);
}

TEST_F(MatchingTest, CustomersShowTheirNormalizedForms) {
  HttpResult created = SharedSuite().Post(tenant_.api_key, "/v1/customers",
                                          {{"email", " Ana@Example.com"},
                                           {"phone", "(555) 867-5309"},
                                           {"first_name", "ANA"},
                                           {"last_name", "Lee"}});
  ASSERT_EQ(created.status, 201) << created.body;
  nlohmann::json customer = created.Json();
  EXPECT_EQ(customer["email_normalized"], "ana@example.com");
  EXPECT_EQ(customer["phone_e164"], "+15558675309");
  EXPECT_EQ(customer["name_normalized"], "ana lee");
  HttpResult fetched =
      SharedSuite().Get(tenant_.api_key, "/v1/customers/" + customer["id"].get<std::string>());
  ASSERT_EQ(fetched.status, 200);
  EXPECT_EQ(fetched.Json(), customer);
}

TEST_F(MatchingTest, CustomerValidation) {
  HttpResult empty = SharedSuite().Post(tenant_.api_key, "/v1/customers", nlohmann::json::object());
  EXPECT_EQ(empty.status, 400);
  HttpResult bad =
      SharedSuite().Post(tenant_.api_key, "/v1/customers", {{"email", "nope"}, {"phone", "abc"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_FALSE(ViolationFor(bad, "email").empty());
  EXPECT_FALSE(ViolationFor(bad, "phone").empty());
  EXPECT_EQ(SharedSuite()
                .Get(tenant_.api_key, "/v1/customers/01a1fd11-d7e9-7006-9e48-5e3072079a3d")
                .status,
            404);
}

}  // namespace
}  // namespace aievents::testing
