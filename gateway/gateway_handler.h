// Turns one HTTP request into one backend RPC and its reply back into HTTP: routing from the
// proto options, API-key presence, content type, strict JSON transcoding, error mapping,
// request ids, access logs and metrics. Also serves /healthz, /readyz, /metrics and the web
// console's static files (/console/). Never
// blocks: the backend call is asynchronous and the answer is sent from its callback.
#ifndef AIEVENTS_GATEWAY_GATEWAY_HANDLER_H_
#define AIEVENTS_GATEWAY_GATEWAY_HANDLER_H_

#include <string>
#include <utility>
#include <vector>

#include "common/http/http_server.h"
#include "gateway/backend_client.h"
#include "gateway/call_batcher.h"
#include "gateway/console_files.h"
#include "gateway/document_stream_bridge.h"
#include "gateway/event_stream_bridge.h"
#include "gateway/route_table.h"

namespace aievents::gateway {

// Body size limits: JSON API requests, and raw (webhook) requests, which carry transcripts.
struct BodyLimits {
  size_t api_bytes = 64 * 1024;
  size_t raw_bytes = 1024 * 1024;
};

class GatewayHandler {
 public:
  GatewayHandler(const RouteTable* routes, BackendClient* backends, CallBatcher* batcher,
                 BodyLimits limits, const ConsoleFiles* console, EventStreamBridge* streams,
                 DocumentStreamBridge* documents, const std::string* openapi)
      : routes_(routes),
        backends_(backends),
        batcher_(batcher),
        limits_(limits),
        console_(console),
        streams_(streams),
        documents_(documents),
        openapi_(openapi) {}

  // Answers through `respond`, at once or when the backend call completes.
  void Handle(HttpRequest request, HttpResponder respond);

  // The admin port's requests: /metrics, /healthz, /readyz.
  HttpResponse Admin(const HttpRequest& request);

  // From now on /readyz answers 503 (the process is shutting down), on both ports.
  void StartDraining() { draining_ = true; }

 private:
  // The answer and the route label it is counted under.
  using Completion = std::function<void(HttpResponse, std::string route_label)>;

  // Routes, checks and decodes the request, then calls its backend; each refusal answers at once.
  void Dispatch(const HttpRequest& request, const std::string& request_id, Completion complete);
  // Answers what the gateway serves itself (/openapi.json, the console, the probes); false when
  // `request` is for a backend.
  bool ServeWithoutBackend(const HttpRequest& request, const Completion& complete);
  // Sends `rpc_request` (serialized) as a server stream, in a batch or as a unary call, as
  // `route` says, and answers through `complete` from the backend's callback.
  void CallBackend(const Route& route, const std::string& route_label,
                   const std::string& request_id,
                   const std::vector<std::pair<std::string, std::string>>& metadata,
                   std::string rpc_request, Completion complete);
  // 200 when ingest is serving (or, with `all_backends`, every backend); the body names each.
  HttpResponse Readiness(bool all_backends);

  const RouteTable* routes_;
  BackendClient* backends_;
  CallBatcher* batcher_;
  BodyLimits limits_;
  const ConsoleFiles* console_;
  EventStreamBridge* streams_;
  DocumentStreamBridge* documents_;
  const std::string* openapi_;  // the document served at /openapi.json ("" for none)
  std::atomic<bool> draining_{false};
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_GATEWAY_HANDLER_H_
