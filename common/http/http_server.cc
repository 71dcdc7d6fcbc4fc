#include "common/http/http_server.h"

#include <sys/resource.h>

#include <future>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/http/http_connection.h"
#include "common/runtime/log.h"

namespace aievents {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Held connections are file descriptors: let the process use as many as its hard limit allows
// (the soft limit is often 1024, below the connection cap).
void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Over the cap, at most this many connections are being answered 503 at once; beyond that
// they are closed without an answer, so a flood cannot pile up work.
constexpr int kMaxRejecting = 256;
// How long Shutdown() still waits for handlers after the drain period closed their sockets.
constexpr auto kAbandonAfter = std::chrono::seconds(5);

}  // namespace

std::string HttpRequest::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

struct HttpServer::Impl {
  std::shared_ptr<Core> core = std::make_shared<Core>();
  // Connections hold `core`; the acceptor and the threads belong to the server alone.
  std::optional<asio::strand<asio::io_context::executor_type>> accept_strand;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::mutex shutdown_mutex;
  bool shut_down = false;

  void Accept() {
    acceptor->async_accept(asio::make_strand(core->io),
                           [this](boost::system::error_code ec, tcp::socket socket) {
                             if (!acceptor->is_open()) return;
                             if (ec) {
                               // Out of descriptors, say: wait instead of spinning.
                               log::Warn("http_accept_failed", {{"error", ec.message()}});
                               accept_retry->expires_after(std::chrono::milliseconds(50));
                               accept_retry->async_wait([this](boost::system::error_code ec) {
                                 if (!ec) Accept();
                               });
                               return;
                             }
                             OnAccepted(std::move(socket));
                             Accept();
                           });
  }

  void OnAccepted(tcp::socket socket) {
    std::shared_ptr<HttpConnection> connection;
    bool rejecting = false;
    {
      std::lock_guard lock(core->mutex);
      if (core->draining) return;  // `socket` closes as it goes out of scope
      int open = static_cast<int>(core->connections.size()) - core->rejecting;
      if (open >= core->options.max_connections) {
        if (core->rejecting >= kMaxRejecting) return;
        rejecting = true;
        ++core->rejecting;
      }
      uint64_t id = core->next_id++;
      connection = std::make_shared<HttpConnection>(std::move(socket), core, id, rejecting);
      core->connections[id] = connection;
    }
    asio::post(connection->executor(), [connection, rejecting] {
      if (rejecting) {
        connection->StartRejecting();
      } else {
        connection->Start();
      }
    });
  }

  // Runs `action` on every live connection's strand.
  template <typename Action>
  void ForEachConnection(Action action) {
    std::vector<std::shared_ptr<HttpConnection>> live;
    {
      std::lock_guard lock(core->mutex);
      for (auto& [id, weak] : core->connections) {
        if (auto connection = weak.lock()) live.push_back(std::move(connection));
      }
    }
    for (auto& connection : live) {
      asio::post(connection->executor(), [connection, action] { action(*connection); });
    }
  }

  bool WaitForNoConnections(std::chrono::milliseconds timeout) {
    std::unique_lock lock(core->mutex);
    return core->changed.wait_for(lock, timeout, [&] { return core->connections.empty(); });
  }
};

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Options options,
                                                              HttpHandler handler) {
  return Start(std::move(options),
               [handler = std::move(handler)](HttpRequest request, HttpResponder respond) {
                 respond(handler(request));
               });
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(Options options,
                                                              AsyncHttpHandler handler) {
  RaiseOpenFileLimit();
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_unique<Impl>();
  Impl& impl = *server->impl_;
  Core& core = *impl.core;
  core.options = std::move(options);
  core.handler = std::move(handler);
  impl.accept_strand.emplace(asio::make_strand(core.io));
  impl.acceptor.emplace(*impl.accept_strand);
  impl.accept_retry.emplace(*impl.accept_strand);

  boost::system::error_code ec;
  auto address = asio::ip::make_address(core.options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad listen host: ", core.options.host));
  tcp::endpoint endpoint(address, static_cast<unsigned short>(core.options.port));
  impl.acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl.acceptor->bind(endpoint, ec);
  if (!ec) impl.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", core.options.host, ":",
                                               core.options.port, ": ", ec.message()));
  }
  server->port_ = impl.acceptor->local_endpoint().port();
  impl.work.emplace(core.io.get_executor());
  asio::post(*impl.accept_strand, [&impl] { impl.Accept(); });
  int threads = core.options.threads > 0
                    ? core.options.threads
                    : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    impl.threads.emplace_back([&core] { core.io.run(); });
  }
  return server;
}

int HttpServer::open_connections() const {
  std::lock_guard lock(impl_->core->mutex);
  return static_cast<int>(impl_->core->connections.size()) - impl_->core->rejecting;
}

void HttpServer::Shutdown() {
  if (!impl_) return;
  Impl& impl = *impl_;
  std::lock_guard shutdown_lock(impl.shutdown_mutex);
  if (impl.shut_down) return;
  impl.shut_down = true;
  Core& core = *impl.core;
  // Start() failed before any thread ran the io_context (the port was taken, say): nothing
  // can run a posted close, and nothing was accepted, so there is nothing to drain.
  if (impl.threads.empty()) {
    boost::system::error_code ec;
    if (impl.acceptor) impl.acceptor->close(ec);
    return;
  }

  // Draining first: once a client can see the listener gone, every answer already says
  // `connection: close`. Then stop accepting (the acceptor belongs to its strand).
  core.draining = true;
  std::promise<void> closed;
  asio::post(*impl.accept_strand, [&] {
    boost::system::error_code ec;
    impl.acceptor->close(ec);
    impl.accept_retry->cancel();
    closed.set_value();
  });
  closed.get_future().wait();

  impl.ForEachConnection([](HttpConnection& connection) { connection.Drain(); });
  if (!impl.WaitForNoConnections(core.options.drain_timeout)) {
    log::Warn("http_drain_timeout", {{"open_connections", std::to_string(open_connections())}});
    if (core.options.on_drain_timeout) core.options.on_drain_timeout();
    impl.ForEachConnection([](HttpConnection& connection) { connection.ForceClose(); });
    if (!impl.WaitForNoConnections(kAbandonAfter)) {
      log::Error("http_drain_abandoned",
                 {{"reason", "a handler never answered"},
                  {"open_connections", std::to_string(open_connections())}});
    }
  }
  impl.work.reset();
  core.io.stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
}

HttpServer::~HttpServer() { Shutdown(); }

}  // namespace aievents
