// Request bodies parsed as JSON with the checks nlohmann's parser leaves out: a key repeated in
// one object is refused (otherwise the last value would silently win, and two readers of the
// same body could disagree about it), and so is nesting deeper than kMaxJsonDepth (no request
// needs it, and every layer costs memory and time in each reader of the stored payload).
#ifndef AIEVENTS_GATEWAY_STRICT_JSON_H_
#define AIEVENTS_GATEWAY_STRICT_JSON_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/grpc_status.h"

namespace aievents::gateway {

inline constexpr size_t kMaxJsonDepth = 64;

// The parsed body; INVALID_ARGUMENT "malformed JSON: ..." for text that is not JSON (including
// invalid UTF-8 and numbers out of range). Each repeated key is added to `violations` by its
// dotted path ("ai_event.event_type: is given more than once"), and the first object or array
// deeper than kMaxJsonDepth by the path of its parent; what is nested deeper is left out of
// the result, which never nests deeper than kMaxJsonDepth.
absl::StatusOr<nlohmann::json> ParseStrictJson(const std::string& text,
                                               std::vector<FieldViolation>& violations);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_STRICT_JSON_H_
