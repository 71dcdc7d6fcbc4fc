// The whole suite (real PostgreSQL database, every service, the gateway with the console) for
// the tests written in other languages (the browser tests, the Zapier integration's tests, the
// gRPC client examples), which drive it over HTTP and gRPC. Prints one JSON line,
//   {"port": ..., "ingest_port": ..., "matching_port": ..., "timeline_port": ...,
//    "api_key": "...", "other_api_key": "...", "failed_delivery_id": "..."}
// then runs until its standard input closes. What the API cannot make is seeded here: a
// webhook delivery that failed (stored by an ingest replica whose calls to matching are
// refused, as while matching is misconfigured), for the inbox's Replay.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "aievents/v1/webhook_service.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/ingest/ingest_server.h"
#include "tests/support/fixtures.h"
#include "tests/support/suite.h"

namespace aievents::testing {
namespace {

// A whippy source, and one call delivery stored as failed. Returns the delivery's id.
std::string SeedFailedDelivery(Suite& suite, const Suite::Tenant& tenant) {
  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources",
                                 {{"vendor", "whippy"}, {"label", "Whippy main line"}});
  if (source.status != 201) {
    std::cerr << "cannot create a webhook source: " << source.body << "\n";
    std::exit(1);
  }
  std::string url = source.Json()["url_path"];
  ingest::IngestConfig broken = suite.ingest_config();
  broken.service.internal_token = std::string(40, 'x');  // matching refuses it
  auto replica = ingest::IngestServer::Start(broken);
  if (!replica.ok()) {
    std::cerr << "cannot start the failing replica: " << replica.status() << "\n";
    std::exit(1);
  }
  auto stub = v1::WebhookService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*replica)->grpc_port()), grpc::InsecureChannelCredentials()));
  v1::ReceiveDeliveryRequest request;
  request.set_vendor("whippy");
  request.set_token(url.substr(url.rfind('/') + 1));
  request.set_body(ReadFixture("whippy/call_analyzed.json"));
  grpc::ClientContext context;
  v1::ReceiveDeliveryResponse response;
  grpc::Status status = stub->ReceiveDelivery(&context, request, &response);
  (*replica)->Shutdown();
  if (!status.ok() || response.status() != v1::DELIVERY_STATUS_FAILED) {
    std::cerr << "the seeded delivery did not fail: " << status.error_message() << "\n";
    std::exit(1);
  }
  return response.delivery_id();
}

}  // namespace
}  // namespace aievents::testing

int main() {
  using aievents::testing::Suite;
  std::unique_ptr<Suite> suite = Suite::Start();
  Suite::Tenant tenant = suite->NewTenant("browser tests");
  Suite::Tenant other = suite->NewTenant("another tenant");
  std::string failed = aievents::testing::SeedFailedDelivery(*suite, tenant);
  std::printf(
      "{\"port\": %d, \"ingest_port\": %d, \"matching_port\": %d, \"timeline_port\": %d, "
      "\"api_key\": \"%s\", \"other_api_key\": \"%s\", \"failed_delivery_id\": \"%s\"}\n",
      suite->gateway_port(), suite->ingest_port(), suite->matching_port(), suite->timeline_port(),
      tenant.api_key.c_str(), other.api_key.c_str(), failed.c_str());
  std::fflush(stdout);
  char byte;
  while (read(0, &byte, 1) > 0) {
  }
  return 0;
}
