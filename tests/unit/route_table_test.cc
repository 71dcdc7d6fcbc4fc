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
  // MatchCustomer has no HTTP option: internal only.
  EXPECT_EQ(table.routes().size(), 4u);
  auto create = table.Match("POST", "/v1/ai-events");
  ASSERT_TRUE(create.ok());
  EXPECT_EQ(create->route->GrpcPath(), "/aievents.v1.IngestService/CreateEvent");
  EXPECT_EQ(create->route->rule.success_status(), 201);
}

TEST(RouteTable, BindsAndDecodesPathVariables) {
  auto match = Table().Match("GET", "/v1/customers/abc%2Ddef");
  ASSERT_TRUE(match.ok());
  EXPECT_EQ(match->route->GrpcPath(), "/aievents.v1.MatchingService/GetCustomer");
  EXPECT_EQ(match->path_params.at("id"), "abc-def");
}

TEST(RouteTable, NotFoundAndMethodNotAllowed) {
  RouteTable table = Table();
  EXPECT_EQ(table.Match("GET", "/v2/ai-events").status().code(), absl::StatusCode::kNotFound);
  auto wrong = table.Match("DELETE", "/v1/customers/x");
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(wrong.status().message(), "GET");
}

TEST(PercentDecode, Basics) {
  EXPECT_EQ(*PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(*PercentDecode("a+c", false), "a+c");
  EXPECT_FALSE(PercentDecode("bad%2", false).has_value());
  EXPECT_FALSE(PercentDecode("bad%zz", false).has_value());
}

}  // namespace
}  // namespace aievents::gateway
