// The idempotency key generated when a client sends none: derived from the event's content, so
// a client that retries the same request without a key does not create a duplicate.
#ifndef AIEVENTS_COMMON_DOMAIN_IDEMPOTENCY_KEY_H_
#define AIEVENTS_COMMON_DOMAIN_IDEMPOTENCY_KEY_H_

#include <string>

#include "common/domain/event_validator.h"

namespace aievents {

// "auto-" + hex SHA-256 over a versioned, length-prefixed encoding of: the lookup fields as sent
// (trimmed), event_type, source, summary, raw_payload, confidence, source_eid, and occurred_at
// as a UTC instant (so "14:30:00Z" and "16:30:00+02:00" are the same). Two requests differing
// in any of those get different keys. See docs/matching-and-idempotency.md.
std::string DeriveIdempotencyKey(const ValidatedEvent& event);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_DOMAIN_IDEMPOTENCY_KEY_H_
