#include "services/ingest/webhooks/webhook_processor.h"

#include <future>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/auth/authenticator.h"
#include "common/domain/customer_lookup_rules.h"
#include "common/rpc/grpc_status.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/runtime/status_macros.h"
#include "common/text/ids.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"
#include "services/ingest/webhooks/call_merger.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

// How long processing waits for group commit to store a vendor event.
constexpr auto kCommitWait = std::chrono::seconds(10);

// How often a call is merged and matched again when deliveries keep arriving meanwhile. Each
// new delivery is processed on its own too, so giving up loses nothing: the delivery stays
// pending, and the inbox worker or the next delivery brings the event up to date.
constexpr int kCallMergeAttempts = 3;

}  // namespace

absl::StatusOr<v1::MatchCustomerResponse> WebhookProcessor::MatchTolerant(
    const std::string& tenant_id, v1::CustomerLookup lookup) {
  lookup = UsableLookupParts(std::move(lookup));
  RequestContext context = Authenticator::InternalContext(internal_token_, tenant_id, "webhook");
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!CheckCustomerLookup(lookup).empty()) {  // nothing usable is left
      v1::MatchCustomerResponse none;
      none.set_match_method(v1::MATCH_METHOD_NONE);
      return none;
    }
    absl::StatusOr<v1::MatchCustomerResponse> match = matching_->Match(context, lookup);
    if (match.ok() || match.status().code() != absl::StatusCode::kInvalidArgument) return match;
    // libphonenumber has the last word on phones: drop what it refused and match the rest.
    for (const FieldViolation& violation : GetFieldViolations(match.status())) {
      if (violation.field == "customer_lookup.phone") lookup.clear_phone();
      if (violation.field == "customer_lookup.email") lookup.clear_email();
    }
  }
  return absl::InvalidArgumentError("the vendor's customer details cannot be matched");
}

absl::StatusOr<StoredEvent> WebhookProcessor::CommitThroughBatch(const std::string& tenant_id,
                                                                 const ValidatedEvent& event) {
  auto result = std::make_shared<std::promise<absl::StatusOr<StoredEvent>>>();
  std::future<absl::StatusOr<StoredEvent>> future = result->get_future();
  PendingEvent pending;
  pending.caller = Authenticator::InternalContext(internal_token_, tenant_id, "webhook");
  pending.event = event;
  pending.idempotency_key = *event.idempotency_key;
  pending.done = [result](absl::StatusOr<StoredEvent> stored) {
    result->set_value(std::move(stored));
  };
  if (absl::Status queued = batcher_->Submit(std::move(pending)); !queued.ok()) return queued;
  if (future.wait_for(kCommitWait) != std::future_status::ready) {
    // The delivery stays pending; the inbox worker retries it, and the key makes that safe.
    return absl::DeadlineExceededError("the event was not committed in time");
  }
  return future.get();
}

absl::StatusOr<ProcessOutcome> WebhookProcessor::Process(const std::string& tenant_id,
                                                         const std::string& delivery_id) {
  absl::StatusOr<std::optional<StoredDelivery>> loaded =
      store_->GetDelivery(tenant_id, delivery_id);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->has_value()) {
    return absl::NotFoundError(absl::StrCat("webhook delivery ", delivery_id, " not found"));
  }
  const StoredDelivery& delivery = **loaded;
  if (delivery.status == v1::DELIVERY_STATUS_REJECTED) {
    return ProcessOutcome{v1::DELIVERY_STATUS_REJECTED, std::nullopt, "rejected"};
  }
  nlohmann::json body = nlohmann::json::parse(delivery.body, nullptr, false);
  DeliveryIdentity identity{delivery.message_id, delivery.event_type};
  absl::StatusOr<MappedDelivery> mapped =
      MapDelivery(delivery.vendor, body, identity, delivery.id, delivery.received_at);

  absl::StatusOr<ProcessOutcome> outcome;
  if (!mapped.ok()) {
    outcome = absl::InvalidArgumentError(mapped.status().message());
  } else if (mapped->kind == MappedDelivery::Kind::kIgnored) {
    Metrics::Global().Increment(
        "aievents_webhook_ignored_total",
        {{"vendor", VendorName(delivery.vendor)}, {"event_type", delivery.event_type}});
    absl::Status marked = store_->MarkDelivery(tenant_id, delivery.id, v1::DELIVERY_STATUS_IGNORED,
                                               mapped->ignored_reason, std::nullopt);
    if (!marked.ok()) return marked;
    return ProcessOutcome{v1::DELIVERY_STATUS_IGNORED, std::nullopt, mapped->ignored_reason};
  } else if (mapped->kind == MappedDelivery::Kind::kStandalone) {
    outcome = ProcessStandalone(tenant_id, delivery, mapped->standalone);
  } else {
    outcome = ProcessCall(tenant_id, delivery, CallKey(delivery.vendor, mapped->call.call_id));
  }
  if (outcome.ok()) {
    Metrics::Global().Increment("aievents_webhook_processed_total",
                                {{"vendor", VendorName(delivery.vendor)}});
    return outcome;
  }
  if (outcome.status().code() == absl::StatusCode::kAborted) return outcome.status();
  // A dependency that is away (matching, the database) is not the delivery's fault: it stays
  // pending, and the inbox worker processes it once the dependency is back.
  if (outcome.status().code() == absl::StatusCode::kUnavailable ||
      outcome.status().code() == absl::StatusCode::kDeadlineExceeded) {
    Metrics::Global().Increment("aievents_webhook_deferred_total",
                                {{"vendor", VendorName(delivery.vendor)}});
    return outcome.status();
  }
  // Keep the delivery with its error; it can be replayed after a fix.
  std::string error(outcome.status().message());
  log::Warn("webhook_delivery_failed", {{"tenant", tenant_id},
                                        {"delivery_id", delivery.id},
                                        {"vendor", VendorName(delivery.vendor)},
                                        {"error", error}});
  Metrics::Global().Increment("aievents_webhook_failed_total",
                              {{"vendor", VendorName(delivery.vendor)}});
  absl::Status marked =
      store_->MarkDelivery(tenant_id, delivery.id, v1::DELIVERY_STATUS_FAILED, error, std::nullopt);
  if (!marked.ok()) return marked;
  return ProcessOutcome{v1::DELIVERY_STATUS_FAILED, std::nullopt, error};
}

