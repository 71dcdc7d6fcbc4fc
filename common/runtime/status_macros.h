// AIEV_RETURN_IF_ERROR / AIEV_ASSIGN_OR_RETURN (Abseil 20220623 ships neither). The prefix keeps
// them from colliding with the same-named macros of protobuf and gRPC headers.
#ifndef AIEVENTS_COMMON_RUNTIME_STATUS_MACROS_H_
#define AIEVENTS_COMMON_RUNTIME_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define AIEVENTS_CONCAT_INNER(a, b) a##b
#define AIEVENTS_CONCAT(a, b) AIEVENTS_CONCAT_INNER(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define AIEV_RETURN_IF_ERROR(expr)                       \
  do {                                                   \
    ::absl::Status aievents_status_ = (expr);            \
    if (!aievents_status_.ok()) return aievents_status_; \
  } while (false)

// Evaluates `rexpr` (an absl::StatusOr); returns its status when not OK, else moves the value
// into `lhs`, which may be a declaration.
#define AIEV_ASSIGN_OR_RETURN(lhs, rexpr) \
  AIEVENTS_ASSIGN_OR_RETURN_IMPL(AIEVENTS_CONCAT(aievents_statusor_, __LINE__), lhs, rexpr)

#define AIEVENTS_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()

#endif  // AIEVENTS_COMMON_RUNTIME_STATUS_MACROS_H_
