#include "gateway/http_status.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace aievents::gateway {
namespace {

struct Row {
  absl::StatusCode code;
  int http;
};

class HttpStatusMapping : public ::testing::TestWithParam<Row> {};

TEST_P(HttpStatusMapping, MapsLikeGrpcGateway) {
  EXPECT_EQ(HttpStatusFromCode(GetParam().code), GetParam().http);
}

INSTANTIATE_TEST_SUITE_P(
    EveryRow, HttpStatusMapping,
    ::testing::Values(
        Row{absl::StatusCode::kOk, 200}, Row{absl::StatusCode::kInvalidArgument, 400},
        Row{absl::StatusCode::kFailedPrecondition, 400}, Row{absl::StatusCode::kOutOfRange, 400},
        Row{absl::StatusCode::kUnauthenticated, 401}, Row{absl::StatusCode::kPermissionDenied, 403},
        Row{absl::StatusCode::kNotFound, 404}, Row{absl::StatusCode::kAlreadyExists, 409},
        Row{absl::StatusCode::kAborted, 409}, Row{absl::StatusCode::kResourceExhausted, 429},
        Row{absl::StatusCode::kCancelled, 499}, Row{absl::StatusCode::kUnimplemented, 501},
        Row{absl::StatusCode::kUnavailable, 503}, Row{absl::StatusCode::kDeadlineExceeded, 504},
        Row{absl::StatusCode::kInternal, 500}, Row{absl::StatusCode::kUnknown, 500},
        Row{absl::StatusCode::kDataLoss, 500}));

TEST(ErrorBody, CarriesCodeMessageAndViolations) {
  HttpResponse response =
      ErrorResponseFromStatus(InvalidArgumentWithViolations({{"ai_event.summary", "is required"}}));
  EXPECT_EQ(response.status, 400);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "INVALID_ARGUMENT");
  EXPECT_EQ(body["error"]["field_violations"][0]["field"], "ai_event.summary");
  EXPECT_EQ(body["error"]["field_violations"][0]["description"], "is required");
}

TEST(ErrorBody, HidesInternalDetails) {
  HttpResponse response = ErrorResponseFromStatus(absl::InternalError("SQL: relation x"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("SQL"), std::string::npos);
}

}  // namespace
}  // namespace aievents::gateway
