// Background work that must yield the CPU to the hot path: a thread lowers its own scheduling
// priority (Linux nice, per thread), so that when the machine is busy the kernel runs the
// request-serving threads first and background work takes what is left, and when it is idle
// background work runs at full speed.
#ifndef AIEVENTS_COMMON_RUNTIME_THREAD_PRIORITY_H_
#define AIEVENTS_COMMON_RUNTIME_THREAD_PRIORITY_H_

namespace aievents {

// Sets the calling thread's nice value to `nice` (0-19; 0 leaves it alone). Lowering priority
// needs no privilege; a failure is ignored (the work still runs, only not in the background).
void LowerCurrentThreadPriority(int nice);

// The calling thread's nice value.
int CurrentThreadNice();

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_THREAD_PRIORITY_H_
