// Identifiers: UUIDv7 (time-ordered, so new rows land at the end of B-tree indexes).
#ifndef AIEVENTS_COMMON_TEXT_IDS_H_
#define AIEVENTS_COMMON_TEXT_IDS_H_

#include <string>
#include <string_view>

namespace aievents {

// A new RFC 9562 version-7 UUID in canonical lower-case form.
std::string NewUuidV7();

// True for a canonical 8-4-4-4-12 hex UUID (either case).
bool IsUuid(std::string_view text);

// The client's x-request-id when it is usable in logs (1 to 128 visible ASCII characters),
// else a new UUIDv7: every response carries one, the client's own when it sent one.
std::string RequestIdOrNew(std::string_view given);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_IDS_H_
