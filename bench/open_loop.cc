// open_loop: posts AI events at a fixed arrival rate, whatever the server does, and measures
// each request's latency from the moment it was due (so a slow server cannot hide its queue:
// no coordinated omission). Requests go over keep-alive connections, opened as needed up to
// --connections; a request due while every connection is busy waits, and that wait counts.
//
//   open_loop --url=http://127.0.0.1:8080/v1/ai-events --keys=K1,K2 --customers=100000
//             --rate=5000 --seconds=15 [--phases=20000x10,1000x5] [--connections=1024]
//
// --phases runs several rates one after another (rate x seconds each) and reports each phase,
// to show shedding under overload and the recovery after it.
// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench/event_mix.h"
#include "bench/latency_summary.h"
#include "common/runtime/config_source.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Phase {
  int rate;
  int seconds;
};

struct PhaseResult {
  aievents::bench::LatencySummary latency;  // of 2xx answers
  std::map<int, int64_t> statuses;
  int64_t errors = 0;  // connection failures
  int64_t sent = 0;
};

class OpenLoop {
 public:
  OpenLoop(asio::io_context& io, tcp::endpoint endpoint, std::string host, std::string path,
           std::vector<std::string> keys, int64_t customers, int max_connections)
      : io_(io),
        timer_(io),
        endpoint_(endpoint),
        host_(std::move(host)),
        path_(std::move(path)),
        keys_(std::move(keys)),
        mix_("open" + std::to_string(Clock::now().time_since_epoch().count()), customers, 42),
        max_connections_(max_connections) {}

  void Run(const std::vector<Phase>& phases) {
    phases_ = phases;
    results_.resize(phases.size());
    start_ = Clock::now();
    Clock::time_point at = start_;
    for (size_t p = 0; p < phases.size(); ++p) {
      phase_ends_.push_back(at + std::chrono::seconds(phases[p].seconds));
      at = phase_ends_.back();
    }
    phase_start_ = start_;
    Tick();
    io_.run();
  }

  void Print() {
    for (size_t p = 0; p < phases_.size(); ++p) {
      PhaseResult& r = results_[p];
      std::string statuses;
      for (const auto& [status, count] : r.statuses) {
        statuses += " " + std::to_string(status) + "=" + std::to_string(count);
      }
      std::cout << "offered_rps=" << phases_[p].rate << " seconds=" << phases_[p].seconds
                << " sent=" << r.sent << " ok_rps="
                << static_cast<int64_t>(r.latency.count() / static_cast<double>(phases_[p].seconds))
                << " statuses:" << statuses << " connection_errors=" << r.errors
                << " ok_latency: " << r.latency.Format() << " connections=" << open_ << "\n";
    }
  }

 private:
  struct Connection {
    explicit Connection(asio::io_context& io) : stream(io) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
    bool connected = false;
  };
  struct Due {
    Clock::time_point at;
    size_t phase;
  };

  // Sends every request due by now, then sleeps until the next one is due.
  void Tick() {
    Clock::time_point now = Clock::now();
    while (current_phase_ < phases_.size()) {
      if (now >= phase_ends_[current_phase_]) {
        phase_start_ = phase_ends_[current_phase_];
        ++current_phase_;
        issued_in_phase_ = 0;
        continue;
      }
      auto interval = std::chrono::duration<double>(1.0 / phases_[current_phase_].rate);
      Clock::time_point due = phase_start_ + std::chrono::duration_cast<Clock::duration>(
                                                 interval * static_cast<double>(issued_in_phase_));
      if (due > now) {
        timer_.expires_at(due);
        timer_.async_wait([this](beast::error_code) { Tick(); });
        return;
      }
      ++issued_in_phase_;
      results_[current_phase_].sent++;
      waiting_.push_back({due, current_phase_});
      Dispatch();
    }
    done_issuing_ = true;
    if (in_flight_ == 0 && waiting_.empty()) Finish();
  }

  void Dispatch() {
    while (!waiting_.empty()) {
      std::shared_ptr<Connection> connection;
      if (!idle_.empty()) {
        connection = idle_.back();
        idle_.pop_back();
      } else if (open_ < max_connections_) {
        connection = std::make_shared<Connection>(io_);
        ++open_;
      } else {
        return;  // every connection is busy: the request waits, and its latency grows
      }
      Due due = waiting_.front();
      waiting_.pop_front();
      Send(connection, due);
    }
  }

