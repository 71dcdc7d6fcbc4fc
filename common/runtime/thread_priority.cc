#include "common/runtime/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace aievents {
namespace {

id_t CurrentThreadId() { return static_cast<id_t>(syscall(SYS_gettid)); }

}  // namespace

void LowerCurrentThreadPriority(int nice) {
  if (nice <= 0) return;
  // On Linux, PRIO_PROCESS with a thread id sets that thread alone.
  setpriority(PRIO_PROCESS, CurrentThreadId(), nice > 19 ? 19 : nice);
}

int CurrentThreadNice() {
  errno = 0;
  return getpriority(PRIO_PROCESS, CurrentThreadId());
}

}  // namespace aievents
