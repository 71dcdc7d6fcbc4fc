#include "services/ingest/webhooks/vendor_mapping.h"

#include "absl/strings/str_cat.h"
#include "common/text/proto_enum_names.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"

namespace aievents::ingest {

std::string VendorName(v1::WebhookVendor vendor) { return ShortName(vendor); }

std::string CallKey(v1::WebhookVendor vendor, const std::string& call_id) {
  return absl::StrCat("webhook:", VendorName(vendor), ":", call_id);
}

std::optional<std::pair<std::string, std::string>> SplitFullName(const std::string& name) {
  std::string_view trimmed = TrimAscii(name);
  size_t space = trimmed.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  std::string first(trimmed.substr(0, space));
  std::string last(TrimAscii(trimmed.substr(space + 1)));
  if (first.empty() || last.empty()) return std::nullopt;
  return std::pair{first, last};
}

std::optional<absl::Time> VendorTime(const std::optional<std::string>& text) {
  if (!text.has_value()) return std::nullopt;
  auto time = ParseRfc3339(*text);
  if (!time.ok()) return std::nullopt;
  return *time;
}

namespace {

// The mappers read vendor fields at the types the vendors document; a body with another type
// where one is expected is unusable like any other malformed body (a 400 and a rejected
// delivery), never an internal error.
absl::Status WrongType(const nlohmann::json::exception& e) {
  return absl::InvalidArgumentError(absl::StrCat("body has a field of the wrong type: ", e.what()));
}

absl::StatusOr<DeliveryIdentity> IdentifyByVendor(v1::WebhookVendor vendor,
                                                  const nlohmann::json& body,
                                                  const std::map<std::string, std::string>& headers,
                                                  const std::string& raw_body) {
  switch (vendor) {
    case v1::WEBHOOK_VENDOR_AGNTIX:
      return IdentifyAgntix(body, headers);
    case v1::WEBHOOK_VENDOR_WHIPPY:
      return IdentifyWhippy(body);
    case v1::WEBHOOK_VENDOR_SIPGATE:
      return IdentifySipgate(body, raw_body);
    default:
      return absl::InvalidArgumentError("unknown vendor");
  }
}

}  // namespace

absl::StatusOr<DeliveryIdentity> IdentifyDelivery(v1::WebhookVendor vendor,
                                                  const nlohmann::json& body,
                                                  const std::map<std::string, std::string>& headers,
                                                  const std::string& raw_body) {
  if (!body.is_object()) return absl::InvalidArgumentError("body is not a JSON object");
  try {
    return IdentifyByVendor(vendor, body, headers, raw_body);
  } catch (const nlohmann::json::exception& e) {
    return WrongType(e);
  }
}

absl::StatusOr<MappedDelivery> MapDelivery(v1::WebhookVendor vendor, const nlohmann::json& body,
                                           const DeliveryIdentity& identity,
                                           const std::string& delivery_id, absl::Time received_at) {
  // The receiver identified the body before storing it; checked again because a stored body is
  // mapped long after, by whatever version is running then.
  if (!body.is_object()) return absl::InvalidArgumentError("body is not a JSON object");
  absl::StatusOr<MappedDelivery> mapped;
  try {
    switch (vendor) {
      case v1::WEBHOOK_VENDOR_AGNTIX:
        mapped = MapAgntix(body, identity);
        break;
      case v1::WEBHOOK_VENDOR_WHIPPY:
        mapped = MapWhippy(body, identity);
        break;
      case v1::WEBHOOK_VENDOR_SIPGATE:
        mapped = MapSipgate(body, identity, received_at);
        break;
      default:
        return absl::InvalidArgumentError("unknown vendor");
    }
  } catch (const nlohmann::json::exception& e) {
    return WrongType(e);
  }
  if (mapped.ok() && mapped->kind == MappedDelivery::Kind::kCall) {
    mapped->call.delivery_id = delivery_id;
    mapped->call.received_at = received_at;
    mapped->call.message_id = identity.message_id;
    mapped->call.event_type = identity.event_type;
  }
  return mapped;
}

}  // namespace aievents::ingest
