// Typed start-up configuration from command-line flags and environment variables (12-factor).
// A setting `database-url` is read from `--database-url=...`, else from `AIEVENTS_DATABASE_URL`,
// else its default. Problems are collected and reported together by Finish(), so a process
// refuses to start with one clear message naming every bad or missing setting.
#ifndef AIEVENTS_COMMON_RUNTIME_CONFIG_SOURCE_H_
#define AIEVENTS_COMMON_RUNTIME_CONFIG_SOURCE_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace aievents {

class ConfigSource {
 public:
  // `args` are the command-line arguments after the program name; `env` the environment.
  ConfigSource(const std::vector<std::string>& args, std::map<std::string, std::string> env);

  // Reads argv and the process environment. The only place that calls getenv.
  static ConfigSource FromProcess(int argc, char** argv);

  // A string setting; `description` is shown by --help.
  std::string String(const std::string& name, const std::string& default_value,
                     const std::string& description);
  // A string setting that must be present and non-empty.
  std::string RequiredString(const std::string& name, const std::string& description);
  // An integer setting within [min, max].
  int Int(const std::string& name, int default_value, int min, int max,
          const std::string& description);

  // Records a problem found while checking values (reported by Finish()).
  void AddProblem(const std::string& problem) { problems_.push_back(problem); }

  // True when --help was given; the caller prints Help() and exits.
  bool HelpRequested() const { return help_requested_; }
  std::string Help() const;

  // OK, or INVALID_ARGUMENT naming every unknown flag, malformed value and missing setting.
  absl::Status Finish() const;

  static std::string EnvName(const std::string& name);

 private:
  const std::string* Lookup(const std::string& name) const;

  std::map<std::string, std::string> flags_;
  std::map<std::string, std::string> env_;
  std::set<std::string> known_;
  std::vector<std::string> problems_;
  std::vector<std::string> help_lines_;
  bool help_requested_ = false;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_CONFIG_SOURCE_H_
