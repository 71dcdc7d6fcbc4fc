#include "gateway/gateway_handler.h"

#include <atomic>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/api_key.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/text/ids.h"
#include "common/text/redaction.h"
#include "common/text/text.h"
#include "gateway/form_body.h"
#include "gateway/http_status.h"
#include "gateway/json_transcoder.h"
#include "gateway/request_prevalidators.h"
#include "gateway/strict_json.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"

namespace aievents::gateway {
namespace {

using google::protobuf::Message;
using google::protobuf::MessageFactory;

// A client-supplied request id is echoed only when it is short and printable.
bool IsJsonContentType(const std::string& content_type) {
  std::string media = ToLowerAscii(TrimAscii(content_type.substr(0, content_type.find(';'))));
  return media == "application/json" ||
         (media.size() > 5 && media.compare(media.size() - 5, 5, "+json") == 0);
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* descriptor) {
  return std::unique_ptr<Message>(
      MessageFactory::generated_factory()->GetPrototype(descriptor)->New());
}

HttpResponse JsonResponse(int status, const nlohmann::ordered_json& body) {
  HttpResponse response;
  response.status = status;
  // Text that is not UTF-8 (an echo of what a client sent) is written as U+FFFD, never thrown.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  return response;
}

// Fills request fields from the query string ("a=1&b=x"); every parameter must name a field.
std::vector<FieldViolation> ApplyQuery(const std::string& query, Message& message) {
  std::vector<FieldViolation> violations;
  if (query.empty()) return violations;
  for (absl::string_view pair :
       absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    auto name = PercentDecode(std::string(pair.substr(0, eq)), true);
    auto value = PercentDecode(
        eq == absl::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)), true);
    if (!name.has_value() || !value.has_value()) {
      violations.push_back({std::string(pair.substr(0, eq)), "malformed percent-encoding"});
      continue;
    }
    for (FieldViolation& v : SetFieldFromText(*name, *value, message)) {
      violations.push_back(std::move(v));
    }
  }
  return violations;
}

// "idempotent-replayed" -> "Idempotent-Replayed" (gRPC metadata keys are lower case).
std::string HeaderCase(std::string name) {
  // RateLimit-* as the IETF draft spells it.
  if (name.rfind("ratelimit-", 0) == 0) name.replace(0, 10, "Rate-Limit-");
  bool start = true;
  for (char& c : name) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = c == '-';
  }
  if (name.rfind("Rate-Limit-", 0) == 0) name.erase(4, 1);
  return name;
}

// The HTTP answer for a backend's reply to the RPC of `route`.
HttpResponse RenderReply(const Route& route, const absl::StatusOr<BackendClient::Reply>& reply) {
  if (!reply.ok()) return ErrorResponseFromStatus(reply.status());
  std::unique_ptr<Message> rpc_response = NewMessage(route.method->output_type());
  if (!rpc_response->ParseFromString(reply->body)) {
    return ErrorResponse(502, "INTERNAL", "the backend sent a response the gateway cannot read");
  }
  const Message* rendered = rpc_response.get();
  if (!route.rule.response_body().empty()) {
    const auto* field = route.method->output_type()->FindFieldByName(route.rule.response_body());
    if (field != nullptr)
      rendered = &rpc_response->GetReflection()->GetMessage(*rpc_response, field);
  }
  HttpResponse response =
      JsonResponse(route.rule.success_status() == 0 ? 200 : route.rule.success_status(),
                   MessageToJson(*rendered));
  constexpr std::string_view kHeaderPrefix = "x-http-header-";
  for (const auto& [key, value] : reply->initial_metadata) {
    if (key == "x-http-code") {
      int code = 0;
      if (absl::SimpleAtoi(value, &code) && code >= 200 && code < 300) response.status = code;
      if (response.status == 204) response.body.clear();
    } else if (key.rfind(kHeaderPrefix, 0) == 0) {
      response.headers.emplace_back(HeaderCase(key.substr(kHeaderPrefix.size())), value);
    }
  }
  return response;
}

}  // namespace

