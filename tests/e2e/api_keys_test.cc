// The API key lifecycle through the API: create (shown once, recognisable and checksummed),
// list (never a secret), read itself, revoke (refused everywhere within 5 s), rotate with an
// overlap.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "common/auth/api_key.h"
#include "common/text/ids.h"
#include "tests/e2e/test_helpers.h"
#include "tests/support/replica.h"

namespace aievents::testing {
namespace {

nlohmann::json CreateKey(Suite& suite, const std::string& admin_key,
                         const std::vector<std::string>& scopes, const std::string& label = "t") {
  HttpResult created =
      suite.Post(admin_key, "/v1/api-keys", {{"label", label}, {"scopes", scopes}});
  EXPECT_EQ(created.status, 201) << created.body;
  return created.Json();
}

TEST(ApiKeys, ANewKeyIsShownOnceRecognisableAndChecksummed) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json created =
      CreateKey(suite, tenant.api_key, {"events:write", "customers:read"}, "Zapier");
  std::string secret = created["secret"];
  EXPECT_TRUE(std::regex_match(secret, std::regex("aiev_[0-9A-Za-z]{49}"))) << secret;
  EXPECT_TRUE(IsWellFormedApiKey(secret));
  std::string tampered = secret;
  tampered[10] = tampered[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(IsWellFormedApiKey(tampered)) << "the checksum catches a changed character";
  EXPECT_EQ(suite.Get(tampered, "/v1/ai-events").status, 401);

  nlohmann::json key = created["api_key"];
  EXPECT_EQ(key["prefix"], secret.substr(0, 12));
  EXPECT_EQ(key["label"], "Zapier");
  EXPECT_EQ(key["scopes"], nlohmann::json({"events:write", "customers:read"}));

  // Listing and reading never show the secret.
  HttpResult listed = suite.Get(tenant.api_key, "/v1/api-keys");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret.substr(12)), std::string::npos);
  bool found = false;
  nlohmann::json keys = listed.Json()["api_keys"];
  for (const auto& item : keys) {
    EXPECT_FALSE(item.contains("secret"));
    found = found || item["id"] == key["id"];
  }
  EXPECT_TRUE(found) << listed.body;

  // A key reads itself with no particular scope.
  HttpResult self = suite.Get(secret, "/v1/api-keys:self");
  ASSERT_EQ(self.status, 200) << self.body;
  EXPECT_EQ(self.Json()["id"], key["id"]);
  EXPECT_FALSE(self.Json()["last_used_time"].is_null()) << "the call just made counts as a use";
}

TEST(ApiKeys, BadRequestsNameTheField) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  HttpResult none = suite.Post(tenant.api_key, "/v1/api-keys", {{"label", "x"}});
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(ViolationFor(none, "scopes"), "");
  HttpResult unknown =
      suite.Post(tenant.api_key, "/v1/api-keys", {{"scopes", {"events:write", "everything"}}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(ViolationFor(unknown, "scopes[1]"), "");
  HttpResult overlap = suite.Post(tenant.api_key, "/v1/api-keys/" + NewUuidV7() + ":rotate",
                                  {{"overlap_seconds", -1}});
  EXPECT_EQ(overlap.status, 400);
}

TEST(ApiKeys, ARevokedKeyIsRefusedAtOnce) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json created = CreateKey(suite, tenant.api_key, {"events:read"});
  std::string secret = created["secret"];
  ASSERT_EQ(suite.Get(secret, "/v1/ai-events").status, 200);
  std::string id = created["api_key"]["id"];
  HttpResult revoked =
      suite.Post(tenant.api_key, "/v1/api-keys/" + id + ":revoke", nlohmann::json::object());
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(revoked.Json()["revoke_time"].is_null());
  EXPECT_EQ(suite.Get(secret, "/v1/ai-events").status, 401);
  EXPECT_EQ(
      suite.Post(tenant.api_key, "/v1/api-keys/" + id + ":revoke", nlohmann::json::object()).status,
      400)
      << "already revoked: FAILED_PRECONDITION";
  // Inactive keys are listed only when asked for.
  std::string listed = suite.Get(tenant.api_key, "/v1/api-keys").body;
  EXPECT_EQ(listed.find(id), std::string::npos);
  listed = suite.Get(tenant.api_key, "/v1/api-keys?include_inactive=true").body;
  EXPECT_NE(listed.find(id), std::string::npos);
}

