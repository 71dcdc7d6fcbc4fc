// The cross-tenant matrix: tenant B's credentials on tenant A's ids answer 404 on every HTTP
// endpoint and every RPC, never 403 and never data. The endpoints are taken from the gateway's
// own route table, so an endpoint added later without a row here fails the test; the RPCs
// without an HTTP route are called over gRPC.
#include <gtest/gtest.h>

#include <set>

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "aievents/v1/timeline_service.grpc.pb.h"
#include "gateway/gateway_server.h"
#include "gateway/route_table.h"
#include "grpcpp/grpcpp.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

// Everything tenant A has, by kind.
struct TenantData {
  Suite::Tenant tenant;
  std::string customer, customer_email, event, source, delivery, key, endpoint, suppression;
  std::string source_url;
};

TenantData Populate(Suite& suite, const std::string& tag) {
  TenantData data;
  data.tenant = suite.NewTenant(tag);
  const std::string& key = data.tenant.api_key;
  data.customer_email = tag + "@example.com";
  data.customer = CreateCustomer(suite, key, {{"email", data.customer_email}, {"first_name", tag}});
  data.event = CreateEvent(suite, key, {{"email", "nobody-" + tag + "@example.com"}},
                           "2026-03-10T14:30:00Z", tag)["id"];
  HttpResult source = suite.Post(key, "/v1/webhook-sources", {{"vendor", "whippy"}});
  data.source = source.Json()["source"]["id"];
  data.source_url = source.Json()["url_path"];
  HttpResult delivered =
      suite.Call("", "POST", data.source_url, ReadFixture("whippy/call_analyzed.json"),
                 {{"content-type", "application/json"}});
  data.delivery = delivered.Json()["delivery_id"];
  HttpResult created = suite.Post(key, "/v1/api-keys", {{"scopes", {"events:read"}}});
  data.key = created.Json()["api_key"]["id"];
  data.endpoint =
      suite
          .Post(key, "/v1/webhook-endpoints",
                {{"url", "http://127.0.0.1:9/" + tag}, {"event_types", {"ai_event.created"}}})
          .Json()["id"];
  // A customer erased with suppression leaves a suppression.
  std::string erased = CreateCustomer(suite, key, {{"email", "erased-" + tag + "@example.com"}});
  data.suppression = suite.Call(key, "DELETE", "/v1/customers/" + erased + "?suppress=true")
                         .Json()["suppressions"][0]["hash"];
  return data;
}

// A's ids that must never appear in an answer to B.
std::vector<std::string> Secrets(const TenantData& a) {
  return {a.customer, a.customer_email, a.event,      a.source, a.delivery,
          a.key,      a.endpoint,       a.suppression};
}

// The request B makes on an endpoint, with A's ids in the path.
struct Probe {
  std::string path;
  nlohmann::json body;
  bool expect_404;  // false: a list or create, whose answer must merely hold none of A's data
};

