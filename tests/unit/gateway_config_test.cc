#include <gtest/gtest.h>

#include "gateway/gateway_server.h"
#include "gateway/http_status.h"

namespace aievents::gateway {
namespace {

TEST(GatewayConfig, BodyLimitsMustFitInOneBackendMessage) {
  ConfigSource fits({"--max-webhook-body-bytes=8388608"}, {});
  GatewayConfig config = LoadGatewayConfig(fits);
  EXPECT_TRUE(fits.Finish().ok());
  EXPECT_EQ(config.grpc_max_message_bytes, kDefaultGrpcMaxMessageBytes);
  EXPECT_EQ(config.admin_port, 9090);

  ConfigSource too_big({"--max-webhook-body-bytes=20000000"}, {});
  LoadGatewayConfig(too_big);
  absl::Status status = too_big.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("--max-webhook-body-bytes (20000000)"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("--grpc-max-message-bytes (16777216)"), std::string::npos)
      << status.message();

  ConfigSource raised({"--max-webhook-body-bytes=20000000", "--grpc-max-message-bytes=33554432"},
                      {});
  LoadGatewayConfig(raised);
  EXPECT_TRUE(raised.Finish().ok());
}

TEST(GatewayConfig, MessageSizeErrorsAreNotRateLimits) {
  HttpResponse too_large = ErrorResponseFromStatus(
      absl::ResourceExhaustedError("Received message larger than max (5242980 vs. 4194304)"));
  EXPECT_EQ(too_large.status, 413);
  EXPECT_NE(too_large.body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  HttpResponse limited = ErrorResponseFromStatus(absl::ResourceExhaustedError("rate limited"));
  EXPECT_EQ(limited.status, 429);
}

}  // namespace
}  // namespace aievents::gateway
