#include "common/http_server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/text.h"

namespace aievents {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  Options options;
  HttpHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread accept_thread;
  std::atomic<bool> stopping{false};

  std::mutex mutex;
  std::condition_variable idle;
  std::set<tcp::socket*> sockets;  // open connections, for shutdown
  int active = 0;

  void AcceptLoop() {
    while (!stopping) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      if (ec) {
        if (stopping) return;
        continue;
      }
      std::unique_lock lock(mutex);
      if (active >= options.max_connections) {
        lock.unlock();
        WriteAndClose(socket, Error(503, "too many open connections; retry shortly"));
        continue;
      }
      ++active;
      lock.unlock();
      std::thread([this, s = std::move(socket)]() mutable { Serve(std::move(s)); }).detach();
    }
  }

  HttpResponse Error(int status, const std::string& message) {
    if (options.error_response) return options.error_response(status, message);
    HttpResponse response;
    response.status = status;
    response.content_type = "text/plain";
    response.body = message + "\n";
    return response;
  }

  static http::response<http::string_body> ToBeast(const HttpResponse& response, int version,
                                                   bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(response.status), version};
    out.set(http::field::server, "aievents");
    if (!response.body.empty() || response.status != 204) {
      out.set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) out.set(name, value);
    out.body() = response.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
  }

  // Answers and closes. The client may still be sending a body we refused (413): closing with
  // unread data would make the kernel send a reset that destroys our answer, so stop sending,
  // then read and discard what is in flight (bounded in bytes and time) before closing.
  void WriteAndClose(tcp::socket& socket, const HttpResponse& response) {
    boost::system::error_code ec;
    http::write(socket, ToBeast(response, 11, false), ec);
    socket.shutdown(tcp::socket::shutdown_send, ec);
    timeval drain_timeout{1, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &drain_timeout,
               sizeof(drain_timeout));
    char discard[16 * 1024];
    for (size_t drained = 0; !ec && drained < 8 * 1024 * 1024;) {
      drained += socket.read_some(asio::buffer(discard), ec);
    }
    socket.close(ec);
  }

  void Serve(tcp::socket socket) {
    {
      std::lock_guard lock(mutex);
      sockets.insert(&socket);
    }
    timeval timeout{options.idle_timeout_seconds, 0};
    setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    boost::system::error_code ec;
    std::string remote = socket.remote_endpoint(ec).address().to_string();
    beast::flat_buffer buffer;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(options.max_body_bytes);
      parser.header_limit(16 * 1024);
      http::read_header(socket, buffer, parser, ec);
      // Beast checks a declared Content-Length against body_limit while reading the header.
      if (ec && ec != http::error::body_limit) break;  // closed, timed out, or garbage
      if (!ec) http::read(socket, buffer, parser, ec);
      if (ec == http::error::body_limit) {
        WriteAndClose(socket, Error(413, absl::StrCat("request body exceeds the limit of ",
                                                      options.max_body_bytes, " bytes")));
        break;
      }
      if (ec) {
        WriteAndClose(socket, Error(400, absl::StrCat("malformed HTTP request: ", ec.message())));
        break;
      }
      auto& message = parser.get();
      HttpRequest request;
      request.method = std::string(message.method_string());
      std::string target(message.target());
      size_t question = target.find('?');
      request.path = target.substr(0, question);
      if (question != std::string::npos) request.query = target.substr(question + 1);
      for (const auto& field : message) {
        request.headers[ToLowerAscii(std::string(field.name_string()))] =
            std::string(field.value());
      }
      request.body = std::move(message.body());
      request.remote_address = remote;
      HttpResponse response;
      try {
        response = handler(request);
      } catch (const std::exception& e) {
        log::Error("http_handler_exception", {{"error", e.what()}, {"path", request.path}});
        response = Error(500, "internal error");
      }
      bool keep_alive = message.keep_alive() && !stopping;
      http::write(socket, ToBeast(response, message.version(), keep_alive), ec);
      if (ec || !keep_alive) break;
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    std::lock_guard lock(mutex);
    sockets.erase(&socket);
    --active;
    idle.notify_all();
  }
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Options options,
                                                              HttpHandler handler) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_unique<Impl>();
  Impl& impl = *server->impl_;
  impl.options = std::move(options);
  impl.handler = std::move(handler);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen host: ", impl.options.host));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(impl.options.port));
  impl.acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor.bind(endpoint, ec);
  if (!ec) impl.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", impl.options.host, ":",
                                               impl.options.port, ": ", ec.message()));
  }
  server->port_ = impl.acceptor.local_endpoint().port();
  impl.accept_thread = std::thread([&impl] { impl.AcceptLoop(); });
  return server;
}

void HttpServer::Shutdown() {
  if (!impl_ || impl_->stopping.exchange(true)) return;
  boost::system::error_code ec;
  // shutdown() wakes the blocking accept(); close() alone does not on Linux.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (impl_->accept_thread.joinable()) impl_->accept_thread.join();
  impl_->acceptor.close(ec);
  std::unique_lock lock(impl_->mutex);
  for (tcp::socket* socket : impl_->sockets) socket->shutdown(tcp::socket::shutdown_both, ec);
  impl_->idle.wait(lock, [&] { return impl_->active == 0; });
}

HttpServer::~HttpServer() { Shutdown(); }

}  // namespace aievents
