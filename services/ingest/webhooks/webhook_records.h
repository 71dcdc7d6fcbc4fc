// The webhook sources and deliveries as they cross the stores' interfaces: what the receiver
// finds by token, what processing reads and what the receiver stores. Plain data, no storage
// code.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECORDS_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECORDS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "aievents/v1/webhook_service.pb.h"

namespace aievents::ingest {

// A source as the receiver needs it (found by token, before the tenant is known).
struct SourceForToken {
  std::string tenant_id;
  std::string source_id;
  v1::WebhookVendor vendor;
  std::vector<std::string> signing_secrets;  // current first, then a previous one still valid
  // True when the source has a signing secret, readable or not: its deliveries must then be
  // signed, even when this process cannot open the secret (they are refused until it can).
  bool requires_signature = false;
  bool disabled;
};

// A delivery as processing needs it.
struct StoredDelivery {
  std::string id;
  std::string source_id;
  v1::WebhookVendor vendor;
  std::string message_id;
  std::string event_type;
  std::string call_key;  // "" when not part of a call
  std::string body;
  std::map<std::string, std::string> headers;
  v1::DeliveryStatus status;
  absl::Time received_at;
};

struct NewDelivery {
  std::string id;
  std::string source_id;
  v1::WebhookVendor vendor;
  std::string message_id;
  std::string event_type;
  std::string call_key;
  std::string body;
  std::map<std::string, std::string> headers;
  v1::DeliveryStatus status;  // PENDING, or REJECTED for a malformed body
  std::string error;
};

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_WEBHOOK_RECORDS_H_
