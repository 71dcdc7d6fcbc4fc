// Webhook signing secrets are encrypted at rest (AES-256-GCM, bound to their row), and the
// encryption key can be rotated: with the new key first in the ring and the old one after it,
// reseal-secrets re-encrypts, and then a service holding only the new key verifies signatures.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "aievents/v1/webhook_service.grpc.pb.h"
#include "common/auth/secret_box.h"
#include "common/auth/standard_webhooks.h"
#include "grpcpp/grpcpp.h"
#include "services/timeline/outbound/pg_endpoint_store.h"
#include "tests/e2e/test_helpers.h"
#include "tools/admin/admin_commands.h"

namespace aievents::testing {
namespace {

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

std::string StoredSecret(Suite& suite, const std::string& source_id) {
  pqxx::connection conn(suite.database_url());
  pqxx::work txn(conn);
  return txn.exec_params1("SELECT signing_secret FROM webhook_sources WHERE id = $1", source_id)[0]
      .as<std::string>();
}

// Sends a signed Agntix delivery straight to an ingest server.
grpc::Status Deliver(int ingest_port, const std::string& token, const std::string& message_id) {
  auto stub = v1::WebhookService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(ingest_port), grpc::InsecureChannelCredentials()));
  std::string body = ReadFixture("agntix/session_created.json");
  std::string timestamp = std::to_string(absl::ToUnixSeconds(absl::Now()));
  v1::ReceiveDeliveryRequest request;
  request.set_vendor("agntix");
  request.set_token(token);
  request.set_body(body);
  (*request.mutable_headers())["content-type"] = "application/json";
  (*request.mutable_headers())["webhook-id"] = message_id;
  (*request.mutable_headers())["webhook-timestamp"] = timestamp;
  (*request.mutable_headers())["webhook-signature"] =
      SignStandardWebhook(*DecodeSigningSecret(kSecret), message_id, timestamp, body);
  grpc::ClientContext context;
  v1::ReceiveDeliveryResponse response;
  return stub->ReceiveDelivery(&context, request, &response);
}

TEST(SecretsAtRest, SigningSecretsAreStoredEncryptedAndTheKeyRotates) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult created = suite.Post(tenant.api_key, "/v1/webhook-sources",
                                  {{"vendor", "agntix"}, {"signing_secret", kSecret}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string source_id = created.Json()["source"]["id"];
  std::string url = created.Json()["url_path"];
  std::string token = url.substr(url.rfind('/') + 1);

  std::string stored = StoredSecret(suite, source_id);
  EXPECT_EQ(stored.rfind("aesgcm1:", 0), 0u) << stored;
  EXPECT_EQ(stored.find("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), std::string::npos);
  ASSERT_TRUE(Deliver(suite.ingest_port(), token, "msg_before").ok()) << "the suite opens it";

  // Rotation: a new key first, the suite's old key after it; reseal; the new key alone opens.
  std::string new_key = SecretBox::NewBase64Key();
  auto resealed = admin::ResealSecrets(suite.database_url(), tenant.id, "",
                                       new_key + "," + suite.secrets_keys());
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(resealed->sources, 1);
  EXPECT_EQ(resealed->endpoints, 0);
  EXPECT_NE(StoredSecret(suite, source_id), stored);
  auto again = admin::ResealSecrets(suite.database_url(), tenant.id, "",
                                    new_key + "," + suite.secrets_keys());
  EXPECT_EQ(again->sources, 0) << "nothing left to reseal";

  ingest::IngestConfig rotated = suite.ingest_config();
  rotated.secrets_keys = new_key;
  auto replica = ingest::IngestServer::Start(rotated);
  ASSERT_TRUE(replica.ok()) << replica.status();
  EXPECT_TRUE(Deliver((*replica)->grpc_port(), token, "msg_after").ok());
  // A process still holding only the old key cannot open it: the delivery is refused (the
  // vendor retries), and nothing about the secret is revealed.
  grpc::Status old = Deliver(suite.ingest_port(), token, "msg_old_key");
  EXPECT_EQ(old.error_code(), grpc::StatusCode::UNAUTHENTICATED) << old.error_message();
  (*replica)->Shutdown();

  // And back: the suite's key first again.
  ASSERT_TRUE(admin::ResealSecrets(suite.database_url(), tenant.id, "",
                                   suite.secrets_keys() + "," + new_key)
                  .ok());
  EXPECT_TRUE(Deliver(suite.ingest_port(), token, "msg_back").ok());
}

// Outbound endpoints' secrets are sealed with the same ring, and reseal-secrets covers them:
// after it, the new key alone opens the same secret the API showed at creation.
TEST(SecretsAtRest, EndpointSecretsAreResealedToo) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult created =
      suite.Post(tenant.api_key, "/v1/webhook-endpoints",
                 {{"url", "http://127.0.0.1:1/hooks"}, {"event_types", {"ai_event.created"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  std::string id = created.Json()["id"];
  std::string shown = created.Json()["secret"];
  auto stored = [&] {
    pqxx::connection conn(suite.database_url());
    pqxx::work txn(conn);
    return txn.exec_params1("SELECT secret FROM webhook_endpoints WHERE id = $1", id)[0]
        .as<std::string>();
  };
  std::string before = stored();
  EXPECT_EQ(before.find(shown.substr(6)), std::string::npos) << "sealed, not in clear";

  std::string new_key = SecretBox::NewBase64Key();
  auto resealed = admin::ResealSecrets(suite.database_url(), tenant.id, "",
                                       new_key + "," + suite.secrets_keys());
  ASSERT_TRUE(resealed.ok()) << resealed.status();
  EXPECT_EQ(resealed->endpoints, 1);
  std::string after = stored();
  EXPECT_NE(after, before);
  auto only_new = SecretBox::Load("", new_key);
  ASSERT_TRUE(only_new.ok());
  auto opened = only_new->Open(after, timeline::EndpointSecretRow(tenant.id, id));
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, shown);

  // And back, so that the suite's timeline (old key only) keeps signing for this tenant.
  auto back = admin::ResealSecrets(suite.database_url(), tenant.id, "",
                                   suite.secrets_keys() + "," + new_key);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->endpoints, 1);
}

TEST(SecretsAtRest, ResealingEveryTenantNeedsARoleThatSeesEveryTenant) {
  Suite& suite = SharedSuite();
  // The suite's owner is a superuser: allowed. The service role is not.
  EXPECT_TRUE(admin::ResealSecrets(suite.database_url(), "", "", suite.secrets_keys()).ok());
  auto refused = admin::ResealSecrets(suite.service_database_url(ServiceRole::kIngest), "", "",
                                      suite.secrets_keys());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aievents::testing
