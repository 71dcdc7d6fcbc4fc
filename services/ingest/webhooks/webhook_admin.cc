#include "services/ingest/webhooks/webhook_admin.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/api_key.h"
#include "common/auth/standard_webhooks.h"
#include "common/rpc/grpc_status.h"
#include "common/rpc/page_token.h"
#include "common/runtime/status_macros.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"
#include "common/text/ids.h"
#include "common/text/proto_enum_names.h"
#include "common/text/text.h"
#include "google/protobuf/util/time_util.h"
#include "services/ingest/webhooks/vendor_mapping.h"

namespace aievents::ingest {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;

absl::Status CheckId(const char* field, const std::string& id) {
  if (IsUuid(id)) return absl::OkStatus();
  return InvalidArgumentWithViolations({{field, "must be a UUID"}});
}

}  // namespace

absl::StatusOr<v1::CreatedWebhookSource> WebhookAdmin::CreateSource(
    const RequestContext& context, const v1::CreateWebhookSourceRequest& request) {
  std::vector<FieldViolation> violations;
  if (request.vendor() == v1::WEBHOOK_VENDOR_UNSPECIFIED ||
      !v1::WebhookVendor_IsValid(request.vendor())) {
    violations.push_back(
        {"vendor",
         absl::StrCat("is required; one of ",
                      absl::StrJoin(ShortEnumNames(v1::WebhookVendor_descriptor()), ", "))});
  }
  std::optional<std::string> secret;
  if (request.has_signing_secret() && !TrimAscii(request.signing_secret()).empty()) {
    secret = std::string(TrimAscii(request.signing_secret()));
    if (auto key = DecodeSigningSecret(*secret); !key.ok()) {
      violations.push_back({"signing_secret", std::string(key.status().message())});
    }
  }
  if (request.has_label() && Utf8Length(request.label()) > 200) {
    violations.push_back({"label", "must be at most 200 characters"});
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  // The token is the URL's secret part: 192 random bits, stored only as a hash.
  std::string token = "whk_" + Base64UrlEncode(RandomBytes(24));
  AIEV_ASSIGN_OR_RETURN(
      v1::WebhookSource source,
      webhooks_->CreateSource(context, NewUuidV7(), request.vendor(), request.label(),
                              HashApiKey(token), token.substr(0, 12), secret));
  v1::CreatedWebhookSource created;
  created.set_url_path(absl::StrCat("/v1/webhooks/", VendorName(request.vendor()), "/", token));
  *created.mutable_source() = std::move(source);
  return created;
}

absl::StatusOr<v1::ListWebhookSourcesResponse> WebhookAdmin::ListSources(
    const RequestContext& context) {
  AIEV_ASSIGN_OR_RETURN(std::vector<v1::WebhookSource> sources,
                        webhooks_->ListSources(context.tenant_id));
  v1::ListWebhookSourcesResponse response;
  for (v1::WebhookSource& source : sources) *response.add_webhook_sources() = std::move(source);
  return response;
}

absl::StatusOr<v1::WebhookSource> WebhookAdmin::RotateSecret(
    const RequestContext& context, const v1::RotateWebhookSecretRequest& request) {
  std::vector<FieldViolation> violations;
  if (!IsUuid(request.id())) violations.push_back({"id", "must be a UUID"});
  if (TrimAscii(request.signing_secret()).empty()) {
    violations.push_back({"signing_secret", "is required"});
  } else if (auto key = DecodeSigningSecret(request.signing_secret()); !key.ok()) {
    violations.push_back({"signing_secret", std::string(key.status().message())});
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  return webhooks_->RotateSecret(context, request.id(),
                                 std::string(TrimAscii(request.signing_secret())));
}

absl::StatusOr<v1::WebhookSource> WebhookAdmin::DisableSource(const RequestContext& context,
                                                              const std::string& id) {
  AIEV_RETURN_IF_ERROR(CheckId("id", id));
  return webhooks_->DisableSource(context, id);
}

absl::StatusOr<v1::ListDeliveriesResponse> WebhookAdmin::ListDeliveries(
    const RequestContext& context, const v1::ListDeliveriesRequest& request) {
  std::vector<FieldViolation> violations;
  if (request.page_size() < 0) violations.push_back({"page_size", "must not be negative"});
  if (request.has_source_id() && !IsUuid(request.source_id())) {
    violations.push_back({"source_id", "must be a UUID"});
  }
  PgWebhookStore::ListQuery query;
  int page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  query.limit = page_size + 1;
  if (request.status() != v1::DELIVERY_STATUS_UNSPECIFIED)
    query.status = ShortName(request.status());
  if (request.has_source_id()) query.source_id = request.source_id();
  std::string fingerprint = QueryFingerprint(
      absl::StrCat("deliveries|", query.status.value_or("*"), "|", query.source_id.value_or("*")));
  if (!request.page_token().empty()) {
    auto position = DecodePageToken(request.page_token(), fingerprint);
    if (position.ok()) {
      query.after = std::pair{position->sort_micros, position->id};
    } else {
      for (FieldViolation& v : GetFieldViolations(position.status())) violations.push_back(v);
    }
  }
  if (!violations.empty()) return InvalidArgumentWithViolations(violations);
  AIEV_ASSIGN_OR_RETURN(std::vector<v1::WebhookDelivery> deliveries,
                        webhooks_->ListDeliveries(context.tenant_id, query));
  v1::ListDeliveriesResponse response;
  bool more = static_cast<int>(deliveries.size()) > page_size;
  if (more) deliveries.resize(page_size);
  for (v1::WebhookDelivery& delivery : deliveries) *response.add_deliveries() = std::move(delivery);
  if (more) {
    const v1::WebhookDelivery& last = response.deliveries(page_size - 1);
    response.set_next_page_token(EncodePageToken(
        {TimeUtil::TimestampToMicroseconds(last.received_at()), last.id()}, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::WebhookDelivery> WebhookAdmin::GetDelivery(const RequestContext& context,
                                                              const std::string& id) {
  AIEV_RETURN_IF_ERROR(CheckId("id", id));
  AIEV_ASSIGN_OR_RETURN(std::optional<v1::WebhookDelivery> delivery,
                        webhooks_->GetDeliveryView(context.tenant_id, id));
  if (!delivery) return absl::NotFoundError(absl::StrCat("webhook delivery ", id, " not found"));
  return *delivery;
}

absl::StatusOr<v1::WebhookDelivery> WebhookAdmin::ReplayDelivery(const RequestContext& context,
                                                                 const std::string& id) {
  AIEV_ASSIGN_OR_RETURN(v1::WebhookDelivery delivery, GetDelivery(context, id));
  if (delivery.status() == v1::DELIVERY_STATUS_REJECTED) {
    return absl::FailedPreconditionError(
        "a rejected delivery is not JSON and cannot be processed; the sender must deliver again");
  }
  AIEV_RETURN_IF_ERROR(webhooks_->RecordReplay(context, id));
  // The outcome is recorded on the delivery, which is what the caller gets back.
  AIEV_RETURN_IF_ERROR(processor_->Process(context.tenant_id, id).status());
  return GetDelivery(context, id);
}

}  // namespace aievents::ingest