std::map<std::string, Probe> ProbesByMethod(const TenantData& a, const TenantData& b) {
  std::string event = "/v1/ai-events/" + a.event;
  std::string endpoint = "/v1/webhook-endpoints/" + a.endpoint;
  return {
      // AccessService
      {"CreateApiKey", {"/v1/api-keys", {{"scopes", {"events:read"}}}, false}},
      {"ListApiKeys", {"/v1/api-keys?include_inactive=true", nullptr, false}},
      {"GetCallerApiKey", {"/v1/api-keys:self", nullptr, false}},
      {"RevokeApiKey", {"/v1/api-keys/" + a.key + ":revoke", nlohmann::json::object(), true}},
      {"RotateApiKey", {"/v1/api-keys/" + a.key + ":rotate", nlohmann::json::object(), true}},
      {"ListAuditEvents", {"/v1/audit-events?page_size=500", nullptr, false}},
      // IngestService: A's event with B's own customer, and B's event with A's customer.
      {"CreateEvent", {"/v1/ai-events", ValidEvent({{"email", "b-only@example.com"}}), false}},
      {"AssociateEvent", {event + ":associate", {{"customer_id", b.customer}}, true}},
      // MatchingService
      {"CreateCustomer", {"/v1/customers", {{"email", "b-new@example.com"}}, false}},
      {"GetCustomer", {"/v1/customers/" + a.customer, nullptr, true}},
      {"UpdateCustomer", {"/v1/customers/" + a.customer, {{"first_name", "B was here"}}, true}},
      {"EraseCustomer", {"/v1/customers/" + a.customer, nullptr, true}},
      {"ListSuppressions", {"/v1/suppressions", nullptr, false}},
      {"GetSuppression", {"/v1/suppressions/" + a.suppression, nullptr, true}},
      {"DeleteSuppression", {"/v1/suppressions/" + a.suppression, nullptr, true}},
      {"SearchCustomers", {"/v1/customers?q=" + a.customer_email, nullptr, false}},
      {"ListCandidates", {event + "/candidates", nullptr, true}},
      // TimelineService
      {"GetEvent", {event, nullptr, true}},
      {"ListCustomerEvents", {"/v1/customers/" + a.customer + "/ai-events", nullptr, true}},
      {"ListEvents", {"/v1/ai-events?page_size=1000", nullptr, false}},
      {"CountEvents", {"/v1/ai-events:count", nullptr, false}},
      {"WatchCustomerEvents", {"/v1/customers/" + a.customer + "/ai-events:watch", nullptr, true}},
      {"ExportCustomer", {"/v1/customers/" + a.customer + ":export", nullptr, true}},
      // WebhookService
      {"CreateWebhookSource", {"/v1/webhook-sources", {{"vendor", "whippy"}}, false}},
      {"ListWebhookSources", {"/v1/webhook-sources", nullptr, false}},
      {"RotateWebhookSecret",
       {"/v1/webhook-sources/" + a.source + ":rotate-secret",
        {{"signing_secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}},
        true}},
      {"DisableWebhookSource",
       {"/v1/webhook-sources/" + a.source + ":disable", nlohmann::json::object(), true}},
      {"ListDeliveries", {"/v1/webhook-deliveries", nullptr, false}},
      {"GetDelivery", {"/v1/webhook-deliveries/" + a.delivery, nullptr, true}},
      {"ReplayDelivery",
       {"/v1/webhook-deliveries/" + a.delivery + ":replay", nlohmann::json::object(), true}},
      // WebhookEndpointService
      {"CreateWebhookEndpoint",
       {"/v1/webhook-endpoints",
        {{"url", "http://127.0.0.1:9/b"}, {"event_types", {"ai_event.created"}}},
        false}},
      {"ListWebhookEndpoints", {"/v1/webhook-endpoints", nullptr, false}},
      {"GetWebhookEndpoint", {endpoint, nullptr, true}},
      {"UpdateWebhookEndpoint", {endpoint, {{"description", "B was here"}}, true}},
      {"DeleteWebhookEndpoint", {endpoint, nullptr, true}},
      {"RotateWebhookEndpointSecret",
       {endpoint + ":rotate-secret", nlohmann::json::object(), true}},
      {"ListWebhookAttempts", {endpoint + "/attempts", nullptr, true}},
      {"RecoverWebhookEndpoint",
       {endpoint + ":recover", {{"since", "2020-01-01T00:00:00Z"}}, true}},
  };
}

TEST(CrossTenantMatrix, EveryEndpointAnswersBOnAsIdsWith404AndNoData) {
  Suite& suite = SharedSuite();
  TenantData a = Populate(suite, "matrix-a");
  TenantData b = Populate(suite, "matrix-b");
  std::map<std::string, Probe> probes = ProbesByMethod(a, b);
  auto routes = gateway::RouteTable::Build(gateway::FrontedServices());
  ASSERT_TRUE(routes.ok()) << routes.status();
  int checked = 0;
  for (const gateway::Route& route : routes->routes()) {
    const std::string& method = route.method->name();
    if (route.rule.public_()) continue;  // a webhook URL's token is its credential: below
    auto probe = probes.find(method);
    ASSERT_NE(probe, probes.end()) << "no cross-tenant probe for " << route.method->full_name();
    const Probe& p = probe->second;
    HttpResult result = suite.Call(b.tenant.api_key, route.rule.method(), p.path,
                                   p.body.is_null() ? "" : p.body.dump());
    if (p.expect_404) {
      EXPECT_EQ(result.status, 404) << method << " " << p.path << ": " << result.body;
    } else {
      EXPECT_LT(result.status, 300) << method << " " << p.path << ": " << result.body;
    }
    // Never A's data: none of A's values in the answer, except those B itself sent (an error
    // may quote the id it could not find; an event stores the lookup it was given).
    std::string sent = p.path + (p.body.is_null() ? "" : p.body.dump());
    for (const std::string& secret : Secrets(a)) {
      if (sent.find(secret) != std::string::npos) continue;
      EXPECT_EQ(result.body.find(secret), std::string::npos)
          << method << " showed B tenant A's " << secret;
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(probes.size()));

  // B's event naming A's customer, by id and by email, matches nobody.
  HttpResult named =
      suite.Post(b.tenant.api_key, "/v1/ai-events",
                 ValidEvent({{"customer_id", a.customer}, {"email", a.customer_email}}));
  EXPECT_LT(named.status, 500) << named.body;
  EXPECT_TRUE(named.Json()["customer_id"].is_null()) << named.body;

  // Nothing of A's changed: its customer, event, source and key are as they were.
  nlohmann::json customer = suite.Get(a.tenant.api_key, "/v1/customers/" + a.customer).Json();
  EXPECT_EQ(customer["first_name"], "matrix-a");
  nlohmann::json event = suite.Get(a.tenant.api_key, "/v1/ai-events/" + a.event).Json();
  EXPECT_TRUE(event["customer_id"].is_null());
  nlohmann::json sources = suite.Get(a.tenant.api_key, "/v1/webhook-sources").Json();
  EXPECT_TRUE(sources["webhook_sources"][0]["disabled_at"].is_null());
  nlohmann::json endpoint =
      suite.Get(a.tenant.api_key, "/v1/webhook-endpoints/" + a.endpoint).Json();
  EXPECT_EQ(endpoint["description"], "") << "A's endpoint is as it was";
  HttpResult keys = suite.Get(a.tenant.api_key, "/v1/api-keys");
  EXPECT_NE(keys.body.find(a.key), std::string::npos) << "A's key is still active";
}

TEST(CrossTenantMatrix, RpcsWithoutAnHttpRouteAreScopedToo) {
  Suite& suite = SharedSuite();
  TenantData a = Populate(suite, "matrix-rpc-a");
  TenantData b = Populate(suite, "matrix-rpc-b");
  auto channel = [](int port) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                               grpc::InsecureChannelCredentials());
  };
  auto as_b = [&](grpc::ClientContext& context) {
    context.AddMetadata("x-api-key", b.tenant.api_key);
  };
  auto matching = v1::MatchingService::NewStub(channel(suite.matching_port()));
  {
    grpc::ClientContext context;
    as_b(context);
    v1::MatchCustomerRequest request;
    request.mutable_customer_lookup()->set_email(a.customer_email);
    v1::MatchCustomerResponse response;
    ASSERT_TRUE(matching->MatchCustomer(&context, request, &response).ok());
    EXPECT_EQ(response.match_method(), v1::MATCH_METHOD_NONE);
    EXPECT_EQ(response.DebugString().find(a.customer), std::string::npos);
  }
  {
    grpc::ClientContext context;
    as_b(context);
    v1::MatchCustomersRequest request;
    request.add_customer_lookups()->set_customer_id(a.customer);
    v1::MatchCustomersResponse response;
    ASSERT_TRUE(matching->MatchCustomers(&context, request, &response).ok());
    ASSERT_EQ(response.results_size(), 1);
    EXPECT_NE(response.results(0).match().customer_id(), a.customer);
  }
  auto ingest = v1::IngestService::NewStub(channel(suite.ingest_port()));
  {
    grpc::ClientContext context;
    as_b(context);
    v1::LinkUnmatchedEventsRequest request;
    v1::EventLink* link = request.add_links();
    link->set_event_id(a.event);
    link->set_customer_id(a.customer);
    v1::LinkUnmatchedEventsResponse response;
    ASSERT_TRUE(ingest->LinkUnmatchedEvents(&context, request, &response).ok());
    EXPECT_EQ(response.linked(), 0);
  }
  {
    grpc::ClientContext context;
    as_b(context);
    v1::BatchRequest request;
    v1::CreateEventRequest event;
    event.mutable_customer_lookup()->set_customer_id(a.customer);
    event.mutable_ai_event()->set_event_type(v1::EVENT_TYPE_NOTE);
    event.mutable_ai_event()->set_source("matrix");
    event.mutable_ai_event()->set_summary("B names A's customer");
    event.mutable_ai_event()->set_raw_payload("{}");
    event.mutable_ai_event()->set_occurred_at("2026-03-10T14:30:00Z");
    request.add_calls()->set_request(event.SerializeAsString());
    v1::BatchResponse response;
    ASSERT_TRUE(ingest->CreateEventBatch(&context, request, &response).ok());
    ASSERT_EQ(response.replies_size(), 1);
    v1::CreateEventResponse created;
    ASSERT_TRUE(created.ParseFromString(response.replies(0).response()));
    EXPECT_NE(created.event().customer_id(), a.customer) << "matched to A's customer";
  }
  {
    grpc::ClientContext context;
    as_b(context);
    v1::AssociateEventRequest request;
    request.set_id(a.event);
    request.set_customer_id(b.customer);
    v1::AiEvent response;
    EXPECT_EQ(ingest->AssociateEvent(&context, request, &response).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  // A's event stayed unmatched through all of it.
  nlohmann::json event = suite.Get(a.tenant.api_key, "/v1/ai-events/" + a.event).Json();
  EXPECT_TRUE(event["customer_id"].is_null());

  // A webhook URL names its tenant by its token: another source's vendor path with A's token
  // and B's source's are distinct, and an unknown token is 404.
  std::string b_token = b.source_url.substr(b.source_url.rfind('/') + 1);
  EXPECT_EQ(suite
                .Call("", "POST", "/v1/webhooks/whippy/" + b_token + "x", "{}",
                      {{"content-type", "application/json"}})
                .status,
            404);
}

}  // namespace
}  // namespace aievents::testing
