// The gRPC contracts directly, as internal clients use them: health checking and server
// reflection on every server, google.rpc.BadRequest details on validation errors,
// authentication, and the replay metadata the gateway relies on.
#include <gtest/gtest.h>

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "aievents/v1/matching_service.grpc.pb.h"
#include "common/rpc/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

v1::CreateEventRequest ValidRequest(const std::string& key) {
  v1::CreateEventRequest request;
  request.mutable_customer_lookup()->set_email("grpc@example.com");
  auto* event = request.mutable_ai_event();
  event->set_event_type(v1::EVENT_TYPE_CHAT);
  event->set_source("internal");
  event->set_summary("Chat about billing");
  event->set_raw_payload("{}");
  event->set_occurred_at("2026-03-10T14:30:00Z");
  event->set_idempotency_key(key);
  return request;
}

// Lists the services of a server through the reflection protocol, hand-encoding the one
// request needed (ServerReflectionRequest.list_services = "", field 7) so the test does not
// depend on generated reflection code.
std::string ReflectionListing(int port) {
  grpc::GenericStub stub(LocalChannel(port));
  grpc::CompletionQueue queue;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  void* tag;
  bool ok;
  call->StartCall(reinterpret_cast<void*>(1));
  queue.Next(&tag, &ok);
  std::string request("\x3a\x00", 2);
  grpc::Slice slice(request);
  grpc::ByteBuffer buffer(&slice, 1);
  call->Write(buffer, reinterpret_cast<void*>(2));
  queue.Next(&tag, &ok);
  grpc::ByteBuffer reply;
  call->Read(&reply, reinterpret_cast<void*>(3));
  queue.Next(&tag, &ok);
  std::string listing;
  std::vector<grpc::Slice> slices;
  if (ok && reply.Dump(&slices).ok()) {
    for (const auto& part : slices)
      listing.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  call->WritesDone(reinterpret_cast<void*>(4));
  queue.Next(&tag, &ok);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(5)) {
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return listing;
}

TEST(GrpcContract, EveryServerServesHealthAndReflection) {
  Suite& suite = SharedSuite();
  for (auto [port, service] : {std::pair{suite.ingest_port(), "aievents.v1.IngestService"},
                               std::pair{suite.matching_port(), "aievents.v1.MatchingService"},
                               std::pair{suite.timeline_port(), "aievents.v1.TimelineService"}}) {
    auto health = grpc::health::v1::Health::NewStub(LocalChannel(port));
    grpc::health::v1::HealthCheckResponse response;
    // Readiness is polled in the background; the first poll may still be pending.
    for (int attempt = 0; attempt < 50; ++attempt) {
      grpc::ClientContext context;
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(service);
      ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
      if (response.status() == grpc::health::v1::HealthCheckResponse::SERVING) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
    EXPECT_NE(ReflectionListing(port).find(service), std::string::npos) << service;
  }
}

TEST(GrpcContract, ValidationErrorsCarryBadRequestDetails) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  v1::CreateEventRequest request = ValidRequest("grpc-invalid");
  request.mutable_ai_event()->clear_summary();
  request.mutable_ai_event()->set_confidence(7);
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::CreateEventResponse response;
  grpc::Status status = stub->CreateEvent(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<FieldViolation> violations = GetFieldViolations(FromGrpcStatus(status));
  ASSERT_EQ(violations.size(), 2u) << status.error_message();
  EXPECT_EQ(violations[0].field, "ai_event.summary");
  EXPECT_EQ(violations[1].field, "ai_event.confidence");
}

TEST(GrpcContract, CallsWithoutAValidKeyAreUnauthenticated) {
  Suite& suite = SharedSuite();
  auto stub = v1::MatchingService::NewStub(LocalChannel(suite.matching_port()));
  grpc::ClientContext context;
  v1::GetCustomerRequest request;
  request.set_id("01a1fd11-d7e9-7006-9e48-5e3072079a3d");
  v1::Customer customer;
  EXPECT_EQ(stub->GetCustomer(&context, request, &customer).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST(GrpcContract, ReplaysAreFlaggedInBodyAndMetadata) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  std::string first_id;
  for (bool expect_replay : {false, true}) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + tenant.api_key);
    v1::CreateEventResponse response;
    ASSERT_TRUE(stub->CreateEvent(&context, ValidRequest("grpc-replay"), &response).ok());
    EXPECT_EQ(response.replayed(), expect_replay);
    auto metadata = context.GetServerInitialMetadata();
    EXPECT_EQ(metadata.count("x-http-code"), expect_replay ? 1u : 0u);
    if (!expect_replay) first_id = response.event().id();
    EXPECT_EQ(response.event().id(), first_id);
  }
}

}  // namespace
}  // namespace aievents::testing

