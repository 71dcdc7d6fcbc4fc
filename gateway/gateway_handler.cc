#include "gateway/gateway_handler.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

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

// The metadata of a backend call: x-request-id, then the caller's credentials.
using CallMetadata = std::vector<std::pair<std::string, std::string>>;

// The error answer of a step that refuses the request; nullopt when the step lets it through.
using Rejection = std::optional<HttpResponse>;

void AppendViolations(std::vector<FieldViolation> more, std::vector<FieldViolation>& violations) {
  for (FieldViolation& v : more) violations.push_back(std::move(v));
}

// application/json, or any "+json" media type (application/problem+json), parameters ignored.
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
    AppendViolations(SetFieldFromText(*name, *value, message), violations);
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
  // The field the body shows: the rule's response_body, or the one a call names instead
  // (`x-http-body-field`, e.g. a suppressed CreateEvent's `suppressed`).
  std::string body_field = route.rule.response_body();
  for (const auto& [key, value] : reply->initial_metadata) {
    if (key == "x-http-body-field") body_field = value;
  }
  if (!body_field.empty()) {
    const auto* field = route.method->output_type()->FindFieldByName(body_field);
    if (field != nullptr && field->message_type() != nullptr)
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
    } else if (key.rfind(kHeaderPrefix, 0) == 0) {
      response.headers.emplace_back(HeaderCase(key.substr(kHeaderPrefix.size())), value);
    }
  }
  if (response.status == 204) response.body.clear();  // 204 has no body (RFC 9110)
  return response;
}

// 405 on a read-only endpoint.
HttpResponse OnlyGetAllowed() {
  HttpResponse response = ErrorResponse(405, "METHOD_NOT_ALLOWED", "use GET");
  response.headers.emplace_back("allow", "GET");
  return response;
}

// /openapi.json: the API's description, or 404 when the gateway was started without one.
HttpResponse OpenApiResponse(const HttpRequest& request, const std::string& document) {
  if (request.method != "GET" && request.method != "HEAD") return OnlyGetAllowed();
  if (document.empty()) return ErrorResponse(404, "NOT_FOUND", "no OpenAPI document");
  HttpResponse response;
  response.body = document;
  response.headers.emplace_back("cache-control", "no-cache");
  return response;
}

// The answer when no route takes the request: 405 naming the allowed methods when the path
// exists under another method (`status` is FAILED_PRECONDITION), 404 otherwise.
HttpResponse NoRouteResponse(const HttpRequest& request, const absl::Status& status) {
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    HttpResponse response =
        ErrorResponse(405, "METHOD_NOT_ALLOWED",
                      absl::StrCat(request.method, " is not allowed on ", request.path,
                                   "; allowed: ", status.message()));
    response.headers.emplace_back("allow", std::string(status.message()));
    return response;
  }
  return ErrorResponse(404, "NOT_FOUND",
                       absl::StrCat("no endpoint ", request.method, " ", request.path));
}

// Raw (webhook) routes take larger bodies than JSON API routes: they carry transcripts.
Rejection CheckBodySize(const RouteRule& rule, const std::string& body, BodyLimits limits) {
  size_t limit = rule.raw_body().empty() ? limits.api_bytes : limits.raw_bytes;
  if (body.size() <= limit) return std::nullopt;
  return ErrorResponse(413, "PAYLOAD_TOO_LARGE",
                       absl::StrCat("request body exceeds the limit of ", limit, " bytes"));
}

// Passes the caller's API key on to the backend, which checks it; public routes need none.
Rejection AddApiKey(const HttpRequest& request, const RouteRule& rule, CallMetadata& metadata) {
  if (rule.public_()) return std::nullopt;
  std::optional<std::string> api_key =
      ExtractApiKey(request.Header("x-api-key"), request.Header("authorization"));
  if (!api_key.has_value()) {
    return ErrorResponse(401, "UNAUTHENTICATED",
                         "missing API key: send 'x-api-key: KEY' or 'Authorization: Bearer KEY'");
  }
  metadata.emplace_back("x-api-key", *api_key);
  return std::nullopt;
}

