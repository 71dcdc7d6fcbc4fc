#include "common/domain/idempotency_key.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/text/crypto.h"
#include "common/text/proto_enum_names.h"
#include "common/text/text.h"

namespace aievents {
namespace {

// Length-prefixing keeps ("ab","c") and ("a","bc") apart; "-" marks an absent field.
void Append(std::string& out, bool present, std::string_view value) {
  if (!present) {
    out.append("-;");
    return;
  }
  absl::StrAppend(&out, value.size(), ":");
  out.append(value);
  out.push_back(';');
}

}  // namespace

std::string DeriveIdempotencyKey(const ValidatedEvent& event) {
  std::string canonical = "aievents-idempotency-v1;";
  const v1::CustomerLookup& lookup = event.lookup;
  Append(canonical, lookup.has_email(), TrimAscii(lookup.email()));
  Append(canonical, lookup.has_phone(), TrimAscii(lookup.phone()));
  Append(canonical, lookup.has_first_name(), TrimAscii(lookup.first_name()));
  Append(canonical, lookup.has_last_name(), TrimAscii(lookup.last_name()));
  Append(canonical, lookup.has_customer_id(), ToLowerAscii(TrimAscii(lookup.customer_id())));
  Append(canonical, true, ShortName(event.event_type));
  Append(canonical, true, event.source);
  Append(canonical, true, event.summary);
  Append(canonical, true, event.raw_payload);
  Append(canonical, event.confidence.has_value(),
         event.confidence ? absl::StrFormat("%.17g", *event.confidence) : "");
  Append(canonical, event.source_eid.has_value(), event.source_eid.value_or(""));
  Append(canonical, true, std::to_string(absl::ToUnixMicros(event.occurred_at)));
  return "auto-" + Sha256Hex(canonical);
}

}  // namespace aievents
