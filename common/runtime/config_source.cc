#include "common/runtime/config_source.h"

#include <cctype>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace aievents {

ConfigSource::ConfigSource(const std::vector<std::string>& args,
                           std::map<std::string, std::string> env)
    : env_(std::move(env)) {
  for (const std::string& arg : args) {
    if (arg == "--help" || arg == "-h") {
      help_requested_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      problems_.push_back(
          absl::StrCat("unexpected argument '", arg, "' (settings are --name=value)"));
      continue;
    }
    size_t eq = arg.find('=');
    if (eq == std::string::npos) {
      problems_.push_back(absl::StrCat("flag '", arg, "' needs a value (--name=value)"));
      continue;
    }
    flags_[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
  }
}

ConfigSource ConfigSource::FromProcess(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text(*entry);
    size_t eq = text.find('=');
    if (eq != std::string::npos && text.rfind("AIEVENTS_", 0) == 0) {
      env[text.substr(0, eq)] = text.substr(eq + 1);
    }
  }
  return ConfigSource(args, std::move(env));
}

std::string ConfigSource::EnvName(const std::string& name) {
  std::string env = "AIEVENTS_";
  for (char c : name) env += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return env;
}

const std::string* ConfigSource::Lookup(const std::string& name) const {
  if (auto it = flags_.find(name); it != flags_.end()) return &it->second;
  if (auto it = env_.find(EnvName(name)); it != env_.end()) return &it->second;
  return nullptr;
}

std::string ConfigSource::String(const std::string& name, const std::string& default_value,
                                 const std::string& description) {
  known_.insert(name);
  help_lines_.push_back(absl::StrCat("  --", name, " (", EnvName(name), ", default '",
                                     default_value, "'): ", description));
  const std::string* value = Lookup(name);
  return value == nullptr ? default_value : *value;
}

std::string ConfigSource::RequiredString(const std::string& name, const std::string& description) {
  known_.insert(name);
  help_lines_.push_back(
      absl::StrCat("  --", name, " (", EnvName(name), ", required): ", description));
  const std::string* value = Lookup(name);
  if (value == nullptr || value->empty()) {
    problems_.push_back(absl::StrCat("missing required setting --", name, " (or ", EnvName(name),
                                     "): ", description));
    return "";
  }
  return *value;
}

int ConfigSource::Int(const std::string& name, int default_value, int min, int max,
                      const std::string& description) {
  known_.insert(name);
  help_lines_.push_back(absl::StrCat("  --", name, " (", EnvName(name), ", default ", default_value,
                                     ", ", min, "..", max, "): ", description));
  const std::string* value = Lookup(name);
  if (value == nullptr) return default_value;
  int parsed = 0;
  if (!absl::SimpleAtoi(*value, &parsed) || parsed < min || parsed > max) {
    problems_.push_back(absl::StrCat("setting --", name, " must be an integer from ", min, " to ",
                                     max, ", got '", *value, "'"));
    return default_value;
  }
  return parsed;
}

std::string ConfigSource::Help() const { return absl::StrJoin(help_lines_, "\n"); }

absl::Status ConfigSource::Finish() const {
  std::vector<std::string> problems = problems_;
  for (const auto& [name, value] : flags_) {
    if (!known_.contains(name)) problems.push_back(absl::StrCat("unknown flag --", name));
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(problems, "; "));
}

}  // namespace aievents
