// Test set-up that cannot go on without a server it started: the server, or a message on
// stderr naming it and the reason, then abort (a test harness has no caller to hand it to).
#ifndef AIEVENTS_TESTS_SUPPORT_STARTED_OR_DIE_H_
#define AIEVENTS_TESTS_SUPPORT_STARTED_OR_DIE_H_

#include <cstdlib>
#include <iostream>
#include <memory>

#include "absl/status/statusor.h"

namespace aievents::testing {

template <typename T>
std::unique_ptr<T> StartedOrDie(absl::StatusOr<std::unique_ptr<T>> value, const char* what) {
  if (!value.ok()) {
    std::cerr << "cannot start " << what << ": " << value.status() << "\n";
    std::abort();
  }
  return std::move(*value);
}

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_STARTED_OR_DIE_H_
