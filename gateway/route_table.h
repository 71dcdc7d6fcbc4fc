// The gateway's routing table, built at start-up from the options on the methods of the
// services it fronts: the standard (google.api.http) mapping, and (aievents.v1.http) for what
// it cannot say. The HTTP shape of each RPC is declared once, in the proto.
#ifndef AIEVENTS_GATEWAY_ROUTE_TABLE_H_
#define AIEVENTS_GATEWAY_ROUTE_TABLE_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "aievents/v1/http.pb.h"
#include "google/api/http.pb.h"
#include "google/protobuf/descriptor.h"

namespace aievents::gateway {

// One RPC's HTTP shape: google.api.http's method, path, body and response body, and
// aievents.v1.http's additions, merged (read with the options' own field names).
class RouteRule {
 public:
  RouteRule() = default;
  RouteRule(const google::api::HttpRule& binding, const v1::HttpOptions& extras);

  const std::string& method() const { return method_; }  // "GET", "POST", ...
  const std::string& path() const { return path_; }
  const std::string& body() const { return binding_.body(); }
  const std::string& response_body() const { return binding_.response_body(); }
  int32_t success_status() const { return extras_.success_status(); }
  const google::protobuf::RepeatedField<int32_t>& other_success_statuses() const {
    return extras_.other_success_statuses();
  }
  const std::string& raw_body() const { return extras_.raw_body(); }
  const std::string& headers() const { return extras_.headers(); }
  bool public_() const { return extras_.public_(); }
  const std::string& batch_rpc() const { return extras_.batch_rpc(); }
  const std::string& stream_document_items() const { return extras_.stream_document_items(); }

 private:
  google::api::HttpRule binding_;
  v1::HttpOptions extras_;
  std::string method_;
  std::string path_;
};

struct Route {
  const google::protobuf::MethodDescriptor* method;
  RouteRule rule;
  // The template split on '/': a literal, or "{field}" bound to a request field.
  std::vector<std::string> segments;
  std::string verb;  // custom verb after the last variable (":associate"), without ':'
  // The gRPC path of the rule's batch_rpc, or "" when it has none.
  std::string batch_path;

  // "/{package}.{Service}/{Method}", the gRPC path.
  std::string GrpcPath() const;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> path_params;  // percent-decoded
};

class RouteTable {
 public:
  // Every method of `services` that carries a (google.api.http) option becomes a route.
  // INVALID_ARGUMENT for a malformed template or a template bound to an unknown field.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  // The route for `method` `path`. NOT_FOUND when no template matches the path;
  // FAILED_PRECONDITION (message lists the allowed methods) when the path matches with another
  // HTTP method.
  absl::StatusOr<RouteMatch> Match(const std::string& method, const std::string& path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Decodes %XX escapes; nullopt for a malformed escape.
std::optional<std::string> PercentDecode(const std::string& text, bool plus_is_space);

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_ROUTE_TABLE_H_
