#include "gateway/form_body.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/text/text.h"
#include "gateway/route_table.h"

namespace aievents::gateway {
namespace {

// Deeper keys than this are refused: no request of the API nests further.
constexpr size_t kMaxDepth = 4;

}  // namespace

bool IsFormContentType(const std::string& content_type) {
  std::string media = ToLowerAscii(TrimAscii(content_type.substr(0, content_type.find(';'))));
  return media == "application/x-www-form-urlencoded";
}

nlohmann::json FormToJson(const std::string& body, std::vector<FieldViolation>& violations) {
  nlohmann::json root = nlohmann::json::object();
  for (absl::string_view pair : absl::StrSplit(absl::string_view(body.data(), body.size()), '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string raw_key(pair.substr(0, eq));
    auto key = PercentDecode(raw_key, /*plus_is_space=*/true);
    auto value = PercentDecode(
        eq == absl::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)), true);
    if (!key.has_value() || !value.has_value() || key->empty()) {
      violations.push_back({raw_key, "malformed form field (percent-encoding or empty name)"});
      continue;
    }
    // Zapier's "unflatten": "customer_lookup__email" is customer_lookup.email.
    std::vector<std::string> parts = absl::StrSplit(*key, "__");
    std::string path = absl::StrJoin(parts, ".");
    if (parts.size() > kMaxDepth) {
      violations.push_back({path, "nested too deeply"});
      continue;
    }
    nlohmann::json* node = &root;
    bool ok = true;
    for (size_t i = 0; i + 1 < parts.size() && ok; ++i) {
      nlohmann::json& child = (*node)[parts[i]];
      if (child.is_null()) child = nlohmann::json::object();
      if (!child.is_object()) {
        violations.push_back({absl::StrJoin(parts.begin(), parts.begin() + i + 1, "."),
                              "is given both as a value and as an object"});
        ok = false;
      }
      node = &child;
    }
    if (!ok) continue;
    if (node->contains(parts.back())) {
      violations.push_back({path, (*node)[parts.back()].is_object()
                                      ? "is given both as a value and as an object"
                                      : "is given more than once"});
      continue;
    }
    (*node)[parts.back()] = *value;
  }
  return root;
}

}  // namespace aievents::gateway
