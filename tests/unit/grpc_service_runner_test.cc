// GrpcServiceRunner's listener: a port another process serves is refused, not shared.
#include "common/rpc/grpc_service_runner.h"

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace aievents {
namespace {

GrpcServiceRunner::Options Options(int port) {
  GrpcServiceRunner::Options options;
  options.grpc_address = absl::StrCat("127.0.0.1:", port);
  options.readiness = [] { return absl::OkStatus(); };
  options.drain_timeout = std::chrono::milliseconds(100);
  return options;
}

// gRPC's default SO_REUSEPORT would let a second `make up`, or a stale process, bind the same
// port and take half the calls; the second start must fail instead.
TEST(GrpcServiceRunner, APortAnotherServerHoldsFailsStart) {
  auto first = GrpcServiceRunner::Start(Options(0), {});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = GrpcServiceRunner::Start(Options((*first)->grpc_port()), {});
  EXPECT_FALSE(second.ok()) << "a second server bound port " << (*first)->grpc_port();
  if (second.ok()) (*second)->Shutdown();
  (*first)->Shutdown();
}

}  // namespace
}  // namespace aievents
