#include "common/text/redaction.h"

namespace aievents {
namespace {

bool IsCredential(std::string_view segment) {
  return segment.rfind("whk_", 0) == 0 || segment.rfind("aiev_", 0) == 0;
}

}  // namespace

std::string RedactPath(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    out += IsCredential(segment) ? std::string(segment.substr(0, 8)) + "…" : std::string(segment);
    if (end == path.size()) break;
    out += '/';
    start = end + 1;
  }
  return out;
}

}  // namespace aievents
