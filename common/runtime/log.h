// Structured logs: one key=value line per event on stderr, e.g.
//   ts=2026-11-21T10:00:00.123Z level=info msg=event_created request_id=... tenant=...
// Callers never pass secrets, API keys or raw payloads.
#ifndef AIEVENTS_COMMON_RUNTIME_LOG_H_
#define AIEVENTS_COMMON_RUNTIME_LOG_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aievents::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Fields = std::vector<std::pair<std::string_view, std::string>>;

// Lines below `level` are dropped. Parses "debug", "info", "warn", "error"; false if unknown.
bool SetMinLevel(std::string_view level);

void Write(Level level, std::string_view msg, const Fields& fields = {});

inline void Debug(std::string_view msg, const Fields& fields = {}) {
  Write(Level::kDebug, msg, fields);
}
inline void Info(std::string_view msg, const Fields& fields = {}) {
  Write(Level::kInfo, msg, fields);
}
inline void Warn(std::string_view msg, const Fields& fields = {}) {
  Write(Level::kWarn, msg, fields);
}
inline void Error(std::string_view msg, const Fields& fields = {}) {
  Write(Level::kError, msg, fields);
}

}  // namespace aievents::log

#endif  // AIEVENTS_COMMON_RUNTIME_LOG_H_
