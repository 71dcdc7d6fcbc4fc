// Generated input: thousands of mutated requests (byte flips, truncation, deep nesting,
// invalid UTF-8, huge numbers, wrong types, repeated keys, odd content types) to every
// endpoint that takes a body, each of which must be answered below 500 with the request id.
// The generator is seeded, and the seed is printed with every failure, so a failure can be
// replayed exactly. Bounded: a fixed number of requests per endpoint.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "gateway/gateway_server.h"
#include "gateway/route_table.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

constexpr int kRequestsPerEndpoint = 300;
constexpr uint32_t kSeed = 20261122;

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : random_(seed) {}

  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  // One mutation of `valid` (JSON text) and the content type to send it with.
  std::pair<std::string, std::string> Mutate(const std::string& valid) {
    std::string body = valid;
    std::string content_type = "application/json";
    switch (Below(11)) {
      case 0:  // flip bytes
        for (int i = 0, n = 1 + Below(4); i < n && !body.empty(); ++i) {
          body[Below(static_cast<int>(body.size()))] = static_cast<char>(Below(256));
        }
        break;
      case 1:  // truncate
        body.resize(Below(static_cast<int>(body.size()) + 1));
        break;
      case 2: {  // nest deeply, inside a value or around everything
        int depth = 60 + Below(2000);
        std::string deep = std::string(depth, '[') + "1" + std::string(depth, ']');
        body = Below(2) == 0 ? deep : ReplaceAValue(body, deep);
        break;
      }
      case 3:  // invalid UTF-8 inside a string
        body = ReplaceAValue(body, Below(2) == 0 ? "\"\xff\xfe\"" : "\"caf\xc3\x28\"");
        break;
      case 4: {  // numbers no field can hold
        const char* huge[] = {"1e999",  "-1e400",    "123456789012345678901234567890",
                              "1e-400", "\"1e999\"", "\"NaN\"",
                              "-0",     "0.1e309"};
        body = ReplaceAValue(body, huge[Below(8)]);
        break;
      }
      case 5: {  // wrong types
        const char* wrong[] = {"[]", "{}", "null", "true", "42", "\"text\"", "[1,{\"a\":[]}]"};
        body = ReplaceAValue(body, wrong[Below(7)]);
        break;
      }
      case 6: {  // a key given twice
        size_t brace = body.find('{');
        if (brace != std::string::npos) {
          nlohmann::json parsed = nlohmann::json::parse(valid, nullptr, false);
          if (parsed.is_object() && !parsed.empty()) {
            body.insert(brace + 1, "\"" + parsed.begin().key() + "\": 1, ");
          }
        }
        break;
      }
      case 7: {  // odd content types with the valid body
        const char* types[] = {"text/plain",
                               "application/x-www-form-urlencoded",
                               "multipart/form-data; boundary=x",
                               "application/xml",
                               "",
                               "application/json; charset=latin1",
                               "application/json+x",
                               "application/*"};
        content_type = types[Below(8)];
        break;
      }
      case 8:  // empty
        body.clear();
        break;
      case 9: {  // garbage
        body.clear();
        for (int i = 0, n = Below(512); i < n; ++i) body.push_back(static_cast<char>(Below(256)));
        break;
      }
      default: {  // form body with odd keys and values
        content_type = "application/x-www-form-urlencoded";
        const std::string forms[] = {"a__b__c__d=1",
                                     "ai_event__occurred_at=%ZZ",
                                     "=&=&&",
                                     "customer_lookup__email=%00",
                                     "scopes=events:read&scopes=x",
                                     "ai_event__confidence=1e999",
                                     "x=" + std::string(100, '%')};
        body = forms[Below(7)];
        break;
      }
    }
    return {body, content_type};
  }

 private:
  // `valid` with one of its values (picked at random) replaced by `replacement` (raw JSON).
  std::string ReplaceAValue(const std::string& valid, const std::string& replacement) {
    std::vector<size_t> colons;
    for (size_t i = 0; i < valid.size(); ++i) {
      if (valid[i] == ':') colons.push_back(i);
    }
    if (colons.empty()) return replacement;
    size_t colon = colons[Below(static_cast<int>(colons.size()))];
    size_t end = colon + 1;
    int depth = 0;
    bool in_string = false;
    for (; end < valid.size(); ++end) {
      char c = valid[end];
      if (in_string) {
        if (c == '\\')
          ++end;
        else if (c == '"')
          in_string = false;
        continue;
      }
      if (c == '"')
        in_string = true;
      else if (c == '{' || c == '[')
        ++depth;
      else if ((c == '}' || c == ']') && depth-- == 0)
        break;
      else if (c == ',' && depth == 0)
        break;
    }
    return valid.substr(0, colon + 1) + replacement + valid.substr(end);
  }

  std::mt19937 random_;
};

