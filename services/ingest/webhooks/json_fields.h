// Tolerant reads of vendor JSON: a path that is missing, null or of another type yields
// nullopt instead of throwing, because vendors add, drop and rename fields.
#ifndef AIEVENTS_SERVICES_INGEST_WEBHOOKS_JSON_FIELDS_H_
#define AIEVENTS_SERVICES_INGEST_WEBHOOKS_JSON_FIELDS_H_

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace aievents::ingest {

// The value at `path` (object keys), or nullptr when any step is missing.
inline const nlohmann::json* At(const nlohmann::json& json,
                                std::initializer_list<const char*> path) {
  const nlohmann::json* node = &json;
  for (const char* key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node->is_null() ? nullptr : node;
}

// A non-empty string at `path` (numbers are rendered as text).
inline std::optional<std::string> Text(const nlohmann::json& json,
                                       std::initializer_list<const char*> path) {
  const nlohmann::json* node = At(json, path);
  if (node == nullptr) return std::nullopt;
  if (node->is_string()) {
    std::string value = node->get<std::string>();
    if (value.empty()) return std::nullopt;
    return value;
  }
  if (node->is_number()) return node->dump();
  return std::nullopt;
}

// A number at `path` (numeric strings too).
inline std::optional<double> Number(const nlohmann::json& json,
                                    std::initializer_list<const char*> path) {
  const nlohmann::json* node = At(json, path);
  if (node == nullptr) return std::nullopt;
  if (node->is_number()) return node->get<double>();
  if (node->is_string()) {
    try {
      size_t used = 0;
      double value = std::stod(node->get<std::string>(), &used);
      if (used == node->get<std::string>().size()) return value;
    } catch (const std::exception&) {
    }
  }
  return std::nullopt;
}

}  // namespace aievents::ingest

#endif  // AIEVENTS_SERVICES_INGEST_WEBHOOKS_JSON_FIELDS_H_
