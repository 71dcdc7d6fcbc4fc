#include "gateway/strict_json.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace aievents::gateway {

absl::StatusOr<nlohmann::json> ParseStrictJson(const std::string& text,
                                               std::vector<FieldViolation>& violations) {
  // One frame per open object or array: the keys seen so far, and the key being read.
  struct Frame {
    std::set<std::string> keys;
    std::string name;  // the current key (objects) or "[]" (arrays)
  };
  std::vector<Frame> frames;
  bool too_deep = false;
  auto path = [&] {
    std::vector<std::string> parts;
    for (const Frame& frame : frames) parts.push_back(frame.name);
    return absl::StrJoin(parts, ".");
  };
  using Event = nlohmann::json::parse_event_t;
  auto callback = [&](int, Event event, nlohmann::json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (frames.size() >= kMaxJsonDepth && !too_deep) {
          too_deep = true;
          violations.push_back(
              {path(), absl::StrCat("nests deeper than ", kMaxJsonDepth, " levels")});
        }
        frames.push_back({{}, event == Event::array_start ? "[]" : ""});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case Event::key:
        if (!frames.empty()) {
          Frame& frame = frames.back();
          frame.name = parsed.get<std::string>();
          if (!frame.keys.insert(frame.name).second) {
            violations.push_back({path(), "is given more than once"});
          }
        }
        break;
      case Event::value:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, callback);
  } catch (const nlohmann::json::exception& e) {  // syntax, UTF-8, or a number out of range
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON: ", e.what()));
  }
}

}  // namespace aievents::gateway
