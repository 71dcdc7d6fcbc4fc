#include "gateway/route_table.h"

#include <gtest/gtest.h>

#include "aievents/v1/ingest_service.pb.h"
#include "aievents/v1/matching_service.pb.h"
#include "aievents/v1/timeline_service.pb.h"

namespace aievents::gateway {
namespace {

RouteTable Table() {
  auto table = RouteTable::Build(
      {v1::CreateEventRequest::descriptor()->file()->FindServiceByName("IngestService"),
       v1::GetCustomerRequest::descriptor()->file()->FindServiceByName("MatchingService"),
       v1::GetEventRequest::descriptor()->file()->FindServiceByName("TimelineService")});
  EXPECT_TRUE(table.ok()) << table.status();
  return *table;
}

TEST(RouteTable, BuiltFromProtoOptions) {
  RouteTable table = Table();
  // MatchCustomer has no HTTP option: gRPC only. WatchCustomerEvents is server-sent events.
  EXPECT_EQ(table.routes().size(), 17u) << "(the webhook service is not in this table)";
  auto watch = table.Match("GET", "/v1/customers/c-1/ai-events:watch");
  ASSERT_TRUE(watch.ok()) << watch.status();
  EXPECT_TRUE(watch->route->method->server_streaming());
  EXPECT_EQ(watch->path_params.at("customer_id"), "c-1");
  // ExportCustomer streams one JSON document.
  auto exported = table.Match("GET", "/v1/customers/c-1:export");
  ASSERT_TRUE(exported.ok()) << exported.status();
  EXPECT_EQ(exported->route->rule.stream_document_items(), "ai_events");
  auto count = table.Match("GET", "/v1/ai-events:count");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(count->route->GrpcPath(), "/aievents.v1.TimelineService/CountEvents");
  auto create = table.Match("POST", "/v1/ai-events");
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->route->GrpcPath(), "/aievents.v1.IngestService/CreateEvent");
  EXPECT_EQ(create->route->rule.success_status(), 201);
}

TEST(RouteTable, BindsAndDecodesPathVariables) {
  RouteTable table = Table();  // the match points into the table: keep it alive
  auto match = table.Match("GET", "/v1/customers/abc%2Ddef");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->route->GrpcPath(), "/aievents.v1.MatchingService/GetCustomer");
  EXPECT_EQ(match->path_params.at("id"), "abc-def");
}

TEST(RouteTable, CustomVerbsAndNestedPaths) {
  RouteTable table = Table();
  auto associate = table.Match("POST", "/v1/ai-events/abc:associate");
  ASSERT_TRUE(associate.ok());
  EXPECT_EQ(associate->route->GrpcPath(), "/aievents.v1.IngestService/AssociateEvent");
  EXPECT_EQ(associate->path_params.at("id"), "abc");
  auto candidates = table.Match("GET", "/v1/ai-events/abc/candidates");
  ASSERT_TRUE(candidates.ok());
  EXPECT_EQ(candidates->route->GrpcPath(), "/aievents.v1.MatchingService/ListCandidates");
  EXPECT_EQ(candidates->path_params.at("event_id"), "abc");
  auto list = table.Match("GET", "/v1/customers/abc/ai-events");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->route->GrpcPath(), "/aievents.v1.TimelineService/ListCustomerEvents");
  // A verb the template does not declare is no match.
  EXPECT_FALSE(table.Match("POST", "/v1/ai-events/abc:delete").ok());
  EXPECT_FALSE(table.Match("GET", "/v1/ai-events/abc:associate").ok());
}

TEST(RouteTable, NotFoundAndMethodNotAllowed) {
  RouteTable table = Table();
  EXPECT_EQ(table.Match("GET", "/v2/ai-events").status().code(), absl::StatusCode::kNotFound);
  auto wrong = table.Match("POST", "/v1/customers/x");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong.status().message(), "GET, PATCH, DELETE");
}

TEST(PercentDecode, Basics) {
  EXPECT_EQ(*PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*PercentDecode("a+c", false), "a+c");
  EXPECT_FALSE(PercentDecode("bad%2", false).has_value());
  EXPECT_FALSE(PercentDecode("bad%zz", false).has_value());
}

}  // namespace
}  // namespace aievents::gateway
