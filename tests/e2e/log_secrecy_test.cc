// Secrets never reach the logs: with every log line on (debug), a run through keys, webhooks
// with signatures, failures and payloads writes none of the API keys, webhook tokens, signing
// secrets or raw payloads it handled.
#include <gtest/gtest.h>

#include "common/runtime/log.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

constexpr char kSigningSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kPayloadMarker[] = "PAYLOAD-MARKER-7f3a9c";

TEST(LogSecrecy, NoSecretOrPayloadIsLogged) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  log::SetMinLevel("debug");
  ::testing::internal::CaptureStderr();

  HttpResult key = suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:write"}}});
  std::string secret = key.Json()["secret"];
  suite.Get(secret, "/v1/ai-events");                          // refused: 403
  suite.Get(secret.substr(0, 20) + "wrong", "/v1/ai-events");  // 401
  nlohmann::json event = ValidEvent();
  event["ai_event"]["raw_payload"] = std::string("{\"note\": \"") + kPayloadMarker + "\"}";
  suite.Post(secret, "/v1/ai-events", event);
  event["ai_event"]["occurred_at"] = "not a time";
  suite.Post(secret, "/v1/ai-events", event);  // 400

  HttpResult source = suite.Post(tenant.api_key, "/v1/webhook-sources",
                                 {{"vendor", "agntix"}, {"signing_secret", kSigningSecret}});
  std::string url = source.Json()["url_path"];
  std::string token = url.substr(url.rfind('/') + 1);
  std::string body =
      std::string("{\"type\": \"call.ended\", \"note\": \"") + kPayloadMarker + "\"}";
  suite.Call("", "POST", url, body, {{"content-type", "application/json"}});  // unsigned: 401
  suite.Call("", "POST", url, "not json " + std::string(kPayloadMarker),
             {{"content-type", "application/json"},
              {"webhook-id", "m1"},
              {"webhook-timestamp", "1"},
              {"webhook-signature", "v1,AAAA"}});
  suite.Call("", "POST", url + "x", body, {{"content-type", "application/json"}});  // 404

  std::string logs = ::testing::internal::GetCapturedStderr();
  log::SetMinLevel("warn");
  EXPECT_FALSE(logs.empty()) << "debug logging produced nothing: the check would be empty";
  for (const std::string& needle : {secret, secret.substr(12), tenant.api_key, token,
                                    std::string(kSigningSecret), std::string(kPayloadMarker)}) {
    EXPECT_EQ(logs.find(needle), std::string::npos) << "logged: " << needle;
  }
}

}  // namespace
}  // namespace aievents::testing
