// Blocks SIGINT/SIGTERM for the process and waits for one, so main() can shut down cleanly.
#ifndef AIEVENTS_COMMON_RUNTIME_SIGNALS_H_
#define AIEVENTS_COMMON_RUNTIME_SIGNALS_H_

namespace aievents {

// Call first thing in main(), before any thread starts, so every thread inherits the mask.
void BlockTerminationSignals();

// Returns the signal number once SIGINT or SIGTERM arrives.
int WaitForTerminationSignal();

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_SIGNALS_H_
