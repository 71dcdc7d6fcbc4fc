#include "gateway/route_table.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "aievents/v1/batch.pb.h"
#include "google/api/annotations.pb.h"

namespace aievents::gateway {
namespace {

bool IsVariable(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segments;
  for (absl::string_view part : absl::StrSplit(absl::string_view(path.data(), path.size()), '/')) {
    if (!part.empty()) segments.emplace_back(part.data(), part.size());
  }
  return segments;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string Route::GrpcPath() const {
  return absl::StrCat("/", method->service()->full_name(), "/", method->name());
}

std::optional<std::string> PercentDecode(const std::string& text, bool plus_is_space) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (text[i] == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

RouteRule::RouteRule(const google::api::HttpRule& binding, const v1::HttpOptions& extras)
    : binding_(binding), extras_(extras) {
  switch (binding.pattern_case()) {
    case google::api::HttpRule::kGet:
      method_ = "GET", path_ = binding.get();
      break;
    case google::api::HttpRule::kPut:
      method_ = "PUT", path_ = binding.put();
      break;
    case google::api::HttpRule::kPost:
      method_ = "POST", path_ = binding.post();
      break;
    case google::api::HttpRule::kDelete:
      method_ = "DELETE", path_ = binding.delete_();
      break;
    case google::api::HttpRule::kPatch:
      method_ = "PATCH", path_ = binding.patch();
      break;
    case google::api::HttpRule::kCustom:
      method_ = binding.custom().kind(), path_ = binding.custom().path();
      break;
    default:
      break;
  }
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) continue;
      Route route;
      route.method = method;
      route.rule = RouteRule(method->options().GetExtension(google::api::http),
                             method->options().GetExtension(v1::http));
      if (route.rule.method().empty() || route.rule.path().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": google.api.http has no method and path"));
      }
      route.segments = SplitPath(route.rule.path());
      if (!route.segments.empty()) {
        std::string& last = route.segments.back();
        size_t colon = last.rfind(':');
        if (colon != std::string::npos && colon > 0 && last[colon - 1] == '}') {
          route.verb = last.substr(colon + 1);
          last = last.substr(0, colon);
        }
      }
      for (const std::string& segment : route.segments) {
        if (!IsVariable(segment)) continue;
        std::string field = segment.substr(1, segment.size() - 2);
        if (method->input_type()->FindFieldByName(field) == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": path variable {",
                                                         field, "} is not a request field"));
        }
      }
      if (!route.rule.batch_rpc().empty()) {
        const auto* batch = service->FindMethodByName(route.rule.batch_rpc());
        if (batch == nullptr || batch->input_type() != v1::BatchRequest::descriptor() ||
            batch->output_type() != v1::BatchResponse::descriptor()) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": batch_rpc ", route.rule.batch_rpc(),
                           " is not a BatchRequest -> BatchResponse method of ", service->name()));
        }
        route.batch_path = absl::StrCat("/", service->full_name(), "/", batch->name());
      }
      if (const std::string& items = route.rule.stream_document_items(); !items.empty()) {
        const auto* field = method->output_type()->FindFieldByName(items);
        if (!method->server_streaming() || field == nullptr || !field->is_repeated() ||
            field->type() != google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
          return absl::InvalidArgumentError(
              absl::StrCat(method->full_name(), ": stream_document_items ", items,
                           " is not a repeated message field of a server stream's messages"));
        }
      }
      table.routes_.push_back(std::move(route));
    }
  }
  return table;
}

absl::StatusOr<RouteMatch> RouteTable::Match(const std::string& method,
                                             const std::string& path) const {
  std::vector<std::string> segments = SplitPath(path);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    RouteMatch match;
    match.route = &route;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      std::string segment = segments[i];
      bool last = i + 1 == segments.size();
      if (last && !route.verb.empty()) {
        std::string suffix = ":" + route.verb;
        if (segment.size() <= suffix.size() ||
            segment.compare(segment.size() - suffix.size(), suffix.size(), suffix) != 0) {
          matches = false;
          break;
        }
        segment.resize(segment.size() - suffix.size());
      }
      const std::string& pattern = route.segments[i];
      if (IsVariable(pattern)) {
        auto decoded = PercentDecode(segment, false);
        if (!decoded.has_value()) {
          matches = false;
          break;
        }
        // A variable never swallows a custom verb meant for another route.
        if (last && route.verb.empty() && decoded->find(':') != std::string::npos) {
          matches = false;
          break;
        }
        match.path_params[pattern.substr(1, pattern.size() - 2)] = *decoded;
      } else if (pattern != segment) {
        matches = false;
      }
    }
    if (!matches) continue;
    if (route.rule.method() == method) return match;
    allowed.push_back(route.rule.method());
  }
  if (!allowed.empty()) {
    return absl::FailedPreconditionError(absl::StrJoin(allowed, ", "));
  }
  return absl::NotFoundError(absl::StrCat("no route for ", path));
}

}  // namespace aievents::gateway
