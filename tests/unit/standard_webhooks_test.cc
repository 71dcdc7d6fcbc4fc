// Standard Webhooks verification, checked against the test vector published with the
// specification (standard-webhooks/standard-webhooks, spec and reference libraries).
#include "common/auth/standard_webhooks.h"

#include <gtest/gtest.h>

namespace aievents {
namespace {

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr char kMessageId[] = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr char kTimestamp[] = "1614265330";
constexpr char kBody[] = R"({"test": 2432232314})";
constexpr char kSignature[] = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const absl::Time kSent = absl::FromUnixSeconds(1614265330);

std::map<std::string, std::string> Headers(const std::string& signature) {
  return {{"webhook-id", kMessageId},
          {"webhook-timestamp", kTimestamp},
          {"webhook-signature", signature}};
}

std::vector<std::string> Keys() { return {*DecodeSigningSecret(kSecret)}; }

TEST(StandardWebhooks, MatchesThePublishedVector) {
  EXPECT_EQ(SignStandardWebhook(Keys()[0], kMessageId, kTimestamp, kBody), kSignature);
  EXPECT_TRUE(VerifyStandardWebhook(Headers(kSignature), kBody, Keys(), kSent).ok());
}

TEST(StandardWebhooks, AcceptsSvixHeaderNames) {
  std::map<std::string, std::string> headers = {
      {"svix-id", kMessageId}, {"svix-timestamp", kTimestamp}, {"svix-signature", kSignature}};
  EXPECT_TRUE(VerifyStandardWebhook(headers, kBody, Keys(), kSent).ok());
}

TEST(StandardWebhooks, RejectsTamperingAndWrongSecrets) {
  EXPECT_EQ(
      VerifyStandardWebhook(Headers(kSignature), R"({"test": 2432232315})", Keys(), kSent).code(),
      absl::StatusCode::kUnauthenticated);
  std::vector<std::string> other = {*DecodeSigningSecret("whsec_" + std::string(32, 'A'))};
  EXPECT_FALSE(VerifyStandardWebhook(Headers(kSignature), kBody, other, kSent).ok());
  EXPECT_FALSE(
      VerifyStandardWebhook(Headers("v1,bm90IGEgc2lnbmF0dXJl"), kBody, Keys(), kSent).ok());
  EXPECT_FALSE(VerifyStandardWebhook(Headers(""), kBody, Keys(), kSent).ok());
  auto headers = Headers(kSignature);
  headers["webhook-id"] = "msg_other";
  EXPECT_FALSE(VerifyStandardWebhook(headers, kBody, Keys(), kSent).ok());
}

TEST(StandardWebhooks, RejectsStaleAndFutureTimestamps) {
  EXPECT_TRUE(
      VerifyStandardWebhook(Headers(kSignature), kBody, Keys(), kSent + absl::Minutes(5)).ok());
  auto stale =
      VerifyStandardWebhook(Headers(kSignature), kBody, Keys(), kSent + absl::Seconds(301));
  EXPECT_EQ(stale.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(stale.message().find("5 minutes"), absl::string_view::npos);
  EXPECT_FALSE(
      VerifyStandardWebhook(Headers(kSignature), kBody, Keys(), kSent - absl::Seconds(301)).ok());
  auto headers = Headers(kSignature);
  headers["webhook-timestamp"] = "yesterday";
  EXPECT_FALSE(VerifyStandardWebhook(headers, kBody, Keys(), kSent).ok());
}

TEST(StandardWebhooks, AnyOfSeveralSignaturesDuringRotation) {
  std::string several = "v1,Zm9vYmFy v2,ignored " + std::string(kSignature);
  EXPECT_TRUE(VerifyStandardWebhook(Headers(several), kBody, Keys(), kSent).ok());
  // And any of several secrets (current and previous) on our side.
  std::vector<std::string> keys = {*DecodeSigningSecret("whsec_" + std::string(32, 'B')),
                                   Keys()[0]};
  EXPECT_TRUE(VerifyStandardWebhook(Headers(kSignature), kBody, keys, kSent).ok());
}

TEST(StandardWebhooks, SecretFormat) {
  EXPECT_TRUE(DecodeSigningSecret(kSecret).ok());
  EXPECT_TRUE(DecodeSigningSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ok()) << "prefix optional";
  EXPECT_FALSE(DecodeSigningSecret("whsec_not base64!").ok());
  EXPECT_FALSE(DecodeSigningSecret("whsec_AAAA").ok()) << "too short";
}

}  // namespace
}  // namespace aievents
