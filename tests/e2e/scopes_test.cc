// Every scope granted and refused: a key holding exactly one scope can make the calls that
// scope covers and gets 403, naming the missing scope, on every other; over gRPC the same
// (PERMISSION_DENIED). A key with only events:write, as Zapier or a vendor gets, still has
// its events matched to customers (the services call each other with their own credential).
#include "common/auth/scopes.h"

#include <gtest/gtest.h>

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

// One call per scope, each needing only that scope.
struct Probe {
  std::string scope;
  std::string method;
  std::string target;
  nlohmann::json body;
  int success;
};

std::vector<Probe> Probes(Suite& suite, const Suite::Tenant& tenant) {
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "scope@example.com"}});
  nlohmann::json event = CreateEvent(suite, tenant.api_key, {{"email", "x@example.com"}},
                                     "2026-03-10T14:30:00Z", "scopes");
  std::string event_id = event["id"];
  std::string erased = CreateCustomer(suite, tenant.api_key, {{"email", "erase@example.com"}});
  return {
      {"events:write", "POST", "/v1/ai-events", ValidEvent(), 201},
      {"events:read", "GET", "/v1/ai-events/" + event_id, nullptr, 200},
      {"events:associate",
       "POST",
       "/v1/ai-events/" + event_id + ":associate",
       {{"customer_id", customer}},
       200},
      {"customers:read", "GET", "/v1/customers/" + customer, nullptr, 200},
      {"customers:write", "POST", "/v1/customers", {{"email", "new@example.com"}}, 201},
      {"customers:erase", "DELETE", "/v1/customers/" + erased, nullptr, 200},
      {"webhooks:admin", "GET", "/v1/webhook-sources", nullptr, 200},
      {"keys:admin", "GET", "/v1/api-keys", nullptr, 200},
  };
}

std::string KeyWith(Suite& suite, const Suite::Tenant& tenant,
                    const std::vector<std::string>& scopes) {
  HttpResult created = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", scopes}});
  EXPECT_EQ(created.status, 201) << created.body;
  return created.Json()["secret"];
}

HttpResult Send(Suite& suite, const std::string& key, const Probe& probe) {
  return suite.Call(key, probe.method, probe.target, probe.body.is_null() ? "" : probe.body.dump());
}

TEST(Scopes, EveryScopeIsGrantedAndRefused) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  std::vector<Probe> probes = Probes(suite, tenant);
  ASSERT_EQ(probes.size(), AllScopes().size()) << "a scope without a probe";
  for (const std::string& scope : AllScopes()) {
    std::string key = KeyWith(suite, tenant, {scope});
    for (const Probe& probe : probes) {
      HttpResult result = Send(suite, key, probe);
      if (probe.scope == scope) {
        EXPECT_EQ(result.status, probe.success)
            << scope << " refused " << probe.method << " " << probe.target << ": " << result.body;
      } else {
        EXPECT_EQ(result.status, 403)
            << scope << " allowed " << probe.method << " " << probe.target;
        nlohmann::json error = result.Json()["error"];
        EXPECT_EQ(error["code"], "PERMISSION_DENIED");
        EXPECT_EQ(error["reason"], "MISSING_SCOPE");
        EXPECT_EQ(error["missing_scope"], probe.scope) << result.body;
        EXPECT_NE(error["message"].get<std::string>().find(probe.scope), std::string::npos);
      }
    }
  }
}

TEST(Scopes, AWriteOnlyKeyStillHasItsEventsMatched) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "zap@example.com"}});
  std::string zapier = KeyWith(suite, tenant, {"events:write"});
  HttpResult created =
      suite.Post(zapier, "/v1/ai-events", ValidEvent({{"email", "zap@example.com"}}));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["customer_id"], customer);
  EXPECT_EQ(suite.Get(zapier, "/v1/ai-events").status, 403) << "but it cannot read them back";
}

TEST(Scopes, GrpcClientsAreCheckedTheSameWay) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  std::string writer = KeyWith(suite, tenant, {"events:write"});
  auto channel = [](int port) {
    return grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                               grpc::InsecureChannelCredentials());
  };
  auto matching = v1::MatchingService::NewStub(channel(suite.matching_port()));
  for (const char* rpc : {"MatchCustomer", "GetCustomer"}) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", writer);
    grpc::Status status;
    if (std::string(rpc) == "MatchCustomer") {
      v1::MatchCustomerRequest request;
      request.mutable_customer_lookup()->set_email("a@example.com");
      v1::MatchCustomerResponse response;
      status = matching->MatchCustomer(&context, request, &response);
    } else {
      v1::GetCustomerRequest request;
      request.set_id("00000000-0000-7000-8000-000000000000");
      v1::Customer response;
      status = matching->GetCustomer(&context, request, &response);
    }
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << rpc;
    EXPECT_NE(status.error_message().find("customers:read"), std::string::npos)
        << status.error_message();
  }
  auto ingest = v1::IngestService::NewStub(channel(suite.ingest_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", writer);
  v1::AssociateEventRequest request;
  request.set_id("00000000-0000-7000-8000-000000000000");
  request.set_customer_id("00000000-0000-7000-8000-000000000000");
  v1::AiEvent response;
  EXPECT_EQ(ingest->AssociateEvent(&context, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace aievents::testing
