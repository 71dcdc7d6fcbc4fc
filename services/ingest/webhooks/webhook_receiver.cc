#include "services/ingest/webhooks/webhook_receiver.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/auth/api_key.h"
#include "common/auth/authenticator.h"
#include "common/auth/standard_webhooks.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/text/crypto.h"
#include "common/text/ids.h"
#include "common/text/proto_enum_names.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

// The headers worth keeping with a delivery: what identifies and authenticates it.
bool KeepHeader(const std::string& name) {
  return name == "content-type" || name == "user-agent" || name.rfind("webhook-", 0) == 0 ||
         name.rfind("svix-", 0) == 0 || name == "x-request-id";
}

absl::Status UnknownSource() {
  return absl::NotFoundError("no active webhook source for this URL");
}

}  // namespace

absl::StatusOr<ReceiveOutcome> WebhookReceiver::Receive(const v1::ReceiveDeliveryRequest& request) {
  const auto* vendor_value =
      FindEnumValueByShortName(v1::WebhookVendor_descriptor(), request.vendor());
  if (vendor_value == nullptr) return UnknownSource();
  auto vendor = static_cast<v1::WebhookVendor>(vendor_value->number());
  absl::StatusOr<std::optional<SourceForToken>> source =
      webhooks_->FindSourceByToken(HashApiKey(request.token()));
  if (!source.ok()) return source.status();
  if (!source->has_value() || (*source)->disabled || (*source)->vendor != vendor) {
    return UnknownSource();
  }
  const SourceForToken& found = **source;
  std::map<std::string, std::string> headers(request.headers().begin(), request.headers().end());

  // Verify before parsing, on the exact bytes.
  if (found.requires_signature) {
    std::vector<std::string> keys;
    for (const std::string& secret : found.signing_secrets) {
      if (auto key = DecodeSigningSecret(secret); key.ok()) keys.push_back(*key);
    }
    absl::Status verified = VerifyStandardWebhook(headers, request.body(), keys, clock_());
    if (!verified.ok()) {
      Metrics::Global().Increment("aievents_webhook_unauthenticated_total",
                                  {{"vendor", request.vendor()}});
      return verified;
    }
  }

  // Over the limit, refuse before storing anything: the vendor retries later, nothing is lost.
  if (limiter_ != nullptr) {
    RateLimiter::Decision decision =
        limiter_->Take("source:" + found.source_id, found.tenant_id, 1, clock_());
    if (decision.granted == 0) {
      Metrics::Global().Increment("aievents_webhook_rate_limited_total",
                                  {{"vendor", request.vendor()}});
      return Authenticator::RateLimited(decision.retry_after_seconds);
    }
  }

  NewDelivery delivery;
  delivery.id = NewUuidV7();
  delivery.source_id = found.source_id;
  delivery.vendor = vendor;
  delivery.body = request.body();
  for (const auto& [name, value] : headers) {
    if (KeepHeader(name)) delivery.headers[name] = value;
  }
  delivery.status = v1::DELIVERY_STATUS_PENDING;

  nlohmann::json body;
  absl::Status malformed = absl::OkStatus();
  try {
    body = nlohmann::json::parse(request.body());
  } catch (const nlohmann::json::exception& e) {  // syntax, UTF-8, a number out of range
    malformed = absl::InvalidArgumentError(absl::StrCat("body is not valid JSON: ", e.what()));
  }
  absl::StatusOr<DeliveryIdentity> identity =
      malformed.ok() ? IdentifyDelivery(vendor, body, headers, request.body())
                     : absl::StatusOr<DeliveryIdentity>(malformed);
  if (!identity.ok()) {
    // Kept for inspection, once per distinct body; the sender is told with a 400.
    delivery.status = v1::DELIVERY_STATUS_REJECTED;
    delivery.message_id = "rejected:sha256:" + Sha256Hex(request.body());
    delivery.error = std::string(identity.status().message());
    absl::StatusOr<PgWebhookStore::InsertResult> kept =
        webhooks_->InsertDelivery(found.tenant_id, delivery);
    if (!kept.ok()) return kept.status();
    Metrics::Global().Increment("aievents_webhook_rejected_total", {{"vendor", request.vendor()}});
    return absl::InvalidArgumentError(
        absl::StrCat(identity.status().message(), " (kept as delivery ", kept->id, ")"));
  }
  delivery.message_id = identity->message_id;
  delivery.event_type = identity->event_type;
  absl::StatusOr<MappedDelivery> mapped =
      MapDelivery(vendor, body, *identity, delivery.id, clock_());
  if (mapped.ok() && mapped->kind == MappedDelivery::Kind::kCall) {
    delivery.call_key = CallKey(vendor, mapped->call.call_id);
  }

  absl::StatusOr<PgWebhookStore::InsertResult> inserted =
      webhooks_->InsertDelivery(found.tenant_id, delivery);
  if (!inserted.ok()) return inserted.status();
  ReceiveOutcome outcome;
  outcome.vendor = vendor;
  outcome.response.set_delivery_id(inserted->id);
  if (!inserted->inserted) {
    Metrics::Global().Increment("aievents_webhook_duplicates_total",
                                {{"vendor", request.vendor()}});
    outcome.response.set_status(inserted->status);
    outcome.response.set_duplicate(true);
    return outcome;
  }
  Metrics::Global().Increment("aievents_webhook_deliveries_total",
                              {{"vendor", request.vendor()}, {"event_type", delivery.event_type}});
  // The delivery is durable now; whatever processing does, the vendor gets its 2xx.
  absl::StatusOr<ProcessOutcome> processed = processor_->Process(found.tenant_id, inserted->id);
  if (!processed.ok()) {
    log::Warn("webhook_processing_deferred",
              {{"delivery_id", inserted->id}, {"error", processed.status().ToString()}});
    outcome.response.set_status(v1::DELIVERY_STATUS_PENDING);
    return outcome;
  }
  outcome.response.set_status(processed->status);
  if (processed->suppressed) outcome.response.mutable_suppressed()->set_suppressed(true);
  return outcome;
}

}  // namespace aievents::ingest