TEST(MutatedRequests, NoneIsAnsweredWith5xx) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  const std::string& key = tenant.api_key;
  std::string customer = CreateCustomer(suite, key, {{"email", "fuzz@example.com"}});
  std::string event =
      CreateEvent(suite, key, {{"email", "x@example.com"}}, "2026-03-10T14:30:00Z", "fuzz")["id"];
  HttpResult source = suite.Post(key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  std::string source_id = source.Json()["source"]["id"];
  std::string webhook_path = source.Json()["url_path"];
  std::string delivery =
      suite
          .Call("", "POST", webhook_path, ReadFixture("whippy/call_analyzed.json"),
                {{"content-type", "application/json"}})
          .Json()["delivery_id"];
  std::string other_key =
      suite.Post(key, "/v1/api-keys", {{"scopes", {"events:read"}}}).Json()["api_key"]["id"];
  std::string endpoint =
      suite
          .Post(key, "/v1/webhook-endpoints",
                {{"url", "http://127.0.0.1:9/fuzz"}, {"event_types", {"ai_event.created"}}})
          .Json()["id"];

  // A valid request per endpoint, the start of its mutations.
  std::map<std::string, std::pair<std::string, std::string>> valid = {
      {"CreateEvent", {"/v1/ai-events", ValidEvent().dump()}},
      {"AssociateEvent",
       {"/v1/ai-events/" + event + ":associate", nlohmann::json{{"customer_id", customer}}.dump()}},
      {"CreateCustomer", {"/v1/customers", R"({"email": "a@example.com", "first_name": "Ada"})"}},
      {"UpdateCustomer", {"/v1/customers/" + customer, R"({"first_name": "Ada", "phone": ""})"}},
      {"CreateWebhookSource", {"/v1/webhook-sources", R"({"vendor": "agntix", "label": "x"})"}},
      {"RotateWebhookSecret",
       {"/v1/webhook-sources/" + source_id + ":rotate-secret",
        R"({"signing_secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})"}},
      {"DisableWebhookSource", {"/v1/webhook-sources/" + source_id + ":disable", "{}"}},
      {"ReplayDelivery", {"/v1/webhook-deliveries/" + delivery + ":replay", "{}"}},
      {"ReceiveDelivery", {webhook_path, ReadFixture("whippy/call_analyzed.json")}},
      {"CreateApiKey", {"/v1/api-keys", R"({"label": "x", "scopes": ["events:read"]})"}},
      {"RevokeApiKey", {"/v1/api-keys/" + other_key + ":revoke", "{}"}},
      {"RotateApiKey", {"/v1/api-keys/" + other_key + ":rotate", R"({"overlap_seconds": 60})"}},
      {"CreateWebhookEndpoint",
       {"/v1/webhook-endpoints",
        R"({"url": "http://127.0.0.1:9/x", "event_types": ["ai_event.created"],)"
        R"( "description": "x"})"}},
      {"UpdateWebhookEndpoint",
       {"/v1/webhook-endpoints/" + endpoint,
        R"({"url": "http://127.0.0.1:9/y", "event_types": ["ai_event.associated"],)"
        R"( "status": "disabled"})"}},
      {"RotateWebhookEndpointSecret",
       {"/v1/webhook-endpoints/" + endpoint + ":rotate-secret", "{}"}},
      {"RecoverWebhookEndpoint",
       {"/v1/webhook-endpoints/" + endpoint + ":recover", R"({"since": "2020-01-01T00:00:00Z"})"}},
  };
  auto routes = gateway::RouteTable::Build(gateway::FrontedServices());
  ASSERT_TRUE(routes.ok());
  std::set<std::string> covered;
  Mutator mutator(kSeed);
  int sent = 0;
  for (const gateway::Route& route : routes->routes()) {
    const std::string& http_method = route.rule.method();
    if (http_method != "POST" && http_method != "PATCH" && http_method != "PUT") continue;
    auto seed = valid.find(route.method->name());
    ASSERT_NE(seed, valid.end()) << "no valid request to mutate for " << route.method->name();
    covered.insert(route.method->name());
    const auto& [path, body] = seed->second;
    for (int i = 0; i < kRequestsPerEndpoint; ++i) {
      auto [mutated, content_type] = mutator.Mutate(body);
      std::map<std::string, std::string> headers;
      if (!content_type.empty()) headers["content-type"] = content_type;
      std::string request_id = "mutated-" + std::to_string(sent);
      if (i % 2 == 0) headers["x-request-id"] = request_id;
      HttpResult result =
          suite.Call(route.rule.public_() ? "" : key, http_method, path, mutated, headers);
      ++sent;
      ASSERT_GT(result.status, 0) << "no answer";
      EXPECT_LT(result.status, 500)
          << route.method->name() << " request " << i << " (seed " << kSeed << ", " << content_type
          << "): "
          << nlohmann::json(mutated).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
          << " -> " << result.body;
      EXPECT_FALSE(result.Header("x-request-id").empty()) << route.method->name();
      if (i % 2 == 0) {
        EXPECT_EQ(result.Header("x-request-id"), request_id);
      }
      if (result.status >= 400) {
        EXPECT_TRUE(result.Json().contains("error")) << result.body;
      }
    }
  }
  EXPECT_EQ(covered.size(), valid.size());
  EXPECT_GE(sent, 3000);
}

