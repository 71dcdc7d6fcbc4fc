#include "gateway/strict_json.h"

#include <algorithm>
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
  // `depth` is the number of containers open around the event (the event's own included for
  // keys). Containers too deep are discarded, so no reader of the result recurses that far
  // (copying or dumping 32,000 nested arrays overflows the stack); nlohmann reports no end
  // event for a discarded container, so frames follow `depth` rather than the end events.
  auto callback = [&](int depth, Event event, nlohmann::json& parsed) {
    size_t open = static_cast<size_t>(depth);
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (open >= kMaxJsonDepth) {
          frames.resize(std::min(frames.size(), open));
          if (!too_deep) {
            too_deep = true;
            violations.push_back(
                {path(), absl::StrCat("nests deeper than ", kMaxJsonDepth, " levels")});
          }
          return false;
        }
        frames.resize(open);
        frames.push_back({{}, event == Event::array_start ? "[]" : ""});
        break;
      case Event::object_end:
      case Event::array_end:
        frames.resize(std::min(frames.size(), open));
        break;
      case Event::key:
        if (open > frames.size()) break;  // inside a discarded container
        frames.resize(open);
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