  void Send(std::shared_ptr<Connection> c, Due due) {
    ++in_flight_;
    aievents::bench::MixedEvent event = mix_.Next();
    c->request = http::request<http::string_body>(http::verb::post, path_, 11);
    c->request.set(http::field::host, host_);
    c->request.set(http::field::content_type, "application/json");
    c->request.set("x-api-key", keys_[key_index_++ % keys_.size()]);
    c->request.body() = aievents::bench::EventMix::JsonBody(event);
    c->request.prepare_payload();
    auto write = [this, c, due] {
      c->stream.expires_after(std::chrono::seconds(30));
      http::async_write(c->stream, c->request, [this, c, due](beast::error_code ec, size_t) {
        if (ec) return Failed(c, due);
        c->response = {};
        http::async_read(c->stream, c->buffer, c->response,
                         [this, c, due](beast::error_code ec, size_t) {
                           if (ec) return Failed(c, due);
                           Completed(c, due);
                         });
      });
    };
    if (c->connected) return write();
    c->stream.expires_after(std::chrono::seconds(5));
    c->stream.async_connect(endpoint_, [this, c, due, write](beast::error_code ec) {
      if (ec) return Failed(c, due);
      c->connected = true;
      write();
    });
  }

  void Completed(const std::shared_ptr<Connection>& c, Due due) {
    --in_flight_;
    PhaseResult& result = results_[due.phase];
    int status = c->response.result_int();
    result.statuses[status]++;
    if (status >= 200 && status < 300) {
      result.latency.Add(std::chrono::duration<double, std::milli>(Clock::now() - due.at).count());
    }
    if (c->response.keep_alive()) {
      idle_.push_back(c);
    } else {
      --open_;
    }
    Next();
  }

  void Failed(const std::shared_ptr<Connection>& c, Due due) {
    --in_flight_;
    --open_;
    results_[due.phase].errors++;
    beast::error_code ignored;
    c->stream.socket().close(ignored);
    Next();
  }

  void Next() {
    Dispatch();
    if (done_issuing_ && in_flight_ == 0 && waiting_.empty()) Finish();
  }

  void Finish() {
    timer_.cancel();
    for (auto& c : idle_) {
      beast::error_code ignored;
      c->stream.socket().close(ignored);
    }
    idle_.clear();
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  tcp::endpoint endpoint_;
  std::string host_;
  std::string path_;
  std::vector<std::string> keys_;
  aievents::bench::EventMix mix_;
  int max_connections_;
  size_t key_index_ = 0;

  std::vector<Phase> phases_;
  std::vector<Clock::time_point> phase_ends_;
  std::vector<PhaseResult> results_;
  Clock::time_point start_, phase_start_;
  size_t current_phase_ = 0;
  int64_t issued_in_phase_ = 0;
  bool done_issuing_ = false;
  std::deque<Due> waiting_;
  std::vector<std::shared_ptr<Connection>> idle_;
  int open_ = 0;
  int in_flight_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc, argv);
  std::string url = source.String("url", "http://127.0.0.1:8080/v1/ai-events", "endpoint");
  std::string keys = source.RequiredString("keys", "comma-separated API keys");
  int customers = source.Int("customers", 100000, 1, 100000000, "seeded customers per tenant");
  int rate = source.Int("rate", 5000, 1, 1000000, "requests per second");
  int seconds = source.Int("seconds", 15, 1, 3600, "duration");
  std::string phases_text = source.String("phases", "", "RATExSECONDS,... instead of --rate");
  int connections = source.Int("connections", 1024, 1, 60000, "most connections to open");
  if (source.HelpRequested()) {
    std::cout << source.Help();
    return 0;
  }
  if (auto status = source.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n";
    return 2;
  }
  std::vector<Phase> phases;
  if (phases_text.empty()) phases.push_back({rate, seconds});
  for (absl::string_view part : absl::StrSplit(phases_text, ',', absl::SkipEmpty())) {
    std::vector<std::string> fields = absl::StrSplit(part, 'x');
    Phase phase{};
    if (fields.size() != 2 || !absl::SimpleAtoi(fields[0], &phase.rate) ||
        !absl::SimpleAtoi(fields[1], &phase.seconds) || phase.rate < 1 || phase.seconds < 1) {
      std::cerr << "--phases: expected RATExSECONDS, got " << part << "\n";
      return 2;
    }
    phases.push_back(phase);
  }
  // http://HOST:PORT/PATH
  std::string rest = url.substr(url.find("://") + 3);
  std::string hostport = rest.substr(0, rest.find('/'));
  std::string path = rest.substr(hostport.size());
  std::string host = hostport.substr(0, hostport.find(':'));
  int port = 80;
  if (hostport.find(':') != std::string::npos) {
    (void)absl::SimpleAtoi(hostport.substr(hostport.find(':') + 1), &port);
  }
  asio::io_context io;
  tcp::endpoint endpoint(asio::ip::make_address(host), static_cast<unsigned short>(port));
  OpenLoop loop(io, endpoint, hostport, path, absl::StrSplit(keys, ',', absl::SkipEmpty()),
                customers, connections);
  loop.Run(phases);
  loop.Print();
  return 0;
}
