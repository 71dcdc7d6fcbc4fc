// edge_load: what idle and slow clients do to everyone else. Opens --idle connections that
// send nothing and --partial connections that send half a request line, then, while they are
// held, runs ordinary POST /v1/ai-events requests over --workers keep-alive connections for
// --seconds. Prints the ordinary requests' latency and when the server closed the idle and
// partial connections (it should, at its header deadline).
//
//   edge_load --port=8080 --key=KEY --idle=1100 --partial=200 --workers=8 --seconds=15
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/event_mix.h"
#include "bench/latency_summary.h"
#include "common/runtime/config_source.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

class EdgeLoad {
 public:
  EdgeLoad(asio::io_context& io, tcp::endpoint endpoint, std::string key, int seconds)
      : io_(io),
        endpoint_(endpoint),
        key_(std::move(key)),
        mix_("edge" + std::to_string(Clock::now().time_since_epoch().count()), 100000, 3),
        seconds_(seconds) {}

  // A connection that sends `prefix` (maybe nothing) and then waits for the server to close it.
  void Hold(const std::string& prefix, aievents::bench::LatencySummary* closed_after,
            int* refused) {
    auto socket = std::make_shared<tcp::socket>(io_);
    auto opened = std::make_shared<Clock::time_point>(Clock::now());
    auto buffer = std::make_shared<std::array<char, 512>>();
    socket->async_connect(endpoint_, [=, this](beast::error_code ec) {
      if (ec) {
        ++*refused;
        return;
      }
      *opened = Clock::now();
      auto wait_for_close = [=, this] { WaitForClose(socket, buffer, opened, closed_after); };
      if (prefix.empty()) return wait_for_close();
      asio::async_write(*socket, asio::buffer(prefix),
                        [wait_for_close](beast::error_code, size_t) { wait_for_close(); });
    });
    held_.push_back(socket);
  }

  void StartWorker() {
    auto worker = std::make_shared<Worker>(io_);
    worker->stream.async_connect(endpoint_, [=, this](beast::error_code ec) {
      if (ec) return Failed(worker, ec);
      Request(worker);
    });
  }

  void Print(int idle, int partial) {
    std::map<int, int64_t> statuses = statuses_;
    std::string counts;
    for (const auto& [status, count] : statuses) {
      counts += " " + std::to_string(status) + "=" + std::to_string(count);
    }
    std::cout << "ordinary requests: " << ok_latency_.count() << " ok in " << seconds_
              << " s, statuses:" << counts << " errors=" << worker_errors_
              << (last_error_.empty() ? "" : " (last: " + last_error_ + ")")
              << " latency: " << ok_latency_.Format() << "\n";
    std::cout << "idle connections: " << idle << " opened, " << idle_refused_ << " refused, "
              << idle_closed_.count()
              << " closed by the server; closed after (s): min=" << idle_closed_.Quantile(0) / 1000
              << " max=" << idle_closed_.Quantile(1) / 1000 << "\n";
    std::cout << "partial requests: " << partial << " opened, " << partial_refused_ << " refused, "
              << partial_closed_.count() << " closed by the server; closed after (s): min="
              << partial_closed_.Quantile(0) / 1000 << " max=" << partial_closed_.Quantile(1) / 1000
              << "\n";
  }

  aievents::bench::LatencySummary idle_closed_, partial_closed_;
  int idle_refused_ = 0, partial_refused_ = 0;

 private:
  void WaitForClose(std::shared_ptr<tcp::socket> socket,
                    std::shared_ptr<std::array<char, 512>> buffer,
                    std::shared_ptr<Clock::time_point> opened,
                    aievents::bench::LatencySummary* closed_after) {
    socket->async_read_some(asio::buffer(*buffer), [=, this](beast::error_code ec, size_t) {
      if (!ec) return WaitForClose(socket, buffer, opened, closed_after);  // an answer; keep going
      if (ec == asio::error::operation_aborted) return;
      closed_after->Add(std::chrono::duration<double, std::milli>(Clock::now() - *opened).count());
    });
  }

  // One keep-alive connection sending ordinary requests one after another.
  struct Worker {
    explicit Worker(asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    Clock::time_point start;
  };

