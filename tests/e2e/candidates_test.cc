// The association dropdown: ranked candidates for an event and customer search.
#include <gtest/gtest.h>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(Candidates, ExactMatchesFirstThenNearMatches) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string exact_email =
      CreateCustomer(suite, tenant.api_key, {{"email", "maria.lopez@example.com"}});
  std::string dotted_email =
      CreateCustomer(suite, tenant.api_key, {{"email", "marialopez+crm@example.com"}});
  std::string other_country =
      CreateCustomer(suite, tenant.api_key, {{"phone", "+44 20 7946 0958"}});
  std::string similar_name =
      CreateCustomer(suite, tenant.api_key, {{"first_name", "Maria"}, {"last_name", "Lopes"}});
  std::string exact_name =
      CreateCustomer(suite, tenant.api_key, {{"first_name", "María"}, {"last_name", "López"}});
  CreateCustomer(suite, tenant.api_key, {{"first_name", "Zed"}, {"last_name", "Unrelated"}});

  nlohmann::json event = CreateEvent(suite, tenant.api_key,
                                     {{"email", "Maria.Lopez@Example.com"},
                                      {"phone", "2079460958"},
                                      {"first_name", "MARÍA"},
                                      {"last_name", "LÓPEZ"}},
                                     "2026-03-10T10:00:00Z", "cand");
  ASSERT_EQ(event["customer_id"], exact_email) << "email wins at ingestion";

  HttpResult result =
      suite.Get(tenant.api_key, "/v1/ai-events/" + event["id"].get<std::string>() + "/candidates");
  ASSERT_EQ(result.status, 200) << result.body;
  nlohmann::json candidates = result.Json()["candidates"];
  ASSERT_EQ(candidates.size(), 5u) << result.body;
  EXPECT_EQ(candidates[0]["customer"]["id"], exact_email);
  EXPECT_DOUBLE_EQ(candidates[0]["score"].get<double>(), 1.0);
  EXPECT_NE(candidates[0]["reason"].get<std::string>().find("email matches exactly"),
            std::string::npos);
  EXPECT_EQ(candidates[1]["customer"]["id"], exact_name);
  EXPECT_NE(candidates[1]["reason"].get<std::string>().find("first and last name match"),
            std::string::npos);
  EXPECT_EQ(candidates[2]["customer"]["id"], dotted_email);
  EXPECT_NE(candidates[2]["reason"].get<std::string>().find("dots or a +tag"), std::string::npos);
  EXPECT_EQ(candidates[3]["customer"]["id"], other_country);
  EXPECT_NE(candidates[3]["reason"].get<std::string>().find("national phone number"),
            std::string::npos);
  EXPECT_EQ(candidates[4]["customer"]["id"], similar_name);
  EXPECT_NE(candidates[4]["reason"].get<std::string>().find("similar name"), std::string::npos);
  for (size_t i = 1; i < candidates.size(); ++i) {
    EXPECT_LE(candidates[i]["score"].get<double>(), candidates[i - 1]["score"].get<double>());
  }
}

TEST(Candidates, AtMostTenAnd404ForUnknownEvents) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  for (int i = 0; i < 12; ++i) {
    CreateCustomer(suite, tenant.api_key,
                   {{"phone", "+15550103000"}, {"first_name", "Dup" + std::to_string(i)}});
  }
  std::string event_id = CreateEvent(suite, tenant.api_key, {{"phone", "5550103000"}},
                                     "2026-03-10T10:00:00Z", "ten")["id"];
  HttpResult result = suite.Get(tenant.api_key, "/v1/ai-events/" + event_id + "/candidates");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.Json()["candidates"].size(), 10u);
  EXPECT_EQ(
      suite.Get(tenant.api_key, "/v1/ai-events/01a1fd11-d7e9-7006-9e48-5e3072079a3d/candidates")
          .status,
      404);
}

TEST(CustomerSearch, FindsByNameEmailOrPhone) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string garcia = CreateCustomer(
      suite, tenant.api_key,
      {{"first_name", "José"}, {"last_name", "García"}, {"email", "jg@example.com"}});
  std::string smith = CreateCustomer(
      suite, tenant.api_key,
      {{"first_name", "Anna"}, {"last_name", "Smith"}, {"phone", "+1 555 010 4242"}});
  auto ids = [&](const std::string& q) {
    std::vector<std::string> out;
    HttpResult result = suite.Get(tenant.api_key, "/v1/customers?q=" + q);
    EXPECT_EQ(result.status, 200) << result.body;
    nlohmann::json body = result.Json();
    for (const auto& customer : body["customers"]) out.push_back(customer["id"]);
    return out;
  };
  EXPECT_EQ(ids("GARC%C3%8DA"), (std::vector<std::string>{garcia}));
  EXPECT_EQ(ids("garcia"), (std::vector<std::string>{garcia})) << "similar spelling";
  EXPECT_EQ(ids("jg%40example"), (std::vector<std::string>{garcia}));
  EXPECT_EQ(ids("0104242"), (std::vector<std::string>{smith}));
  EXPECT_EQ(ids("anna"), (std::vector<std::string>{smith}));
  EXPECT_TRUE(ids("zzzz").empty());
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers?q=a").status, 400);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/customers").status, 400);
}

}  // namespace
}  // namespace aievents::testing
