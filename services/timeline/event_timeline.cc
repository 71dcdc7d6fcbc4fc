#include "services/timeline/event_timeline.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"
#include "common/text/proto_enum_names.h"
#include "google/protobuf/util/time_util.h"

namespace aievents::timeline {
namespace {

using google::protobuf::util::TimeUtil;

const char* KindName(ListKind kind) {
  switch (kind) {
    case ListKind::kCustomer:
      return "customer";
    case ListKind::kUnmatched:
      return "unmatched";
    case ListKind::kMatched:
      return "matched";
    case ListKind::kAll:
      return "all";
  }
  return "";
}

}  // namespace

absl::StatusOr<v1::AiEvent> EventTimeline::GetEvent(const RequestContext& context,
                                                    const std::string& id) {
  if (!IsUuid(id)) return InvalidArgumentWithViolations({{"id", "must be a UUID"}});
  AIEV_ASSIGN_OR_RETURN(std::optional<v1::AiEvent> event, store_->Get(context.tenant_id, id));
  if (!event.has_value()) return absl::NotFoundError(absl::StrCat("AI event ", id, " not found"));
  return *event;
}

absl::Status EventTimeline::CheckCustomer(const RequestContext& context,
                                          const std::string& customer_id) {
  if (!IsUuid(customer_id)) {
    return InvalidArgumentWithViolations({{"customer_id", "must be a UUID"}});
  }
  AIEV_ASSIGN_OR_RETURN(bool exists, store_->CustomerExists(context.tenant_id, customer_id));
  if (!exists) return absl::NotFoundError(absl::StrCat("customer ", customer_id, " not found"));
  return absl::OkStatus();
}

template <typename Request>
absl::StatusOr<v1::ListEventsResponse> EventTimeline::List(const RequestContext& context,
                                                           ListKind kind,
                                                           const std::string& customer_id,
                                                           const Request& request) {
  std::vector<FieldViolation> violations;
  if (request.page_size() < 0) violations.push_back({"page_size", "must not be negative"});
  if (!v1::EventType_IsValid(request.event_type())) {
    violations.push_back({"event_type", "is not a known event type"});
  }
  ListQuery query;
  query.kind = kind;
  query.customer_id = customer_id;
  query.limit =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  if (request.event_type() != v1::EVENT_TYPE_UNSPECIFIED) {
    query.filter.event_type = ShortName(request.event_type());
  }
  if (request.has_source()) query.filter.source = request.source();
  if (request.has_occurred_after()) {
    query.filter.occurred_after_micros =
        TimeUtil::TimestampToMicroseconds(request.occurred_after());
  }
  if (request.has_occurred_before()) {
    query.filter.occurred_before_micros =
        TimeUtil::TimestampToMicroseconds(request.occurred_before());
  }
  std::string fingerprint = QueryFingerprint(
      absl::StrCat(KindName(kind), "|", customer_id, "|", query.filter.event_type.value_or("*"),
                   "|", query.filter.source.has_value() ? "=" + *query.filter.source : "*", "|",
                   query.filter.occurred_after_micros.value_or(INT64_MIN), "|",
                   query.filter.occurred_before_micros.value_or(INT64_MAX)));
  if (!request.page_token().empty()) {
    auto position = DecodePageToken(request.page_token(), fingerprint);
    if (position.ok()) {
      query.after = *position;
    } else {
      for (FieldViolation& v : GetFieldViolations(position.status())) violations.push_back(v);
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);

  // One extra row tells whether another page exists.
  int page_size = query.limit;
  query.limit = page_size + 1;
  AIEV_ASSIGN_OR_RETURN(std::vector<v1::AiEvent> events, store_->List(context.tenant_id, query));
  v1::ListEventsResponse response;
  bool more = static_cast<int>(events.size()) > page_size;
  if (more) events.resize(page_size);
  for (v1::AiEvent& event : events) *response.add_ai_events() = std::move(event);
  if (more) {
    const v1::AiEvent& last = response.ai_events(page_size - 1);
    const auto& sort = kind == ListKind::kCustomer ? last.occurred_at() : last.received_at();
    response.set_next_page_token(
        EncodePageToken({TimeUtil::TimestampToMicroseconds(sort), last.id()}, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::ListEventsResponse> EventTimeline::ListCustomerEvents(
    const RequestContext& context, const v1::ListCustomerEventsRequest& request) {
  AIEV_RETURN_IF_ERROR(CheckCustomer(context, request.customer_id()));
  return List(context, ListKind::kCustomer, request.customer_id(), request);
}

absl::StatusOr<v1::CountEventsResponse> EventTimeline::CountEvents(
    const RequestContext& context, const v1::CountEventsRequest& request) {
  ListKind kind = !request.has_matched() ? ListKind::kAll
                  : request.matched()    ? ListKind::kMatched
                                         : ListKind::kUnmatched;
  // One more than the cap tells "exactly 10,000" from "more".
  AIEV_ASSIGN_OR_RETURN(int64_t count, store_->Count(context.tenant_id, kind, kCountCap + 1));
  v1::CountEventsResponse response;
  response.set_count(std::min(count, kCountCap));
  response.set_capped(count > kCountCap);
  return response;
}

absl::StatusOr<v1::ListEventsResponse> EventTimeline::ListEvents(
    const RequestContext& context, const v1::ListEventsRequest& request) {
  ListKind kind = !request.has_matched() ? ListKind::kAll
                  : request.matched()    ? ListKind::kMatched
                                         : ListKind::kUnmatched;
  return List(context, kind, "", request);
}

}  // namespace aievents::timeline
