// The body of every executable's main(): flags/env -> config -> start -> wait for SIGTERM ->
// shut down. Config problems exit 2 with one message naming every bad setting.
#ifndef AIEVENTS_COMMON_RUNTIME_SERVICE_MAIN_H_
#define AIEVENTS_COMMON_RUNTIME_SERVICE_MAIN_H_

#include <iostream>
#include <string>

#include "absl/synchronization/mutex.h"
#include "common/runtime/config_source.h"
#include "common/runtime/log.h"
#include "common/runtime/signals.h"

namespace aievents {

// `LoadConfig(ConfigSource&) -> Config`; `Server::Start(const Config&)` returns
// absl::StatusOr<std::unique_ptr<Server>>; `log_level(config)` names the log level.
template <typename Server, typename LoadConfig, typename LogLevel>
int RunServiceMain(const std::string& name, int argc, char** argv, LoadConfig load_config,
                   LogLevel log_level) {
  BlockTerminationSignals();
  // Debian's Abseil checks every absl::Mutex acquisition (gRPC's too) for lock-order cycles,
  // a debugging aid that shows up in production profiles; tests keep it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  ConfigSource source = ConfigSource::FromProcess(argc, argv);
  auto config = load_config(source);
  if (source.HelpRequested()) {
    std::cout << name << " settings (flag, environment variable, default):\n"
              << source.Help() << "\n";
    return 0;
  }
  if (absl::Status status = source.Finish(); !status.ok()) {
    std::cerr << name << ": " << status.message() << "\n";
    return 2;
  }
  if (!log::SetMinLevel(log_level(config))) {
    std::cerr << name << ": --log-level must be debug, info, warn or error\n";
    return 2;
  }
  auto server = Server::Start(config);
  if (!server.ok()) {
    std::cerr << name << ": " << server.status().message() << "\n";
    return 1;
  }
  int signal_number = WaitForTerminationSignal();
  log::Info("stopping", {{"service", name}, {"signal", std::to_string(signal_number)}});
  (*server)->Shutdown();
  return 0;
}

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_SERVICE_MAIN_H_