void GatewayHandler::Handle(HttpRequest request, HttpResponder respond) {
  auto start = std::chrono::steady_clock::now();
  std::string request_id = RequestIdOrNew(request.Header("x-request-id"));
  std::string method = request.method;
  std::string remote = request.remote_address;
  // The completion is shared with the exception guard below, so even a bug's 500 carries the
  // request id and is counted; whichever answers first wins.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  auto complete = std::make_shared<Completion>(
      [start, request_id, method, remote, answered, respond = std::move(respond)](
          HttpResponse response, std::string route_label) {
        if (answered->exchange(true)) return;
        response.headers.emplace_back("x-request-id", request_id);
        bool has_retry_after = false;
        for (const auto& header : response.headers) {
          has_retry_after = has_retry_after || header.first == "retry-after";
        }
        // Overload and unavailability are temporary: tell clients when to come back.
        if ((response.status == 429 || response.status == 503) && !has_retry_after) {
          response.headers.emplace_back("retry-after", "1");
        }
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        Metrics::Global().Increment(
            "aievents_http_requests_total",
            {{"route", route_label}, {"status", std::to_string(response.status)}});
        Metrics::Global().Observe("aievents_http_request_duration_seconds",
                                  {{"route", route_label}}, seconds);
        if (route_label != "/healthz" && route_label != "/readyz" && route_label != "/metrics" &&
            route_label != "/console") {
          log::Info("http_request", {{"request_id", request_id},
                                     {"method", method},
                                     {"route", route_label},
                                     {"status", std::to_string(response.status)},
                                     {"duration_ms", absl::StrCat(seconds * 1000)},
                                     {"remote", remote}});
        }
        respond(std::move(response));
      });
  try {
    Dispatch(request, request_id, [complete](HttpResponse response, std::string route_label) {
      (*complete)(std::move(response), std::move(route_label));
    });
  } catch (const std::exception& e) {
    log::Error("http_handler_exception",
               {{"request_id", request_id}, {"path", RedactPath(request.path)}, {"error", e.what()}});
    (*complete)(ErrorResponse(500, "INTERNAL", "internal error"), "unmatched");
  }
}

