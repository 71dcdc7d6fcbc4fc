// The whole suite in one test process: a fresh database, the matching, ingest and timeline
// gRPC servers and the HTTP gateway, all on port 0, wired together exactly as in production.
#ifndef AIEVENTS_TESTS_SUPPORT_SUITE_H_
#define AIEVENTS_TESTS_SUPPORT_SUITE_H_

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/gateway_server.h"
#include "services/ingest/ingest_server.h"
#include "services/matching/matching_server.h"
#include "services/timeline/timeline_server.h"
#include "tests/support/http_client.h"
#include "tests/support/test_database.h"

namespace aievents::testing {

class Suite {
 public:
  // Starts everything; aborts with a message on failure.
  static std::unique_ptr<Suite> Start();
  ~Suite();

  // A new tenant and an API key for it.
  struct Tenant {
    std::string id;
    std::string api_key;
  };
  Tenant NewTenant(const std::string& name = "test tenant");

  // HTTP to the gateway with `key` as x-api-key (none when empty) and a JSON content type
  // when there is a body.
  HttpResult Call(const std::string& key, const std::string& method, const std::string& target,
                  const std::string& body = "", std::map<std::string, std::string> headers = {});
  HttpResult Post(const std::string& key, const std::string& target, const nlohmann::json& body) {
    return Call(key, "POST", target, body.dump());
  }
  HttpResult Get(const std::string& key, const std::string& target) {
    return Call(key, "GET", target);
  }

  // The owner's URL (superuser): set-up, the operator tool, direct checks.
  const std::string& database_url() const { return database_->url(); }
  // What a service connects with: its own role, bound by its grants and row-level security.
  std::string service_database_url(ServiceRole role) const { return database_->service_url(role); }
  // The settings a service of the suite was started with; a test that starts another
  // replica with settings of its own starts from these.
  ServiceConfig service_config(ServiceRole role) const;
  // The internal token every service of the suite is configured with.
  std::string internal_token() const;
  // Settings for another ingest replica: the suite's, pointed at its matching service, with
  // its key ring for webhook signing secrets.
  ingest::IngestConfig ingest_config() const;
  // Settings for another matching replica: the suite's (its service settings, suppression key
  // and erasure timings).
  matching::MatchingConfig matching_config() const;
  // The key ring (one base64 key) the suite's ingest seals webhook signing secrets with.
  std::string secrets_keys() const;
  int gateway_port() const { return gateway_->port(); }
  int gateway_admin_port() const { return gateway_->admin_port(); }
  int ingest_port() const { return ingest_->grpc_port(); }
  int matching_port() const { return matching_->grpc_port(); }
  // Where matching links re-matched events (an address nobody listens on takes ingest away
  // from matching alone); ConnectMatchingToIngest() puts it back.
  void PointMatchingAt(const std::string& address) { matching_->ConnectIngest(address); }
  void ConnectMatchingToIngest() { PointMatchingAt("127.0.0.1:" + std::to_string(ingest_port())); }
  int timeline_port() const { return timeline_->grpc_port(); }

 private:
  Suite() = default;

  std::unique_ptr<TestDatabase> database_;
  std::unique_ptr<matching::MatchingServer> matching_;
  std::unique_ptr<ingest::IngestServer> ingest_;
  std::unique_ptr<timeline::TimelineServer> timeline_;
  std::unique_ptr<gateway::GatewayServer> gateway_;
};

// The suite shared by every test of the e2e binary: started once by its main() (e2e_main.cc),
// which registers it here. Each test makes its own tenants, so tests do not see each other.
Suite& SharedSuite();
void SetSharedSuite(Suite* suite);

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_SUITE_H_
