// One writer per table (docs/architecture.md): ingest owns ai_events and their history, so
// association and re-matching are its RPCs. These tests call the contracts directly: association
// is ingest's alone (the timeline's deprecated copy is removed), and LinkUnmatchedEvents links
// only what is still unmatched, only to the tenant's own customers.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "aievents/v1/ingest_service.grpc.pb.h"
#include "common/rpc/grpc_status.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

v1::EventLink Link(const std::string& event_id, const std::string& customer_id) {
  v1::EventLink link;
  link.set_event_id(event_id);
  link.set_customer_id(customer_id);
  link.set_matched_value("linked@example.com");
  return link;
}

bool Unmatched(const nlohmann::json& event) {
  return event.value("customer_id", nlohmann::json()).is_null() && event["match_method"] == "none";
}

TEST(EventOwnership, AssociationIsIngestsRpcAndRecordsTheCaller) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "fwd@example.com"}});
  nlohmann::json event = CreateEvent(suite, tenant.api_key, {{"email", "nobody-fwd@example.com"}},
                                     "2026-03-10T14:30:00Z", "fwd");
  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::AssociateEventRequest request;
  request.set_id(event["id"].get<std::string>());
  request.set_customer_id(customer);
  v1::AiEvent associated;
  grpc::Status status = stub->AssociateEvent(&context, request, &associated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(associated.customer_id(), customer);
  EXPECT_EQ(associated.match_method(), v1::MATCH_METHOD_MANUAL);
  ASSERT_EQ(associated.associations_size(), 1);
  EXPECT_EQ(associated.associations(0).actor(), tenant.api_key.substr(0, 12));

  grpc::ClientContext bad_context;
  bad_context.AddMetadata("x-api-key", tenant.api_key);
  request.set_customer_id("not-a-uuid");
  status = stub->AssociateEvent(&bad_context, request, &associated);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<FieldViolation> violations = GetFieldViolations(FromGrpcStatus(status));
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "customer_id");
}

// The deprecated TimelineService.AssociateEvent is gone: the timeline no longer calls ingest,
// and an old client gets UNIMPLEMENTED rather than a silent forward (docs/grpc.md, "Removed").
TEST(EventOwnership, TheRemovedTimelineAssociationAnswersUnimplemented) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  grpc::GenericStub stub(LocalChannel(suite.timeline_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::AssociateEventRequest request;
  request.set_id("01890000-0000-7000-8000-000000000000");
  request.set_customer_id("01890000-0000-7000-8000-000000000001");
  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/aievents.v1.TimelineService/AssociateEvent", grpc::StubOptions(),
                 &request_buffer, &response_buffer,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  EXPECT_EQ(done.get_future().get().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(EventOwnership, LinkUnmatchedLinksOnlyWhatIsStillUnmatchedToTheTenantsCustomers) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto other = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "owner@example.com"}});
  std::string theirs = CreateCustomer(suite, other.api_key, {{"email", "theirs@example.com"}});
  std::string unmatched = CreateEvent(suite, tenant.api_key, {{"email", "u1@example.com"}},
                                      "2026-03-10T14:30:00Z", "u1")["id"];
  std::string unmatched_2 = CreateEvent(suite, tenant.api_key, {{"email", "u2@example.com"}},
                                        "2026-03-10T14:31:00Z", "u2")["id"];
  std::string matched = CreateEvent(suite, tenant.api_key, {{"email", "owner@example.com"}},
                                    "2026-03-10T14:32:00Z", "m")["id"];
  std::string other_tenants = CreateEvent(suite, other.api_key, {{"email", "u3@example.com"}},
                                          "2026-03-10T14:33:00Z", "o")["id"];

  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::LinkUnmatchedEventsRequest request;
  *request.add_links() = Link(unmatched, customer);
  *request.add_links() = Link(unmatched_2, theirs);      // another tenant's customer: skipped
  *request.add_links() = Link(matched, customer);        // already matched: left alone
  *request.add_links() = Link(other_tenants, customer);  // another tenant's event: invisible
  v1::LinkUnmatchedEventsResponse response;
  grpc::Status status = stub->LinkUnmatchedEvents(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.linked(), 1);

  nlohmann::json linked = suite.Get(tenant.api_key, "/v1/ai-events/" + unmatched).Json();
  EXPECT_EQ(linked["customer_id"], customer);
  EXPECT_EQ(linked["match_method"], "auto");
  EXPECT_EQ(linked["associations"][0]["actor"], "auto-rematch by " + tenant.api_key.substr(0, 12));
  EXPECT_TRUE(Unmatched(suite.Get(tenant.api_key, "/v1/ai-events/" + unmatched_2).Json()));
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events/" + matched).Json()["match_method"], "email");
  EXPECT_TRUE(Unmatched(suite.Get(other.api_key, "/v1/ai-events/" + other_tenants).Json()));
}

TEST(EventOwnership, LinkUnmatchedNamesEveryBadLink) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  auto stub = v1::IngestService::NewStub(LocalChannel(suite.ingest_port()));
  grpc::ClientContext context;
  context.AddMetadata("x-api-key", tenant.api_key);
  v1::LinkUnmatchedEventsRequest request;
  *request.add_links() = Link("01a1fd11-d7e9-7006-9e48-5e3072079a3d", "nope");
  *request.add_links() = Link("nope", "01a1fd11-d7e9-7006-9e48-5e3072079a3d");
  v1::LinkUnmatchedEventsResponse response;
  grpc::Status status = stub->LinkUnmatchedEvents(&context, request, &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  std::vector<FieldViolation> violations = GetFieldViolations(FromGrpcStatus(status));
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].field, "links[0].customer_id");
  EXPECT_EQ(violations[1].field, "links[1].event_id");
}

}  // namespace
}  // namespace aievents::testing
