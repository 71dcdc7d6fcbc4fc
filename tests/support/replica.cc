#include "tests/support/replica.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "tests/support/started_or_die.h"

namespace aievents::testing {
namespace {

std::string Local(int port) { return "127.0.0.1:" + std::to_string(port); }

}  // namespace

std::unique_ptr<Replica> Replica::Start(const Suite& suite,
                                        const std::function<void(ServiceConfig&)>& adjust) {
  std::unique_ptr<Replica> replica(new Replica());
  // Each service with its own role's settings, adjusted alike.
  auto service_config = [&](ServiceRole role) {
    ServiceConfig service = suite.service_config(role);
    adjust(service);
    return service;
  };

  matching::MatchingConfig matching_config = suite.matching_config();
  matching_config.service = service_config(ServiceRole::kMatching);
  replica->matching_ =
      StartedOrDie(matching::MatchingServer::Start(matching_config), "replica matching");

  ingest::IngestConfig ingest_config = suite.ingest_config();
  ingest_config.service = service_config(ServiceRole::kIngest);
  ingest_config.matching_address = Local(replica->matching_->grpc_port());
  replica->ingest_ = StartedOrDie(ingest::IngestServer::Start(ingest_config), "replica ingest");
  replica->matching_->ConnectIngest(Local(replica->ingest_->grpc_port()));

  timeline::TimelineConfig timeline_config;
  timeline_config.service = service_config(ServiceRole::kTimeline);
  timeline_config.secrets_keys = suite.secrets_keys();
  replica->timeline_ =
      StartedOrDie(timeline::TimelineServer::Start(timeline_config), "replica timeline");

  gateway::GatewayConfig gateway_config;
  gateway_config.listen_port = 0;
  gateway_config.ingest_address = Local(replica->ingest_->grpc_port());
  gateway_config.matching_address = Local(replica->matching_->grpc_port());
  gateway_config.timeline_address = Local(replica->timeline_->grpc_port());
  replica->gateway_ =
      StartedOrDie(gateway::GatewayServer::Start(gateway_config), "replica gateway");
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (HttpRequest(replica->gateway_port(), "GET", "/readyz?backends=all").status == 200)
      return replica;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cerr << "the replica never became ready\n";
  std::abort();
}

Replica::~Replica() {
  if (gateway_) gateway_->Shutdown();
  if (ingest_) ingest_->Shutdown();
  if (timeline_) timeline_->Shutdown();
  if (matching_) matching_->Shutdown();
}

HttpResult Replica::Call(const std::string& key, const std::string& method,
                         const std::string& target, const std::string& body,
                         std::map<std::string, std::string> headers) {
  if (!key.empty()) headers.emplace("x-api-key", key);
  if (!body.empty()) headers.emplace("content-type", "application/json");
  return HttpRequest(gateway_port(), method, target, body, headers);
}

}  // namespace aievents::testing