// Webhooks: the exact bytes (signatures cover them) and the headers, no parsing here.
void CopyRawBodyAndHeaders(const HttpRequest& request, const RouteRule& rule,
                           Message& rpc_request) {
  const google::protobuf::Descriptor* input = rpc_request.GetDescriptor();
  const google::protobuf::Reflection* reflection = rpc_request.GetReflection();
  const auto* body_field = input->FindFieldByName(rule.raw_body());
  if (body_field != nullptr) reflection->SetString(&rpc_request, body_field, request.body);
  const auto* headers_field = input->FindFieldByName(rule.headers());
  if (headers_field == nullptr || !headers_field->is_map()) return;
  for (const auto& [name, value] : request.headers) {
    Message* entry = reflection->AddMessage(&rpc_request, headers_field);
    entry->GetReflection()->SetString(entry, entry->GetDescriptor()->map_key(), name);
    entry->GetReflection()->SetString(entry, entry->GetDescriptor()->map_value(), value);
  }
}

// The body as JSON: a form is converted, JSON is parsed strictly; any other type is refused.
Rejection ReadBodyAsJson(const HttpRequest& request, nlohmann::json& body,
                         std::vector<FieldViolation>& violations) {
  std::string content_type = request.Header("content-type");
  if (IsFormContentType(content_type)) {
    body = FormToJson(request.body, violations);
    return std::nullopt;
  }
  if (!IsJsonContentType(content_type)) {
    return ErrorResponse(415, "UNSUPPORTED_MEDIA_TYPE",
                         absl::StrCat("Content-Type must be application/json or "
                                      "application/x-www-form-urlencoded, got '",
                                      content_type, "'"));
  }
  absl::StatusOr<nlohmann::json> parsed = ParseStrictJson(request.body, violations);
  if (!parsed.ok()) {
    return ErrorResponse(400, "INVALID_ARGUMENT", std::string(parsed.status().message()));
  }
  body = *std::move(parsed);
  return std::nullopt;
}

Rejection DecodeJsonOrFormBody(const HttpRequest& request, const RouteRule& rule,
                               Message& rpc_request, std::vector<FieldViolation>& violations) {
  nlohmann::json body;
  if (Rejection rejected = ReadBodyAsJson(request, body, violations)) return rejected;
  // "" means absent (Zapier sends it for unmapped fields), except on PATCH, where "" clears.
  TranscodeOptions options{.blank_is_absent = rule.method() != "PATCH"};
  AppendViolations(JsonToMessage(body, rpc_request, "", options), violations);
  return std::nullopt;
}

// Fills the request from the body (raw, JSON or form) or, on routes without one, the query.
Rejection DecodeBody(const HttpRequest& request, const RouteRule& rule, Message& rpc_request,
                     std::vector<FieldViolation>& violations) {
  if (!rule.raw_body().empty()) {
    CopyRawBodyAndHeaders(request, rule, rpc_request);
    return std::nullopt;
  }
  if (rule.body() != "*") {
    AppendViolations(ApplyQuery(request.query, rpc_request), violations);
    return std::nullopt;
  }
  // A body-taking RPC with nothing to say (":disable", ":replay") may send no body at all.
  if (request.body.empty()) return std::nullopt;
  return DecodeJsonOrFormBody(request, rule, rpc_request, violations);
}

// Sets the fields the route's path template binds ("{event_id}").
void ApplyPathParameters(const std::map<std::string, std::string>& path_params,
                         Message& rpc_request, std::vector<FieldViolation>& violations) {
  for (const auto& [name, value] : path_params) {
    AppendViolations(SetFieldFromText(name, value, rpc_request), violations);
  }
}

// 400 listing every violation, the service's own checks included, so a client fixes all at once.
HttpResponse InvalidRequestResponse(const Route& route, const Message& rpc_request,
                                    std::vector<FieldViolation> violations) {
  violations = MergeViolations(std::move(violations),
                               ServiceViolations(route.method->full_name(), rpc_request));
  return ErrorResponseFromStatus(InvalidArgumentWithViolations(violations));
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
    log::Error(
        "http_handler_exception",
        {{"request_id", request_id}, {"path", RedactPath(request.path)}, {"error", e.what()}});
    (*complete)(ErrorResponse(500, "INTERNAL", "internal error"), "unmatched");
  }
}