// The same for every endpoint that reads: mutated query strings and path ids.
TEST(MutatedRequests, NoQueryStringOrIdIsAnsweredWith5xx) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  const std::string& key = tenant.api_key;
  std::string customer = CreateCustomer(suite, key, {{"email", "fuzz-get@example.com"}});
  std::string event = CreateEvent(suite, key, {{"email", "fuzz-get@example.com"}},
                                  "2026-03-10T14:30:00Z", "fuzz-get")["id"];
  std::map<std::string, std::string> ids = {
      {"id", event}, {"customer_id", customer}, {"event_id", event}};
  const char* parameters[] = {"page_size",        "page_token", "matched", "event_type", "q",
                              "include_inactive", "action",     "status",  "source_id",  "source"};
  const char* values[] = {
      "1e999", "-1", "%FF%FE", "%00",  "abc", "",    "9999999999999999999", "true", "%E2%82",
      "[]",    "%",  "a%2Fb",  "0x10", " 1",  "null"};
  auto routes = gateway::RouteTable::Build(gateway::FrontedServices());
  ASSERT_TRUE(routes.ok());
  Mutator mutator(kSeed + 1);
  int sent = 0;
  for (const gateway::Route& route : routes->routes()) {
    if (route.rule.method() != "GET" || route.method->server_streaming()) continue;
    for (int i = 0; i < 100; ++i) {
      std::string path;
      for (const std::string& segment : route.segments) {
        if (segment.empty()) continue;
        path += "/";
        if (segment.front() == '{') {
          std::string id = ids[segment.substr(1, segment.size() - 2)];
          // Sometimes the real id, sometimes a mangled one.
          path += mutator.Below(3) == 0 ? id : mutator.Mutate("\"" + id + "\"").first;
        } else {
          path += segment;
        }
      }
      if (!route.verb.empty()) path += ":" + route.verb;
      std::string query;
      for (int n = mutator.Below(4); n > 0; --n) {
        query += std::string(query.empty() ? "?" : "&") + parameters[mutator.Below(10)] + "=" +
                 values[mutator.Below(15)];
      }
      std::string target;
      for (char c : path + query) {  // bytes a request line cannot carry are sent escaped
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f ||
            c == '#') {
          static const char* hex = "0123456789ABCDEF";
          target += '%';
          target += hex[static_cast<unsigned char>(c) >> 4];
          target += hex[static_cast<unsigned char>(c) & 15];
        } else {
          target += c;
        }
      }
      HttpResult result = suite.Call(key, "GET", target);
      ++sent;
      EXPECT_GT(result.status, 0) << target;
      EXPECT_LT(result.status, 500)
          << route.method->name() << " " << target << " -> " << result.body;
      EXPECT_FALSE(result.Header("x-request-id").empty()) << target;
    }
  }
  EXPECT_GE(sent, 1000);
}

// The limits at the edge, each a 4xx with the standard body and the request id.
TEST(MutatedRequests, OversizedHeadersAndTargetsAreRefused) {
  Suite& suite = SharedSuite();
  std::map<std::string, std::string> many;
  for (int i = 0; i < 150; ++i) many["x-filler-" + std::to_string(i)] = "1";
  many["x-request-id"] = "too-many-headers";
  HttpResult headers = HttpRequest(suite.gateway_port(), "GET", "/v1/ai-events", "", many);
  EXPECT_EQ(headers.status, 431);
  EXPECT_EQ(headers.Header("x-request-id"), "too-many-headers");
  EXPECT_EQ(headers.Json()["error"]["code"], "REQUEST_HEADER_FIELDS_TOO_LARGE");

  HttpResult target =
      HttpRequest(suite.gateway_port(), "GET", "/v1/ai-events?q=" + std::string(9000, 'a'), "", {});
  EXPECT_EQ(target.status, 414);
  EXPECT_FALSE(target.Header("x-request-id").empty());

  HttpResult big = HttpRequest(suite.gateway_port(), "GET", "/v1/ai-events", "",
                               {{"x-big", std::string(20000, 'b')}});
  EXPECT_EQ(big.status, 431);

  std::string deep = std::string(65, '[') + std::string(65, ']');
  HttpResult nested = suite.Post(SharedSuite().NewTenant().api_key, "/v1/customers",
                                 nlohmann::json::parse("{\"email\": \"d@example.com\"}"));
  ASSERT_EQ(nested.status, 201);
  HttpResult too_deep = suite.Call(SharedSuite().NewTenant().api_key, "POST", "/v1/ai-events",
                                   "{\"ai_event\": {\"raw_payload\": " + deep + "}}");
  EXPECT_EQ(too_deep.status, 400) << too_deep.body;
  EXPECT_NE(too_deep.body.find("deeper than 64"), std::string::npos) << too_deep.body;
}

}  // namespace
}  // namespace aievents::testing