absl::StatusOr<ProcessOutcome> WebhookProcessor::ProcessCall(const std::string& tenant_id,
                                                             const StoredDelivery& delivery,
                                                             const std::string& call_key) {
  for (int attempt = 1;; ++attempt) {
    AIEV_ASSIGN_OR_RETURN(std::vector<StoredDelivery> deliveries,
                          store_->CallDeliveries(tenant_id, call_key));
    std::vector<std::string> merged_ids;
    std::vector<CallContribution> contributions;
    for (const StoredDelivery& row : deliveries) {
      merged_ids.push_back(row.id);
      nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
      auto mapped =
          MapDelivery(row.vendor, body, {row.message_id, row.event_type}, row.id, row.received_at);
      if (mapped.ok() && mapped->kind == MappedDelivery::Kind::kCall) {
        contributions.push_back(std::move(mapped->call));
      }
    }
    if (contributions.empty()) return absl::InternalError("the call has no usable deliveries");
    ValidatedEvent event = BuildCallEvent(delivery.vendor, MergeContributions(contributions));
    AIEV_ASSIGN_OR_RETURN(v1::MatchCustomerResponse match, MatchTolerant(tenant_id, event.lookup));
    if (match.suppressed()) {
      merged_ids.push_back(delivery.id);
      return Suppressed(tenant_id, delivery, merged_ids);
    }
    NewEvent row{NewUuidV7(), *event.idempotency_key, &event, &match};
    absl::StatusOr<v1::AiEvent> stored =
        store_->CommitCallEvent(tenant_id, call_key, delivery.id, merged_ids, row);
    if (stored.ok()) return ProcessOutcome{v1::DELIVERY_STATUS_PROCESSED, stored->id(), ""};
    if (stored.status().code() != absl::StatusCode::kAborted || attempt == kCallMergeAttempts) {
      return stored.status();
    }
    Metrics::Global().Increment("aievents_webhook_call_remerged_total",
                                {{"vendor", VendorName(delivery.vendor)}});
  }
}

absl::StatusOr<ProcessOutcome> WebhookProcessor::ProcessStandalone(
    const std::string& tenant_id, const StoredDelivery& delivery,
    const v1::CreateEventRequest& request) {
  v1::CreateEventRequest usable = request;
  *usable.mutable_customer_lookup() = UsableLookupParts(request.customer_lookup());
  bool matchable = CheckCustomerLookup(usable.customer_lookup()).empty();
  if (!matchable) usable.clear_customer_lookup();
  usable.mutable_ai_event()->set_occurred_at(FormatRfc3339(delivery.received_at));
  // A vendor event about nobody we can identify is stored unmatched.
  absl::StatusOr<ValidatedEvent> event = ValidateCreateEvent(usable, LookupRequirement::kOptional);
  if (!event.ok()) return event.status();
  absl::StatusOr<StoredEvent> stored = CommitThroughBatch(tenant_id, *event);
  if (!stored.ok() && stored.status().code() == absl::StatusCode::kInvalidArgument) {
    // libphonenumber has the last word on phones: drop what matching refused, keep the rest.
    for (const FieldViolation& violation : GetFieldViolations(stored.status())) {
      if (violation.field == "customer_lookup.phone") event->lookup.clear_phone();
      if (violation.field == "customer_lookup.email") event->lookup.clear_email();
    }
    if (!CheckCustomerLookup(event->lookup).empty()) event->lookup.Clear();
    stored = CommitThroughBatch(tenant_id, *event);
  }
  if (!stored.ok()) return stored.status();
  if (stored->suppressed) return Suppressed(tenant_id, delivery, {delivery.id});
  std::string event_id = stored->event.id();
  absl::Status marked =
      store_->MarkDelivery(tenant_id, delivery.id, v1::DELIVERY_STATUS_PROCESSED, "", event_id);
  if (!marked.ok()) return marked;
  return ProcessOutcome{v1::DELIVERY_STATUS_PROCESSED, event_id, ""};
}

absl::StatusOr<ProcessOutcome> WebhookProcessor::Suppressed(const std::string& tenant_id,
                                                            const StoredDelivery& delivery,
                                                            const std::vector<std::string>& ids) {
  AIEV_RETURN_IF_ERROR(store_->ForgetDeliveries(tenant_id, ids));
  Metrics::Global().Increment("aievents_suppressed_total", {{"path", "vendor"}});
  return ProcessOutcome{v1::DELIVERY_STATUS_IGNORED, std::nullopt, "suppressed", true};
}

}  // namespace aievents::ingest