  void Request(std::shared_ptr<Worker> worker) {
    if (Clock::now() >= end_) return;
    worker->request = {http::verb::post, "/v1/ai-events", 11};
    worker->request.set(http::field::host, "127.0.0.1");
    worker->request.set(http::field::content_type, "application/json");
    worker->request.set("x-api-key", key_);
    worker->request.body() = aievents::bench::EventMix::JsonBody(mix_.Next());
    worker->request.prepare_payload();
    worker->start = Clock::now();
    worker->stream.expires_after(std::chrono::seconds(30));
    http::async_write(worker->stream, worker->request, [=, this](beast::error_code ec, size_t) {
      if (ec) return Failed(worker, ec);
      worker->response = {};
      http::async_read(
          worker->stream, worker->buffer, worker->response,
          [=, this](beast::error_code ec, size_t) {
            if (ec) return Failed(worker, ec);
            int status = worker->response.result_int();
            statuses_[status]++;
            if (status >= 200 && status < 300) {
              ok_latency_.Add(
                  std::chrono::duration<double, std::milli>(Clock::now() - worker->start).count());
            }
            if (!worker->response.keep_alive()) return StartWorker();
            Request(worker);
          });
    });
  }

  void Failed(std::shared_ptr<Worker> worker, const beast::error_code& ec) {
    ++worker_errors_;
    last_error_ = ec.message();
    beast::error_code ignored;
    worker->stream.socket().close(ignored);
    if (Clock::now() < end_) StartWorker();
  }

 public:
  void SetEnd(Clock::time_point end) { end_ = end; }
  bool Done() const { return Clock::now() >= end_; }
  void CloseHeld() {
    for (auto& socket : held_) {
      beast::error_code ignored;
      socket->close(ignored);
    }
  }

 private:
  asio::io_context& io_;
  tcp::endpoint endpoint_;
  std::string key_;
  aievents::bench::EventMix mix_;
  int seconds_;
  Clock::time_point end_;
  std::vector<std::shared_ptr<tcp::socket>> held_;
  std::map<int, int64_t> statuses_;
  int worker_errors_ = 0;
  std::string last_error_;
  aievents::bench::LatencySummary ok_latency_;
};

}  // namespace

int main(int argc, char** argv) {
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc, argv);
  std::string host = source.String("host", "127.0.0.1", "gateway host");
  int port = source.Int("port", 8080, 1, 65535, "gateway port");
  std::string key = source.RequiredString("key", "an API key");
  int idle = source.Int("idle", 1100, 0, 100000, "connections that send nothing");
  int partial = source.Int("partial", 200, 0, 100000, "connections that send half a request");
  int workers = source.Int("workers", 8, 1, 1000, "connections sending ordinary requests");
  int seconds = source.Int("seconds", 15, 1, 3600, "how long ordinary requests run");
  int hold = source.Int("hold-seconds", 75, 1, 3600,
                        "how long to wait for the server to close the held connections");
  if (source.HelpRequested()) {
    std::cout << source.Help();
    return 0;
  }
  if (auto status = source.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n";
    return 2;
  }
  asio::io_context io;
  EdgeLoad load(io, tcp::endpoint(asio::ip::make_address(host), static_cast<unsigned short>(port)),
                key, seconds);
  for (int i = 0; i < idle; ++i) load.Hold("", &load.idle_closed_, &load.idle_refused_);
  for (int i = 0; i < partial; ++i) {
    load.Hold("POST /v1/ai-ev", &load.partial_closed_, &load.partial_refused_);
  }
  // Let the held connections be established before the ordinary traffic starts.
  io.run_for(std::chrono::milliseconds(500));
  load.SetEnd(Clock::now() + std::chrono::seconds(seconds));
  for (int i = 0; i < workers; ++i) load.StartWorker();
  // Until every held connection was closed by the server and the ordinary traffic is over
  // (or --hold-seconds, whichever comes first).
  auto give_up = Clock::now() + std::chrono::seconds(hold);
  while (Clock::now() < give_up) {
    io.run_for(std::chrono::milliseconds(200));
    bool all_closed =
        static_cast<int>(load.idle_closed_.count()) + load.idle_refused_ >= idle &&
        static_cast<int>(load.partial_closed_.count()) + load.partial_refused_ >= partial;
    if (all_closed && load.Done()) break;
  }
  load.CloseHeld();
  load.Print(idle, partial);
  return 0;
}
