// An asynchronous HTTP/1.1 server on Boost.Beast: a few I/O threads (about one per core) serve
// every connection, so an idle or slow client costs a socket and a few kilobytes, never a
// thread. Each phase of a request has its own deadline (headers, body, keep-alive idle, write);
// malformed requests get 400 (431 for oversized headers, 413 for oversized bodies) with
// `Connection: close`; connections over the cap get 503 with `Retry-After`; Shutdown() drains
// gracefully. Used by the gateway and by every service's admin port (/metrics, /healthz).
//
// Handlers are asynchronous: they receive the request and a responder, and may answer later
// from any thread (the gateway answers from a gRPC completion callback). They must not block:
// they run on the I/O threads.
#ifndef AIEVENTS_COMMON_HTTP_HTTP_SERVER_H_
#define AIEVENTS_COMMON_HTTP_HTTP_SERVER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
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

// The sending side of a streamed response (server-sent events). Safe from any thread.
class HttpStream {
 public:
  virtual ~HttpStream() = default;
  // Queues `data` to be sent; false once the stream has ended.
  virtual bool Send(std::string data) = 0;
  // The same, then calls `written` (on an I/O thread; it must not block) once `data` is on the
  // wire, so a producer can pace itself by the client. Never called if the stream ends first.
  virtual bool Send(std::string data, std::function<void()> written) = 0;
  // Ends the response after what is queued; the connection then closes.
  virtual void End() = 0;
};

// A response whose body is sent as it is produced: the status and headers go out first,
// without Content-Length (the connection closes when the stream ends, so a stream is never
// kept alive for another request).
struct HttpStreaming {
  // Called once the head is sent, with the stream to send the body on.
  std::function<void(std::shared_ptr<HttpStream>)> started;
  // Called exactly once when the stream ends, whatever ended it: End(), the client going away,
  // a write missing write_timeout, or the server draining. Also called when the head could
  // not be sent. Must not block.
  std::function<void()> ended;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<HttpStreaming> streaming;  // set: `body` is ignored and the body streams
};

// Answers one request. Call it exactly once, from any thread; calling it after the client went
// away or the server stopped is harmless.
using HttpResponder = std::function<void(HttpResponse)>;
using AsyncHttpHandler = std::function<void(HttpRequest, HttpResponder)>;
// A handler that answers at once (cheap, non-blocking work only: it runs on an I/O thread).
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 0;  // 0 picks a free port; see port()
    size_t max_body_bytes = 64 * 1024;
    size_t max_header_bytes = 16 * 1024;  // request line and header fields together
    size_t max_header_fields = 100;       // more: 431
    size_t max_target_bytes = 8 * 1024;   // a longer request target: 414
    // Open connections; more are answered 503 with Retry-After and closed.
    int max_connections = 4096;
    // I/O threads; 0 means one per core.
    int threads = 0;
    // A new connection must deliver its request headers within header_timeout; a kept-alive
    // connection may wait idle_timeout for its next request, whose headers then have
    // header_timeout. The body has body_timeout from the end of the headers; writing a response
    // has write_timeout. A connection that misses a deadline is closed.
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{30000};
    std::chrono::milliseconds idle_timeout{60000};
    std::chrono::milliseconds write_timeout{30000};
    // How long Shutdown() lets in-flight requests finish before closing their connections.
    std::chrono::milliseconds drain_timeout{20000};
    // Called once when the drain period ends with requests still in a handler, so the owner
    // can cancel what they wait for (the gateway cancels its backend calls).
    std::function<void()> on_drain_timeout;
    // Builds the body of the errors the server itself answers (400, 408, 413, 414, 431, 503).
    std::function<HttpResponse(int status, const std::string& message)> error_response;
  };

  // Binds and starts serving on background I/O threads.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Options options,
                                                           AsyncHttpHandler handler);
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(Options options, HttpHandler handler);

  ~HttpServer();

  int port() const { return port_; }

  // Connections currently open (for metrics and tests).
  int open_connections() const;

  // Graceful drain: stops accepting, closes connections waiting for a request, lets requests
  // already being read or handled finish (their answers carry `Connection: close`), then after
  // drain_timeout closes whatever remains. Returns when every connection is gone (or, should a
  // handler never answer, a few seconds after the drain period) and the I/O threads have
  // stopped. Safe to call more than once.
  void Shutdown();

  struct Core;  // shared with the connections; see http_connection.h

 private:
  struct Impl;
  HttpServer() = default;

  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_HTTP_HTTP_SERVER_H_