// Another set of replicas, whose services trust a key for the longest allowed (4 s), refuses a
// key revoked through the first set within 5 s.
TEST(ApiKeys, RevocationReachesEveryReplicaWithinFiveSeconds) {
  Suite& suite = SharedSuite();
  auto replica =
      Replica::Start(suite, [](ServiceConfig& config) { config.auth_cache_seconds = 4; });
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json created = CreateKey(suite, tenant.api_key, {"events:read"});
  std::string secret = created["secret"];
  ASSERT_EQ(replica->Call(secret, "GET", "/v1/ai-events").status, 200) << "cached now";

  auto revoked_at = std::chrono::steady_clock::now();
  ASSERT_EQ(suite
                .Post(tenant.api_key,
                      "/v1/api-keys/" + created["api_key"]["id"].get<std::string>() + ":revoke",
                      nlohmann::json::object())
                .status,
            200);
  int status = 200;
  while (status == 200 && std::chrono::steady_clock::now() - revoked_at < std::chrono::seconds(8)) {
    status = replica->Call(secret, "GET", "/v1/ai-events").status;
    if (status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - revoked_at).count();
  EXPECT_EQ(status, 401);
  EXPECT_LT(seconds, 5.0) << "the second replica still honoured the revoked key";
}

TEST(ApiKeys, RotationKeepsTheOldKeyForTheOverlap) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  nlohmann::json old_key =
      CreateKey(suite, tenant.api_key, {"events:read", "customers:read"}, "crm sync");
  std::string old_secret = old_key["secret"];
  std::string old_id = old_key["api_key"]["id"];

  HttpResult rotated =
      suite.Post(tenant.api_key, "/v1/api-keys/" + old_id + ":rotate", {{"overlap_seconds", 3600}});
  ASSERT_EQ(rotated.status, 201) << rotated.body;
  std::string new_secret = rotated.Json()["secret"];
  nlohmann::json new_key = rotated.Json()["api_key"];
  EXPECT_NE(new_secret, old_secret);
  EXPECT_EQ(new_key["label"], "crm sync");
  EXPECT_EQ(new_key["scopes"], nlohmann::json({"events:read", "customers:read"}));
  EXPECT_EQ(new_key["rotated_from_id"], old_id);

  // Both work during the overlap; the old one shows when it ends.
  EXPECT_EQ(suite.Get(old_secret, "/v1/ai-events").status, 200);
  EXPECT_EQ(suite.Get(new_secret, "/v1/ai-events").status, 200);
  HttpResult old_view = suite.Get(old_secret, "/v1/api-keys:self");
  ASSERT_FALSE(old_view.Json()["expire_time"].is_null()) << old_view.body;

  // Rotating the new key with no overlap ends it at once; its successor works.
  HttpResult again =
      suite.Post(tenant.api_key, "/v1/api-keys/" + new_key["id"].get<std::string>() + ":rotate",
                 {{"overlap_seconds", 0}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(suite.Get(new_secret, "/v1/ai-events").status, 401);
  EXPECT_EQ(suite.Get(again.Json()["secret"], "/v1/ai-events").status, 200);
  EXPECT_EQ(suite.Get(old_secret, "/v1/ai-events").status, 200) << "its own overlap continues";
  // An ended key cannot be rotated again.
  EXPECT_EQ(
      suite
          .Post(tenant.api_key, "/v1/api-keys/" + new_key["id"].get<std::string>() + ":rotate",
                nlohmann::json::object())
          .status,
      400);
}

}  // namespace
}  // namespace aievents::testing
