// A small HTTP/1.1 server on Boost.Beast: one thread accepts, each connection is served by its
// own thread with blocking reads and writes (keep-alive supported). Handlers are plain
// functions from request to response. Used by the gateway and by every service's admin port
// (/metrics, /healthz).
#ifndef AIEVENTS_COMMON_HTTP_SERVER_H_
#define AIEVENTS_COMMON_HTTP_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace aievents {

struct HttpRequest {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // percent-decoding is left to the handler
  std::string query;                           // after '?', without it
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_address;

  // The header's value, or "" when absent.
  std::string Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0 picks a free port; see port()
    size_t max_body_bytes = 64 * 1024;
    int max_connections = 1024;
    int idle_timeout_seconds = 60;
    // Builds the JSON body of the errors the server itself answers (413, 400, 503).
    std::function<HttpResponse(int status, const std::string& message)> error_response;
  };

  // Binds and starts serving in background threads.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Options options, HttpHandler handler);

  ~HttpServer();

  int port() const { return port_; }

  // Stops accepting, closes open connections and waits for their threads.
  void Shutdown();

 private:
  struct Impl;
  HttpServer() = default;

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_HTTP_SERVER_H_
