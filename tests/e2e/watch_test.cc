// WatchCustomerEvents: new and re-associated events of a customer are pushed as they commit,
// other customers' events are not, and the stream ends cleanly when the client goes away.
#include <gtest/gtest.h>

#include <thread>

#include "aievents/v1/timeline_service.grpc.pb.h"
#include "common/runtime/metrics.h"
#include "grpcpp/create_channel.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

// An open stream; retries while the server's LISTEN connection is still coming up.
struct Watch {
  std::unique_ptr<v1::TimelineService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::AiEvent>> reader;
};

Watch OpenWatch(const std::string& key, const std::string& customer_id) {
  Watch watch;
  watch.stub = v1::TimelineService::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(SharedSuite().timeline_port()),
                          grpc::InsecureChannelCredentials()));
  v1::WatchCustomerEventsRequest request;
  request.set_customer_id(customer_id);
  for (int attempt = 0; attempt < 50; ++attempt) {
    watch.context = std::make_unique<grpc::ClientContext>();
    watch.context->AddMetadata("x-api-key", key);
    watch.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    watch.reader = watch.stub->WatchCustomerEvents(watch.context.get(), request);
    // Once subscribed the server sends initial metadata marked x-subscribed; a call that failed
    // before subscribing has none.
    watch.reader->WaitForInitialMetadata();
    if (watch.context->GetServerInitialMetadata().count("x-subscribed") > 0) return watch;
    grpc::Status status = watch.reader->Finish();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      ADD_FAILURE() << "watch failed: " << status.error_message();
      return watch;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "live updates never became available";
  return watch;
}

TEST(WatchCustomerEvents, PushesNewAndReassociatedEventsThenEndsOnCancel) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "live@example.com"}});
  CreateCustomer(suite, tenant.api_key, {{"email", "other@example.com"}});
  std::string waiting = CreateEvent(suite, tenant.api_key, {{"email", "nobody@example.com"}},
                                    "2026-03-10T10:00:00Z", "waiting")["id"];
  double ended_before = Metrics::Global().CounterValue("aievents_timeline_streams_ended_total");

  Watch watch = OpenWatch(tenant.api_key, customer);
  ASSERT_NE(watch.reader, nullptr);

  CreateEvent(suite, tenant.api_key, {{"email", "other@example.com"}}, "2026-03-10T11:00:00Z",
              "not-mine");
  std::string fresh = CreateEvent(suite, tenant.api_key, {{"email", "live@example.com"}},
                                  "2026-03-10T12:00:00Z", "fresh")["id"];
  v1::AiEvent received;
  ASSERT_TRUE(watch.reader->Read(&received));
  EXPECT_EQ(received.id(), fresh) << "the other customer's event must not be pushed";
  EXPECT_EQ(received.customer_id(), customer);

  ASSERT_EQ(suite
                .Post(tenant.api_key, "/v1/ai-events/" + waiting + ":associate",
                      {{"customer_id", customer}})
                .status,
            200);
  ASSERT_TRUE(watch.reader->Read(&received));
  EXPECT_EQ(received.id(), waiting);
  EXPECT_EQ(received.match_method(), v1::MATCH_METHOD_MANUAL);

  watch.context->TryCancel();
  EXPECT_EQ(watch.reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server notices the client went away and ends its side.
  for (int i = 0; i < 100 && Metrics::Global().CounterValue(
                                 "aievents_timeline_streams_ended_total") <= ended_before;
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(Metrics::Global().CounterValue("aievents_timeline_streams_ended_total"), ended_before);
}

TEST(WatchCustomerEvents, UnknownOrForeignCustomerIsNotFound) {
  Suite& suite = SharedSuite();
  auto a = suite.NewTenant();
  auto b = suite.NewTenant();
  std::string customer = CreateCustomer(suite, a.api_key, {{"email", "a-only@example.com"}});
  auto stub = v1::TimelineService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string(suite.timeline_port()), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", b.api_key);
  v1::WatchCustomerEventsRequest request;
  request.set_customer_id(customer);
  auto reader = stub->WatchCustomerEvents(&context, request);
  v1::AiEvent event;
  EXPECT_FALSE(reader->Read(&event));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace aievents::testing
