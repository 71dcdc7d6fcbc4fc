// Shared helpers for end-to-end tests: a valid request body to start from, fixture loading,
// and finding a violation in a 400 body.
#ifndef AIEVENTS_TESTS_E2E_TEST_HELPERS_H_
#define AIEVENTS_TESTS_E2E_TEST_HELPERS_H_

#include <fstream>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <sstream>
#include <string>

#include "tests/support/suite.h"

namespace aievents::testing {

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(AIEVENTS_FIXTURES_DIR) + "/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
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

// Rows in ai_events for a tenant, read straight from the database.
inline long CountEvents(const Suite& suite, const std::string& tenant_id) {
  pqxx::connection conn(suite.database_url());
  pqxx::work txn(conn);
  return txn.exec_params1("SELECT count(*) FROM ai_events WHERE tenant_id = $1", tenant_id)[0]
      .as<long>();
}

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_E2E_TEST_HELPERS_H_
