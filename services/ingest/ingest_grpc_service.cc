#include "services/ingest/ingest_grpc_service.h"

#include <atomic>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/log.h"
#include "common/service/grpc_handler.h"
#include "common/text/ids.h"

namespace aievents::ingest {
namespace {

constexpr int kMaxBatchCalls = 1000;

// The initial metadata CreateEvent sends with `result` (see the proto).
std::vector<std::pair<const char*, const char*>> AnswerMetadata(
    const absl::StatusOr<v1::CreateEventResponse>& result) {
  if (result.ok() && result->has_suppressed()) {
    return {{"x-http-code", "202"}, {"x-http-body-field", "suppressed"}};
  }
  if (result.ok() && result->replayed()) {
    return {{"x-http-code", "200"}, {"x-http-header-idempotent-replayed", "true"}};
  }
  if (!result.ok() && result.status().code() == absl::StatusCode::kUnavailable) {
    return {{"x-http-header-retry-after", "1"}};
  }
  return {};
}

constexpr char kCreateEvent[] = "aievents.v1.IngestService.CreateEvent";
constexpr char kCreateEventBatch[] = "aievents.v1.IngestService.CreateEventBatch";

}  // namespace

grpc::ServerUnaryReactor* IngestGrpcService::CreateEvent(grpc::CallbackServerContext* context,
                                                         const v1::CreateEventRequest* request,
                                                         v1::CreateEventResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  absl::StatusOr<RequestContext> caller = authenticator_->Authorize(*context, kCreateEvent);
  if (!caller.ok()) {
    LogAuthorizationFault(kCreateEvent, caller.status());
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  ingestor_->Create(*caller, *request,
                    [context, reactor, response,
                     caller = *caller](absl::StatusOr<v1::CreateEventResponse> result) {
                      for (const auto& [key, value] : AnswerMetadata(result)) {
                        context->AddInitialMetadata(key, value);
                      }
                      if (!result.ok()) {
                        LogCallFault(kCreateEvent, result.status(), caller);
                        reactor->Finish(ToGrpcStatus(result.status()));
                        return;
                      }
                      *response = *std::move(result);
                      reactor->Finish(grpc::Status::OK);
                    });
  return reactor;
}

grpc::ServerUnaryReactor* IngestGrpcService::CreateEventBatch(grpc::CallbackServerContext* context,
                                                              const v1::BatchRequest* request,
                                                              v1::BatchResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  int calls = request->calls_size();
  if (calls > kMaxBatchCalls) {
    reactor->Finish(ToGrpcStatus(InvalidArgumentWithViolations(
        {{"calls", absl::StrCat("must have at most ", kMaxBatchCalls, " entries")}})));
    return reactor;
  }
  // Each call costs one token; when the rate limit grants only some, the rest are refused
  // one by one (each its own 429), before anything of theirs is stored.
  int granted = 0;
  absl::StatusOr<RequestContext> caller =
      authenticator_->Authorize(*context, kCreateEventBatch, std::max(calls, 1), &granted);
  if (!caller.ok()) {
    LogAuthorizationFault(kCreateEventBatch, caller.status());
    reactor->Finish(ToGrpcStatus(caller.status()));
    return reactor;
  }
  if (calls == 0) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  // Every reply exists before any call completes: completions (on commit threads) each fill
  // their own, and the last one finishes the RPC.
  for (int i = 0; i < calls; ++i) response->add_replies();
  auto unanswered = std::make_shared<std::atomic<int>>(calls);
  for (int i = 0; i < calls; ++i) {
    const v1::BatchedCall& call = request->calls(i);
    RequestContext call_context = *caller;
    call_context.request_id = call.request_id().empty() ? NewUuidV7() : call.request_id();
    auto answer = [reactor, reply = response->mutable_replies(i), unanswered,
                   call_context](absl::StatusOr<v1::CreateEventResponse> result) {
      for (const auto& [key, value] : AnswerMetadata(result)) {
        (*reply->mutable_initial_metadata())[key] = value;
      }
      for (const auto& [key, value] : call_context.rate_limit_metadata) {
        (*reply->mutable_initial_metadata())[key] = value;
      }
      if (result.ok()) {
        reply->set_response(result->SerializeAsString());
      } else {
        LogCallFault(kCreateEventBatch, result.status(), call_context);
      }
      *reply->mutable_status() = ToRpcStatus(result.status());
      if (unanswered->fetch_sub(1, std::memory_order_acq_rel) == 1) {
        reactor->Finish(grpc::Status::OK);
      }
    };
    if (i >= granted) {
      answer(Authenticator::RateLimited(1));
      continue;
    }
    v1::CreateEventRequest event;
    if (!event.ParseFromString(call.request())) {
      answer(absl::InvalidArgumentError("calls[].request is not a serialized CreateEventRequest"));
      continue;
    }
    ingestor_->Create(call_context, event, answer);
  }
  return reactor;
}

grpc::Status IngestGrpcService::AssociateEvent(grpc::ServerContext* context,
                                               const v1::AssociateEventRequest* request,
                                               v1::AiEvent* response) {
  return HandleAuthenticated(
      "aievents.v1.IngestService.AssociateEvent", *authenticator_, context, response,
      [&](const RequestContext& caller) { return linker_->Associate(caller, *request); });
}

grpc::Status IngestGrpcService::LinkUnmatchedEvents(grpc::ServerContext* context,
                                                    const v1::LinkUnmatchedEventsRequest* request,
                                                    v1::LinkUnmatchedEventsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.IngestService.LinkUnmatchedEvents", *authenticator_, context, response,
      [&](const RequestContext& caller) { return linker_->LinkUnmatched(caller, *request); });
}

grpc::Status IngestGrpcService::EraseCustomerEvents(grpc::ServerContext* context,
                                                    const v1::EraseCustomerEventsRequest* request,
                                                    v1::EraseCustomerEventsResponse* response) {
  return HandleAuthenticated(
      "aievents.v1.IngestService.EraseCustomerEvents", *authenticator_, context, response,
      [&](const RequestContext& caller) { return erasure_->EraseBatch(caller, *request); });
}

}  // namespace aievents::ingest
