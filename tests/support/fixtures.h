// The seed payloads in tests/fixtures/, read by name ("whippy/call_ended.json"). Targets that
// use it define AIEVENTS_FIXTURES_DIR (tests/CMakeLists.txt).
#ifndef AIEVENTS_TESTS_SUPPORT_FIXTURES_H_
#define AIEVENTS_TESTS_SUPPORT_FIXTURES_H_

#include <fstream>
#include <sstream>
#include <string>

namespace aievents::testing {

inline std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(AIEVENTS_FIXTURES_DIR) + "/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_FIXTURES_H_