HttpResponse GatewayHandler::Admin(const HttpRequest& request) {
  if (request.path != "/healthz" && request.path != "/readyz" && request.path != "/metrics") {
    return ErrorResponse(404, "NOT_FOUND", absl::StrCat("no endpoint ", request.path));
  }
  if (request.method != "GET" && request.method != "HEAD") {
    HttpResponse response = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use GET");
    response.headers.emplace_back("allow", "GET");
    return response;
  }
  if (request.path == "/healthz") return JsonResponse(200, {{"status", "ok"}});
  if (request.path == "/readyz") {
    return Readiness(request.query.find("backends=all") != std::string::npos);
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = Metrics::Global().RenderPrometheus();
  return response;
}

HttpResponse GatewayHandler::Readiness(bool all_backends) {
  if (draining_) {
    return JsonResponse(503, {{"status", "draining"}, {"checks", nlohmann::ordered_json::object()}});
  }
  // Ready means the write path is reachable: ingest, which stores events and vendor deliveries.
  // With matching or timeline down the gateway still takes webhooks (kept in the inbox and
  // processed when matching is back) and answers reads with 503, so taking it out of service
  // would only turn those into connection errors. `?backends=all` asks for every backend (what
  // `make up` and the tests wait for).
  nlohmann::ordered_json checks = nlohmann::ordered_json::object();
  bool ready = true;
  bool complete = true;
  for (const auto& [service, status] : backends_->Health()) {
    checks[service] = status.ok() ? "ok" : std::string(status.message());
    bool essential = service == "aievents.v1.IngestService" || service == "aievents.v1.WebhookService";
    if (essential) ready = ready && status.ok();
    complete = complete && status.ok();
  }
  if (all_backends) ready = ready && complete;
  return JsonResponse(ready ? 200 : 503,
                      {{"status", !ready ? "not_ready" : complete ? "ready" : "degraded"},
                       {"checks", checks}});
}

void GatewayHandler::Dispatch(const HttpRequest& request, const std::string& request_id,
                              Completion complete) {
  std::string route_label = "unmatched";
  // Every answer that needs no backend goes out through here.
  auto answer = [&](HttpResponse response) { complete(std::move(response), route_label); };
  if (request.path == "/openapi.json") {
    route_label = "/openapi.json";
    if (request.method != "GET" && request.method != "HEAD") {
      HttpResponse response = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use GET");
      response.headers.emplace_back("allow", "GET");
      return answer(std::move(response));
    }
    if (openapi_->empty()) return answer(ErrorResponse(404, "NOT_FOUND", "no OpenAPI document"));
    HttpResponse response;
    response.body = *openapi_;
    response.headers.emplace_back("cache-control", "no-cache");
    return answer(std::move(response));
  }
  if (ConsoleFiles::Owns(request.path)) {
    route_label = "/console";
    return answer(console_->Serve(request));
  }
  // The probes answer on the public port too (where a load balancer checks); metrics only on
  // the admin port.
  if (request.path == "/healthz" || request.path == "/readyz") {
    route_label = request.path;
    return answer(Admin(request));
  }

  auto match = routes_->Match(request.method, request.path);
  if (!match.ok()) {
    if (match.status().code() == absl::StatusCode::kFailedPrecondition) {
      HttpResponse response =
          ErrorResponse(405, "METHOD_NOT_ALLOWED",
                        absl::StrCat(request.method, " is not allowed on ", request.path,
                                     "; allowed: ", match.status().message()));
      response.headers.emplace_back("allow", std::string(match.status().message()));
      return answer(std::move(response));
    }
    return answer(ErrorResponse(404, "NOT_FOUND",
                                absl::StrCat("no endpoint ", request.method, " ", request.path)));
  }
  const Route& route = *match->route;
  route_label = absl::StrCat(route.rule.method(), " ", route.rule.path());

  const RouteRule& rule = route.rule;
  size_t limit = rule.raw_body().empty() ? limits_.api_bytes : limits_.raw_bytes;
  if (request.body.size() > limit) {
    return answer(
        ErrorResponse(413, "PAYLOAD_TOO_LARGE",
                      absl::StrCat("request body exceeds the limit of ", limit, " bytes")));
  }
  std::vector<std::pair<std::string, std::string>> metadata = {{"x-request-id", request_id}};
  if (!rule.public_()) {
    std::optional<std::string> api_key =
        ExtractApiKey(request.Header("x-api-key"), request.Header("authorization"));
    if (!api_key.has_value()) {
      return answer(
          ErrorResponse(401, "UNAUTHENTICATED",
                        "missing API key: send 'x-api-key: KEY' or 'Authorization: Bearer KEY'"));
    }
    metadata.emplace_back("x-api-key", *api_key);
  }

  std::unique_ptr<Message> rpc_request = NewMessage(route.method->input_type());
  const google::protobuf::Reflection* reflection = rpc_request->GetReflection();
  std::vector<FieldViolation> violations;
  if (!rule.raw_body().empty()) {
    // Webhooks: the exact bytes (signatures cover them) and the headers, no parsing here.
    const auto* body_field = route.method->input_type()->FindFieldByName(rule.raw_body());
    if (body_field != nullptr) reflection->SetString(rpc_request.get(), body_field, request.body);
    const auto* headers_field = route.method->input_type()->FindFieldByName(rule.headers());
    if (headers_field != nullptr && headers_field->is_map()) {
      for (const auto& [name, value] : request.headers) {
        Message* entry = reflection->AddMessage(rpc_request.get(), headers_field);
        entry->GetReflection()->SetString(entry, entry->GetDescriptor()->map_key(), name);
        entry->GetReflection()->SetString(entry, entry->GetDescriptor()->map_value(), value);
      }
    }
  } else if (rule.body() == "*" && request.body.empty()) {
    // A body-taking RPC with nothing to say (":disable", ":replay") may send no body at all.
  } else if (rule.body() == "*") {
    // "" means absent (Zapier sends it for unmapped fields), except on PATCH, where "" clears.
    TranscodeOptions options{.blank_is_absent = rule.method() != "PATCH"};
    std::string content_type = request.Header("content-type");
    nlohmann::json body;
    if (IsFormContentType(content_type)) {
      body = FormToJson(request.body, violations);
    } else if (IsJsonContentType(content_type)) {
      absl::StatusOr<nlohmann::json> parsed = ParseStrictJson(request.body, violations);
      if (!parsed.ok()) {
        return answer(ErrorResponse(400, "INVALID_ARGUMENT", std::string(parsed.status().message())));
      }
      body = *std::move(parsed);
    } else {
      return answer(ErrorResponse(
          415, "UNSUPPORTED_MEDIA_TYPE",
          absl::StrCat("Content-Type must be application/json or "
                       "application/x-www-form-urlencoded, got '",
                       content_type, "'")));
    }
    for (FieldViolation& v : JsonToMessage(body, *rpc_request, "", options)) {
      violations.push_back(std::move(v));
    }
  } else {
    violations = ApplyQuery(request.query, *rpc_request);
  }
  for (const auto& [name, value] : match->path_params) {
    for (FieldViolation& v : SetFieldFromText(name, value, *rpc_request)) {
      violations.push_back(std::move(v));
    }
  }
  if (!violations.empty()) {
    violations = MergeViolations(std::move(violations),
                                 ServiceViolations(route.method->full_name(), *rpc_request));
    return answer(ErrorResponseFromStatus(InvalidArgumentWithViolations(violations)));
  }

  if (route.method->server_streaming()) {
    // Server-sent events (e.g. a customer's live timeline).
    streams_->Open(route, rpc_request->SerializeAsString(), metadata,
                   [route_label, complete = std::move(complete)](HttpResponse response) {
                     complete(std::move(response), route_label);
                   });
    return;
  }
  auto render = [&route, route_label,
                 complete = std::move(complete)](absl::StatusOr<BackendClient::Reply> reply) {
    complete(RenderReply(route, reply), route_label);
  };
  if (!route.batch_path.empty()) {
    // Concurrent calls with the same credentials travel together (see CallBatcher); the
    // credentials are the metadata after x-request-id, which each call keeps for itself.
    std::vector<std::pair<std::string, std::string>> credentials(metadata.begin() + 1,
                                                                 metadata.end());
    batcher_->Call(route.method->service()->full_name(), route.batch_path,
                   rpc_request->SerializeAsString(), request_id, std::move(credentials),
                   std::move(render));
    return;
  }
  backends_->Call(route.method->service()->full_name(), route.GrpcPath(),
                  rpc_request->SerializeAsString(), metadata, std::move(render));
}

}  // namespace aievents::gateway