namespace aievents::testing {
namespace {

TEST(GrpcContract, MatchCustomersAnswersEveryLookupInOrder) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other = suite.NewTenant();
  std::string by_email = CreateCustomer(suite, tenant.api_key, {{"email", "batch@example.com"}});
  std::string by_phone = CreateCustomer(suite, tenant.api_key, {{"phone", "+1 555 010 2030"}});
  CreateCustomer(suite, other.api_key, {{"email", "theirs@example.com"}});
  auto stub = v1::MatchingService::NewStub(LocalChannel(suite.matching_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::MatchCustomersRequest request;
  request.add_customer_lookups()->set_email("Batch@Example.com");
  request.add_customer_lookups()->set_phone("not a phone");  // unusable: violations, not failure
  request.add_customer_lookups()->set_phone("(555) 010-2030");
  request.add_customer_lookups()->set_email("theirs@example.com");  // another tenant's
  v1::MatchCustomersResponse response;
  grpc::Status status = stub->MatchCustomers(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).match().customer_id(), by_email);
  EXPECT_EQ(response.results(0).match().match_method(), v1::MATCH_METHOD_EMAIL);
  EXPECT_EQ(response.results(0).match().normalized_lookup().email(), "batch@example.com");
  ASSERT_TRUE(response.results(1).has_invalid());
  EXPECT_EQ(response.results(1).invalid().field_violations(0).field(), "customer_lookup.phone");
  EXPECT_EQ(response.results(2).match().customer_id(), by_phone);
  EXPECT_EQ(response.results(2).match().match_method(), v1::MATCH_METHOD_PHONE);
  EXPECT_EQ(response.results(3).match().match_method(), v1::MATCH_METHOD_NONE)
      << "another tenant's customer never matches";
  EXPECT_FALSE(response.results(3).match().has_customer_id());
}

TEST(GrpcContract, CreateEventBatchAnswersEachCallAsCreateEventWould) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  v1::BatchRequest request;
  v1::CreateEventRequest invalid = ValidRequest("batch-invalid");
  invalid.mutable_ai_event()->clear_source();
  for (const v1::CreateEventRequest& call :
       {ValidRequest("batch-1"), invalid, ValidRequest("batch-1"), ValidRequest("batch-2")}) {
    v1::BatchedCall* batched = request.add_calls();
    batched->set_request(call.SerializeAsString());
    batched->set_request_id("req-" + call.ai_event().idempotency_key());
  }
  request.add_calls()->set_request("not a protobuf message \xff");
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::BatchResponse response;
  grpc::Status status = stub->CreateEventBatch(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.replies_size(), 5);
  v1::CreateEventResponse first, repeat, second;
  EXPECT_EQ(response.replies(0).status().code(), 0);
  ASSERT_TRUE(first.ParseFromString(response.replies(0).response()));
  EXPECT_FALSE(first.replayed());
  EXPECT_TRUE(response.replies(0).initial_metadata().empty());
  // The invalid call fails alone, with its violations.
  EXPECT_EQ(response.replies(1).status().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(GetFieldViolations(FromRpcStatus(response.replies(1).status())).at(0).field,
            "ai_event.source");
  // The same key twice in one batch: one row, the second call a replay of it.
  ASSERT_TRUE(repeat.ParseFromString(response.replies(2).response()));
  EXPECT_TRUE(repeat.replayed());
  EXPECT_EQ(repeat.event().id(), first.event().id());
  EXPECT_EQ(response.replies(2).initial_metadata().at("x-http-code"), "200");
  EXPECT_EQ(response.replies(2).initial_metadata().at("x-http-header-idempotent-replayed"), "true");
  ASSERT_TRUE(second.ParseFromString(response.replies(3).response()));
  EXPECT_NE(second.event().id(), first.event().id());
  EXPECT_EQ(response.replies(4).status().code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountEvents(suite, tenant.id), 2);

  grpc::ClientContext anonymous;
  EXPECT_EQ(stub->CreateEventBatch(&anonymous, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace aievents::testing
