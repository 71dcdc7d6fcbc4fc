// Keeps credentials out of logs. API keys travel only in headers, which are never logged; a
// webhook URL carries its source's token in the path, so a path is logged only redacted.
#ifndef AIEVENTS_COMMON_TEXT_REDACTION_H_
#define AIEVENTS_COMMON_TEXT_REDACTION_H_

#include <string>
#include <string_view>

namespace aievents {

// `path` (query string included) with every segment that is a credential (a webhook token
// "whk_...", an API key "aiev_...") cut to its first 8 characters and "…", and the query
// string dropped (it may carry anything a client put there).
std::string RedactPath(std::string_view path);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_TEXT_REDACTION_H_
