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

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_IDS_H_