HttpResponse GatewayHandler::Admin(const HttpRequest& request) {
  if (request.path != "/healthz" && request.path != "/readyz" && request.path != "/metrics") {
    return ErrorResponse(404, "NOT_FOUND", absl::StrCat("no endpoint ", request.path));
  }
  if (request.method != "GET" && request.method != "HEAD") return OnlyGetAllowed();
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
    return JsonResponse(503,
                        {{"status", "draining"}, {"checks", nlohmann::ordered_json::object()}});
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
    bool essential =
        service == "aievents.v1.IngestService" || service == "aievents.v1.WebhookService";
    if (essential) ready = ready && status.ok();
    complete = complete && status.ok();
  }
  if (all_backends) ready = ready && complete;
  return JsonResponse(ready ? 200 : 503, {{"status", !ready     ? "not_ready"
                                                     : complete ? "ready"
                                                                : "degraded"},
                                          {"checks", checks}});
}

void GatewayHandler::Dispatch(const HttpRequest& request, const std::string& request_id,
                              Completion complete) {
  if (ServeWithoutBackend(request, complete)) return;
  absl::StatusOr<RouteMatch> match = routes_->Match(request.method, request.path);
  if (!match.ok()) return complete(NoRouteResponse(request, match.status()), "unmatched");
  const Route& route = *match->route;
  std::string route_label = absl::StrCat(route.rule.method(), " ", route.rule.path());
  auto reject = [&](HttpResponse response) { complete(std::move(response), route_label); };

  if (Rejection rejected = CheckBodySize(route.rule, request.body, limits_)) {
    return reject(*std::move(rejected));
  }
  // x-request-id first: the batched call takes everything after it as the credentials.
  CallMetadata metadata = {{"x-request-id", request_id}};
  if (Rejection rejected = AddApiKey(request, route.rule, metadata)) {
    return reject(*std::move(rejected));
  }
  std::unique_ptr<Message> rpc_request = NewMessage(route.method->input_type());
  std::vector<FieldViolation> violations;
  if (Rejection rejected = DecodeBody(request, route.rule, *rpc_request, violations)) {
    return reject(*std::move(rejected));
  }
  ApplyPathParameters(match->path_params, *rpc_request, violations);
  if (!violations.empty()) {
    return reject(InvalidRequestResponse(route, *rpc_request, std::move(violations)));
  }
  CallBackend(route, route_label, request_id, metadata, rpc_request->SerializeAsString(),
              std::move(complete));
}

bool GatewayHandler::ServeWithoutBackend(const HttpRequest& request, const Completion& complete) {
  if (request.path == "/openapi.json") {
    complete(OpenApiResponse(request, *openapi_), "/openapi.json");
    return true;
  }
  if (ConsoleFiles::Owns(request.path)) {
    complete(console_->Serve(request), "/console");
    return true;
  }
  // The probes answer on the public port too (where a load balancer checks); metrics only on
  // the admin port.
  if (request.path == "/healthz" || request.path == "/readyz") {
    complete(Admin(request), request.path);
    return true;
  }
  return false;
}

void GatewayHandler::CallBackend(const Route& route, const std::string& route_label,
                                 const std::string& request_id,
                                 const std::vector<std::pair<std::string, std::string>>& metadata,
                                 std::string rpc_request, Completion complete) {
  if (route.method->server_streaming() && !route.rule.stream_document_items().empty()) {
    // One JSON document in parts (a customer's export).
    documents_->Open(route, rpc_request, metadata,
                     [route_label, complete = std::move(complete)](HttpResponse response) {
                       complete(std::move(response), route_label);
                     });
    return;
  }
  if (route.method->server_streaming()) {
    // Server-sent events (e.g. a customer's live timeline).
    streams_->Open(route, rpc_request, metadata,
                   [route_label, complete = std::move(complete)](HttpResponse response) {
                     complete(std::move(response), route_label);
                   });
    return;
  }
  auto render = [&route, route_label,
                 complete = std::move(complete)](absl::StatusOr<BackendClient::Reply> reply) {
    complete(RenderReply(route, reply), route_label);
  };
  const std::string& service = route.method->service()->full_name();
  if (!route.batch_path.empty()) {
    // Concurrent calls with the same credentials travel together (see CallBatcher); the
    // credentials are the metadata after x-request-id, which each call keeps for itself.
    std::vector<std::pair<std::string, std::string>> credentials(metadata.begin() + 1,
                                                                 metadata.end());
    batcher_->Call(service, route.batch_path, std::move(rpc_request), request_id,
                   std::move(credentials), std::move(render));
    return;
  }
  backends_->Call(service, route.GrpcPath(), rpc_request, metadata, std::move(render));
}

}  // namespace aievents::gateway
