// The deadline of the request the current thread is serving, for work deep inside the call
// that has no RequestContext at hand: database transactions bound their wait for a connection
// and their statements by it (common/pg/pg_pool.h). A gRPC handler sets it for its duration
// (common/service/grpc_handler.h), as userver's tasks inherit their request's deadline; work
// on threads of its own (group commit, the inbox worker) has none and keeps the configured
// timeouts.
#ifndef AIEVENTS_COMMON_RUNTIME_REQUEST_DEADLINE_H_
#define AIEVENTS_COMMON_RUNTIME_REQUEST_DEADLINE_H_

#include "absl/time/time.h"

namespace aievents {

// Sets the current thread's request deadline until destroyed, then restores the previous one.
// Scopes nest; a nested scope never extends the deadline of the one around it.
class ScopedRequestDeadline {
 public:
  explicit ScopedRequestDeadline(absl::Time deadline);
  ~ScopedRequestDeadline();
  ScopedRequestDeadline(const ScopedRequestDeadline&) = delete;
  ScopedRequestDeadline& operator=(const ScopedRequestDeadline&) = delete;

 private:
  absl::Time previous_;
};

// The current thread's request deadline; absl::InfiniteFuture() outside any scope.
absl::Time CurrentRequestDeadline();

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_REQUEST_DEADLINE_H_
