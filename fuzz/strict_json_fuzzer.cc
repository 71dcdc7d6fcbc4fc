// The gateway's strict JSON parser against nlohmann's own parser and an independent SAX count:
//  - it accepts exactly the texts nlohmann accepts, and parses them to the same value (when
//    they nest no deeper than kMaxJsonDepth);
//  - it names as many repeated keys as the text has (each repeat, in any object it keeps);
//  - it reports nesting deeper than kMaxJsonDepth exactly when the text nests deeper, and its
//    result never nests deeper (readers of it recurse).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "gateway/strict_json.h"

namespace {

using Json = nlohmann::json;

// Counts what the strict parser must find, on its own: repeated keys and the deepest nesting.
class Census : public nlohmann::json_sax<Json> {
 public:
  size_t repeated_keys = 0;
  size_t max_depth = 0;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(); }
  bool key(string_t& name) override {
    bool kept = keys_.size() <= aievents::gateway::kMaxJsonDepth;
    if (!keys_.back().insert(name).second && kept) ++repeated_keys;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return Close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

 private:
  bool Open() {
    keys_.emplace_back();
    max_depth = std::max(max_depth, keys_.size());
    return true;
  }
  bool Close() {
    keys_.pop_back();
    return true;
  }

  std::vector<std::set<std::string>> keys_;
};

// Iterative, so that a result nesting too deep is reported rather than overflowing here.
size_t Depth(const Json& root) {
  size_t deepest = 0;
  std::vector<std::pair<const Json*, size_t>> pending = {{&root, 0}};
  while (!pending.empty()) {
    auto [node, depth] = pending.back();
    pending.pop_back();
    if (!node->is_structured()) continue;
    deepest = std::max(deepest, depth + 1);
    for (const Json& child : *node) pending.push_back({&child, depth + 1});
  }
  return deepest;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<aievents::FieldViolation> violations;
  absl::StatusOr<Json> parsed = aievents::gateway::ParseStrictJson(text, violations);
  bool accepted = Json::accept(text);
  FUZZ_CHECK(parsed.ok() == accepted, parsed.ok() ? "accepted what nlohmann refuses"
                                                  : std::string(parsed.status().message()));
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.status().code() == absl::StatusCode::kInvalidArgument,
               parsed.status().ToString());
    return 0;
  }
  Census census;
  Json::sax_parse(text, &census);
  if (census.max_depth <= aievents::gateway::kMaxJsonDepth) {
    FUZZ_CHECK(*parsed == Json::parse(text), "parsed differently from nlohmann::json::parse");
  }
  FUZZ_CHECK(Depth(*parsed) <= aievents::gateway::kMaxJsonDepth,
             "the result nests " + std::to_string(Depth(*parsed)) + " levels deep");
  size_t repeats = 0, too_deep = 0;
  for (const aievents::FieldViolation& violation : violations) {
    if (violation.description == "is given more than once") {
      ++repeats;
    } else if (violation.description.find("nests deeper than") == 0) {
      ++too_deep;
    } else {
      FUZZ_CHECK(false, "unexpected violation " + violation.field + ": " + violation.description);
    }
  }
  FUZZ_CHECK(repeats == census.repeated_keys, "named " + std::to_string(repeats) +
                                                  " repeated keys, the text has " +
                                                  std::to_string(census.repeated_keys));
  FUZZ_CHECK(too_deep == (census.max_depth > aievents::gateway::kMaxJsonDepth ? 1u : 0u),
             "nesting " + std::to_string(census.max_depth) + ", depth violations " +
                 std::to_string(too_deep));
  return 0;
}
