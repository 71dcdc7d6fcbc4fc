// How PostgreSQL errors become statuses, in one place for both database layers (libpqxx's pool
// and the pipelined one).
#ifndef AIEVENTS_COMMON_PG_PG_ERRORS_H_
#define AIEVENTS_COMMON_PG_PG_ERRORS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace aievents {

// Serialization failure or deadlock (40001, 40P01) ABORTED; unique violation (23505)
// ALREADY_EXISTS; data exceptions (22xxx) INVALID_ARGUMENT; connection failures (08xxx) and
// server shutdown (57P01, 57P03) UNAVAILABLE; a statement cancelled (57014: statement_timeout,
// which request deadlines set) DEADLINE_EXCEEDED; anything else INTERNAL. The message is the
// error's first line, prefixed "database: " (DETAIL lines may quote row data: customer data
// stays out of statuses and logs).
absl::Status StatusFromSqlState(absl::string_view sqlstate, absl::string_view message);

}  // namespace aievents

#endif  // AIEVENTS_COMMON_PG_PG_ERRORS_H_
