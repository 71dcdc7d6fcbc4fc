// Opaque keyset page tokens. A token holds the sort key (a timestamp in microseconds) and id of
// the last event of a page, plus a fingerprint of the query it belongs to, so a token reused
// with other filters is rejected instead of silently returning a wrong page.
#ifndef AIEVENTS_COMMON_RPC_PAGE_TOKEN_H_
#define AIEVENTS_COMMON_RPC_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace aievents {

struct PagePosition {
  int64_t sort_micros;  // occurred_at or received_at of the last event shown
  std::string id;       // its id, the tie-breaker
};

// `query_fingerprint` identifies the list and its filters (QueryFingerprint()).
std::string EncodePageToken(const PagePosition& position, const std::string& query_fingerprint);

// INVALID_ARGUMENT (field page_token) when the token is malformed or belongs to another query.
absl::StatusOr<PagePosition> DecodePageToken(const std::string& token,
                                             const std::string& query_fingerprint);

// A short digest of everything that defines a list (its kind, scope and filters).
std::string QueryFingerprint(const std::string& description);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RPC_PAGE_TOKEN_H_
