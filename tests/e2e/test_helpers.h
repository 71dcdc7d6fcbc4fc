// Shared helpers for end-to-end tests: a valid request body to start from, fixture loading,
// and finding a violation in a 400 body.
#ifndef AIEVENTS_TESTS_E2E_TEST_HELPERS_H_
#define AIEVENTS_TESTS_E2E_TEST_HELPERS_H_

#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/support/fixtures.h"
#include "tests/support/suite.h"

namespace aievents::testing {

// A plaintext channel to a server of the suite on this machine.
inline std::shared_ptr<grpc::Channel> LocalChannel(int port) {
  return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                             grpc::InsecureChannelCredentials());
}

// A valid CreateEvent body; tests change one thing at a time.
inline nlohmann::json ValidEvent(const nlohmann::json& lookup = {{"email", "nobody@example.com"}}) {
  return {{"customer_lookup", lookup},
          {"ai_event",
           {{"event_type", "phone_call"},
            {"source", "retell"},
            {"summary", "Customer asked about order #789."},
            {"raw_payload", "{\"duration\": 245}"},
            {"occurred_at", "2026-03-10T14:30:00Z"}}}};
}

// The description of the violation on `field`, or "" when the body names no such field.
inline std::string ViolationFor(const HttpResult& result, const std::string& field) {
  nlohmann::json body = result.Json();
  if (!body.contains("error")) return "";
  for (const auto& violation : body["error"]["field_violations"]) {
    if (violation["field"] == field) return violation["description"].get<std::string>();
  }
  return "";
}

// Creates a customer through the API and returns its id.
inline std::string CreateCustomer(Suite& suite, const std::string& key,
                                  const nlohmann::json& body) {
  HttpResult result = suite.Post(key, "/v1/customers", body);
  EXPECT_EQ(result.status, 201) << result.body;
  return result.Json().value("id", "");
}

// Stores an event for `lookup` with the given occurred_at (and optional type and source) and
// returns it; `tag` makes its content unique.
inline nlohmann::json CreateEvent(Suite& suite, const std::string& key,
                                  const nlohmann::json& lookup, const std::string& occurred_at,
                                  const std::string& tag,
                                  const std::string& event_type = "phone_call",
                                  const std::string& source = "retell") {
  nlohmann::json body = ValidEvent(lookup);
  body["ai_event"]["occurred_at"] = occurred_at;
  body["ai_event"]["source_eid"] = tag;
  body["ai_event"]["event_type"] = event_type;
  body["ai_event"]["source"] = source;
  HttpResult result = suite.Post(key, "/v1/ai-events", body);
  EXPECT_EQ(result.status, 201) << result.body;
  return result.Json();
}

// Every page of a list, following next_page_token; `target` already has its query string
// (or none). Returns the event ids in order.
inline std::vector<std::string> AllPages(Suite& suite, const std::string& key,
                                         const std::string& target, int page_size) {
  std::vector<std::string> ids;
  std::string token;
  std::string separator = target.find('?') == std::string::npos ? "?" : "&";
  for (int page = 0; page < 1000; ++page) {
    std::string url = target + separator + "page_size=" + std::to_string(page_size);
    if (!token.empty()) url += "&page_token=" + token;
    HttpResult result = suite.Get(key, url);
    EXPECT_EQ(result.status, 200) << result.body;
    nlohmann::json body = result.Json();
    for (const auto& event : body["ai_events"]) ids.push_back(event["id"]);
    token = body.value("next_page_token", "");
    if (token.empty()) break;
  }
  return ids;
}

// Rows in ai_events for a tenant, read straight from the database.
inline long CountEvents(const Suite& suite, const std::string& tenant_id) {
  pqxx::connection conn(suite.database_url());
  pqxx::work txn(conn);
  return txn.exec_params1("SELECT count(*) FROM ai_events WHERE tenant_id = $1", tenant_id)[0]
      .as<long>();
}

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_E2E_TEST_HELPERS_H_
