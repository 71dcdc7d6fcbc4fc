#include "tests/support/suite.h"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <thread>

#include "common/auth/scopes.h"
#include "common/auth/secret_box.h"
#include "common/runtime/log.h"
#include "common/text/crypto.h"
#include "tests/support/started_or_die.h"
#include "tools/admin/admin_commands.h"

namespace aievents::testing {
namespace {

// One shared secret for the whole suite, as a deployment would configure it.
const std::string& InternalToken() {
  static const std::string token = "test-internal-" + HexEncode(RandomBytes(24));
  return token;
}

// One key ring for the whole suite, as a deployment would configure it.
const std::string& SecretsKeys() {
  static const std::string keys = SecretBox::NewBase64Key();
  return keys;
}

// Under a sanitizer (scripts/run-sanitizers.sh, clang builds) everything runs 5 to 15 times
// slower, and ingest's default queue-max-wait (500 ms) sheds the bursts of the concurrency
// tests, which check what is stored, not shedding (group_commit_test.cc tests shedding with a
// replica of its own settings).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define AIEVENTS_SANITIZED_BUILD 1
#endif
#endif

ServiceConfig TestServiceConfig(const std::string& database_url) {
  ServiceConfig config;
  config.internal_token = InternalToken();
  config.database_url = database_url;
  config.grpc_address = "127.0.0.1:0";
  config.admin_port = -1;
  config.db_pool_size = 8;
  config.auth_cache_seconds = 0;  // revocation and isolation tests see every change at once
  config.rate_limit_key = {};     // no limits: tests call fast; rate_limit_test sets its own
  config.rate_limit_tenant = {};
  // AIEVENTS_TEST_DB_POOLER_MODE=transaction runs every statement of the suite by text, as
  // behind PgBouncer in transaction mode (the e2e_tests_transaction_pooler run of make test).
  const char* pooler_mode = std::getenv("AIEVENTS_TEST_DB_POOLER_MODE");
  config.db_transaction_pooler =
      pooler_mode != nullptr && std::string_view(pooler_mode) == "transaction";
  return config;
}

}  // namespace

std::string Suite::internal_token() const { return InternalToken(); }

std::string Suite::secrets_keys() const { return SecretsKeys(); }

matching::MatchingConfig Suite::matching_config() const {
  matching::MatchingConfig config;
  config.service = service_config(ServiceRole::kMatching);
  config.default_phone_region = "US";
  // One key for the whole suite, as a deployment keeps one.
  static const std::string suppression_key = SecretBox::NewBase64Key();
  config.suppression_key = suppression_key;
  // Erasures in tests are small: batches of two make them take several; the worker and the
  // sweep come within seconds.
  config.erasure_batch_size = 2;
  config.erasure_worker_delay_ms = 1000;
  config.erasure_sweep_delay_ms = 1000;
  return config;
}

ingest::IngestConfig Suite::ingest_config() const {
  ingest::IngestConfig config;
  config.service = service_config(ServiceRole::kIngest);
  config.matching_address = "127.0.0.1:" + std::to_string(matching_port());
  config.secrets_keys = SecretsKeys();
  return config;
}

ServiceConfig Suite::service_config(ServiceRole role) const {
  return TestServiceConfig(service_database_url(role));
}

std::unique_ptr<Suite> Suite::Start() {
  log::SetMinLevel("warn");
  std::unique_ptr<Suite> suite(new Suite());
  suite->database_ = TestDatabase::Create();

  matching::MatchingConfig matching_config = suite->matching_config();
  suite->matching_ = StartedOrDie(matching::MatchingServer::Start(matching_config), "matching");

  ingest::IngestConfig ingest_config;
  ingest_config.service = suite->service_config(ServiceRole::kIngest);
  ingest_config.matching_address = "127.0.0.1:" + std::to_string(suite->matching_->grpc_port());
  ingest_config.secrets_keys = SecretsKeys();
#ifdef AIEVENTS_SANITIZED_BUILD
  ingest_config.batching.max_queue_wait = absl::Seconds(10);
#endif
  suite->ingest_ = StartedOrDie(ingest::IngestServer::Start(ingest_config), "ingest");
  suite->matching_->ConnectIngest("127.0.0.1:" + std::to_string(suite->ingest_->grpc_port()));

  timeline::TimelineConfig timeline_config;
  timeline_config.service = suite->service_config(ServiceRole::kTimeline);
  timeline_config.secrets_keys = SecretsKeys();
  // Receivers in tests listen on 127.0.0.1 over plain http.
  timeline_config.outbound.policy = {.allow_http = true, .allow_loopback = true};
  timeline_config.outbound.relay_interval = absl::Milliseconds(50);
  timeline_config.outbound.claim_interval = absl::Milliseconds(50);
  timeline_config.outbound.attempt_timeout = absl::Seconds(2);
  timeline_config.outbound.ca_file = AIEVENTS_FIXTURES_DIR "/tls/ca.pem";
  suite->timeline_ = StartedOrDie(timeline::TimelineServer::Start(timeline_config), "timeline");

  gateway::GatewayConfig gateway_config;
  gateway_config.listen_port = 0;
  gateway_config.admin_port = 0;
  gateway_config.ingest_address = "127.0.0.1:" + std::to_string(suite->ingest_->grpc_port());
  gateway_config.matching_address = "127.0.0.1:" + std::to_string(suite->matching_->grpc_port());
  gateway_config.timeline_address = "127.0.0.1:" + std::to_string(suite->timeline_->grpc_port());
  gateway_config.console_dir = gateway::DefaultConsoleDir();
  gateway_config.openapi_file = gateway::DefaultOpenApiFile();
  suite->gateway_ = StartedOrDie(gateway::GatewayServer::Start(gateway_config), "gateway");
  // Like `make up`, hand the suite over only once the gateway reports every backend ready
  // (readiness is polled once a second by each service).
  for (int attempt = 0; attempt < 300; ++attempt) {
    if (HttpRequest(suite->gateway_port(), "GET", "/readyz?backends=all").status == 200)
      return suite;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::cerr << "the suite never became ready\n";
  std::abort();
}

Suite::~Suite() {
  if (gateway_) gateway_->Shutdown();
  if (ingest_) ingest_->Shutdown();
  if (timeline_) timeline_->Shutdown();
  if (matching_) matching_->Shutdown();
}

Suite::Tenant Suite::NewTenant(const std::string& name) {
  auto id = admin::CreateTenant(database_url(), name);
  if (!id.ok()) {
    std::cerr << id.status() << "\n";
    std::abort();
  }
  auto key = admin::CreateApiKey(database_url(), *id, "test", AllScopes());
  if (!key.ok()) {
    std::cerr << key.status() << "\n";
    std::abort();
  }
  return {*id, key->plaintext};
}

HttpResult Suite::Call(const std::string& key, const std::string& method, const std::string& target,
                       const std::string& body, std::map<std::string, std::string> headers) {
  if (!key.empty()) headers.emplace("x-api-key", key);
  if (!body.empty()) headers.emplace("content-type", "application/json");
  return HttpRequest(gateway_port(), method, target, body, headers);
}

namespace {
Suite* shared_suite = nullptr;
}  // namespace

void SetSharedSuite(Suite* suite) { shared_suite = suite; }

Suite& SharedSuite() {
  if (shared_suite == nullptr) {
    std::cerr << "SharedSuite() used before e2e_main started it\n";
    std::abort();
  }
  return *shared_suite;
}

}  // namespace aievents::testing
