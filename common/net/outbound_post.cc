#include "common/net/outbound_post.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/net/idle_connections.h"

namespace aievents {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The system's trust store (and a private CA when configured), read once per client; a context
// is safe to share between threads once set up.
absl::StatusOr<std::unique_ptr<asio::ssl::context>> ClientTlsContext(
    const std::string& extra_ca_file) {
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  context->set_default_verify_paths();
  if (!extra_ca_file.empty()) {
    beast::error_code error;
    context->load_verify_file(extra_ca_file, error);
    if (error) {
      return absl::InvalidArgumentError(absl::StrCat("cannot read the CA certificates in ",
                                                     extra_ca_file, ": ", error.message()));
    }
  }
  context->set_verify_mode(asio::ssl::verify_peer);
  context->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                       asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  return context;
}

std::vector<tcp::endpoint> Endpoints(const OutboundPost& post) {
  std::vector<tcp::endpoint> endpoints;
  for (const IpAddress& address : post.addresses) {
    asio::ip::address ip;
    if (address.is_v4) {
      asio::ip::address_v4::bytes_type bytes;
      std::copy_n(address.bytes.begin(), 4, bytes.begin());
      ip = asio::ip::address_v4(bytes);
    } else {
      asio::ip::address_v6::bytes_type bytes;
      std::copy_n(address.bytes.begin(), 16, bytes.begin());
      ip = asio::ip::address_v6(bytes);
    }
    endpoints.emplace_back(ip, static_cast<uint16_t>(post.target.port));
  }
  return endpoints;
}

http::request<http::string_body> Request(const OutboundPost& post) {
  http::request<http::string_body> request(http::verb::post, post.target.target, 11);
  bool default_port = (post.target.scheme == "https" && post.target.port == 443) ||
                      (post.target.scheme == "http" && post.target.port == 80);
  std::string host = post.target.host.find(':') != std::string::npos
                         ? absl::StrCat("[", post.target.host, "]")
                         : post.target.host;
  request.set(http::field::host, default_port ? host : absl::StrCat(host, ":", post.target.port));
  request.set(http::field::user_agent, "aievents-webhooks/1");
  request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : post.headers) request.set(name, value);
  request.body() = post.body;
  request.prepare_payload();
  return request;
}

absl::Status Failure(const beast::error_code& error, const char* step) {
  if (error == beast::error::timeout) {
    return absl::DeadlineExceededError(absl::StrCat("no answer in time (", step, ")"));
  }
  return absl::UnavailableError(absl::StrCat(step, " failed: ", error.message()));
}

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

}  // namespace

// What every attempt of one client shares (named, as OutboundClient::Io derives from it).
namespace outbound_internal {
struct OutboundIo {
  asio::io_context context;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(context);
  std::unique_ptr<asio::ssl::context> tls;
  // Declared after the context, so destroyed before it (their sockets belong to it).
  IdleConnections<PlainStream> idle_plain;
  IdleConnections<TlsStream> idle_tls;
  asio::steady_timer sweep_timer{context};

  void SweepEverySecond() {
    sweep_timer.expires_after(std::chrono::seconds(1));
    sweep_timer.async_wait([this](beast::error_code error) {
      if (error) return;
      idle_plain.Sweep();
      idle_tls.Sweep();
      SweepEverySecond();
    });
  }

  template <typename Stream>
  IdleConnections<Stream>& Idle() {
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      return idle_plain;
    } else {
      return idle_tls;
    }
  }
};
}  // namespace outbound_internal

namespace {
using outbound_internal::OutboundIo;

// How long an answer's body may take to arrive after its headers before the connection is
// closed rather than kept (the attempt's outcome is known by then), and how much of it is read.
constexpr auto kDrainTimeout = std::chrono::seconds(5);
constexpr uint64_t kDrainLimit = 64 * 1024;

// The steps of one attempt, each started when the previous one ends; one deadline (set at the
// start) bounds them all together. Sends on an idle connection to the same target when there
// is one, and on a new one when that fails before an answer (the server may have closed it as
// it was taken: the message may then arrive twice, which at-least-once delivery allows). Keeps
// itself alive through the handlers it hands out.
template <typename Stream>
class Attempt : public std::enable_shared_from_this<Attempt<Stream>> {
 public:
  Attempt(OutboundPost post, PostDone done, OutboundIo& io)
      : io_(io),
        post_(std::move(post)),
        done_(std::move(done)),
        request_(Request(post_)),
        endpoints_(Endpoints(post_)),
        target_(
            absl::StrCat(post_.target.scheme, "://", post_.target.host, ":", post_.target.port)) {}

  void Start() {
    deadline_ = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(post_.timeout);
    stream_ = io_.Idle<Stream>().Take(target_, endpoints_, &remote_);
    if (stream_ == nullptr) return Connect();
    reused_ = true;
    Transport().expires_at(deadline_);
    Send();
  }

 private:
  beast::tcp_stream& Transport() { return beast::get_lowest_layer(*stream_); }

  absl::StatusOr<std::unique_ptr<Stream>> NewStream() {
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      return std::make_unique<Stream>(io_.context);
    } else {
      auto stream = std::make_unique<Stream>(io_.context, *io_.tls);
      const std::string& host = post_.target.host;
      // The certificate must name the host; SNI tells the server which one is asked for.
      if (!SSL_set_tlsext_host_name(stream->native_handle(), host.c_str())) {
        return absl::InternalError("cannot set the TLS server name");
      }
      stream->set_verify_callback(asio::ssl::host_name_verification(host));
      return stream;
    }
  }

  void Connect() {
    reused_ = false;
    absl::StatusOr<std::unique_ptr<Stream>> stream = NewStream();
    if (!stream.ok()) return Finish(stream.status());
    stream_ = *std::move(stream);
    Transport().expires_at(deadline_);
    Transport().async_connect(endpoints_, [self = this->shared_from_this()](
                                              beast::error_code error, const tcp::endpoint& to) {
      if (error) return self->Finish(Failure(error, "connect"));
      self->remote_ = to;
      self->Handshake();
    });
  }

  void Handshake() {
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      Send();
    } else {
      stream_->async_handshake(asio::ssl::stream_base::client,
                               [self = this->shared_from_this()](beast::error_code error) {
                                 if (error) return self->Finish(Failure(error, "TLS handshake"));
                                 self->Send();
                               });
    }
  }

  // A kept connection that fails before an answer is tried once more, on a new connection.
  bool RetryOnNewConnection(const beast::error_code& error) {
    if (!reused_ || error == beast::error::timeout) return false;
    stream_.reset();
    buffer_.clear();
    Connect();
    return true;
  }

  void Send() {
    http::async_write(*stream_, request_,
                      [self = this->shared_from_this()](beast::error_code error, size_t) {
                        if (error && self->RetryOnNewConnection(error)) return;
                        if (error) return self->Finish(Failure(error, "sending the request"));
                        self->Receive();
                      });
  }

  void Receive() {
    parser_.emplace();
    parser_->body_limit(kDrainLimit);
    http::async_read_header(*stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code error, size_t) {
                              if (error && self->RetryOnNewConnection(error)) return;
                              if (error) return self->Finish(Failure(error, "reading the answer"));
                              self->done_(self->Answer());
                              self->Drain();
                            });
  }

  PostAnswer Answer() const {
    const auto& header = parser_->get();
    PostAnswer answer{static_cast<int>(header.result_int()), std::nullopt};
    auto retry_after = header.find(http::field::retry_after);
    if (retry_after != header.end()) {
      answer.retry_after = ParseRetryAfter(
          absl::string_view(retry_after->value().data(), retry_after->value().size()), absl::Now());
    }
    return answer;
  }

  // Reads the rest of the answer so that the connection can carry the next request.
  void Drain() {
    if (!parser_->keep_alive()) return Close();
    if (parser_->is_done()) return Keep();
    Transport().expires_after(kDrainTimeout);
    http::async_read(*stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code error, size_t) {
                       if (error) return self->Close();
                       self->Keep();
                     });
  }

  void Keep() {
    // Bytes past the answer were not asked for: such a connection is not trusted again.
    if (!parser_->keep_alive() || buffer_.size() > 0) return Close();
    Transport().expires_never();
    io_.Idle<Stream>().Give(target_, std::move(stream_), remote_);
  }

  void Close() {
    if (stream_ == nullptr) return;
    beast::error_code ignored;
    Transport().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Transport().close();
  }

  void Finish(absl::Status failure) {
    Close();
    done_(std::move(failure));
  }

  OutboundIo& io_;
  OutboundPost post_;
  PostDone done_;
  http::request<http::string_body> request_;
  const std::vector<tcp::endpoint> endpoints_;
  const std::string target_;  // the key of the idle connections this one may use
  std::chrono::steady_clock::time_point deadline_;
  std::unique_ptr<Stream> stream_;
  tcp::endpoint remote_;
  bool reused_ = false;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

}  // namespace

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  int64_t seconds = 0;
  if (!value.empty() && absl::ascii_isdigit(value[0])) {
    if (!absl::SimpleAtoi(value, &seconds) || seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  // An HTTP date (RFC 9110 IMF-fixdate), e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  absl::Time at;
  std::string error;
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &at,
                       &error)) {
    return std::nullopt;
  }
  return std::max(at - now, absl::ZeroDuration());
}

struct OutboundClient::Io : outbound_internal::OutboundIo {};

absl::StatusOr<std::unique_ptr<OutboundClient>> OutboundClient::Create(
    OutboundClientOptions options) {
  auto io = std::make_unique<Io>();
  absl::StatusOr<std::unique_ptr<asio::ssl::context>> tls = ClientTlsContext(options.extra_ca_file);
  if (!tls.ok()) return tls.status();
  io->tls = *std::move(tls);
  io->SweepEverySecond();
  return std::unique_ptr<OutboundClient>(new OutboundClient(std::move(io), options));
}

OutboundClient::OutboundClient(std::unique_ptr<Io> io, const OutboundClientOptions& options)
    : io_(std::move(io)) {
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    threads_.emplace_back([this, on_start = options.on_start] {
      if (on_start) on_start();
      io_->context.run();
    });
  }
}

OutboundClient::~OutboundClient() {
  io_->work.reset();
  io_->context.stop();
  for (std::thread& thread : threads_) thread.join();
}

void OutboundClient::Post(OutboundPost post, PostDone done) {
  if (post.addresses.empty()) {
    done(absl::InvalidArgumentError("no address to connect to"));
    return;
  }
  if (post.target.scheme == "https") {
    auto attempt = std::make_shared<Attempt<TlsStream>>(std::move(post), std::move(done), *io_);
    asio::post(io_->context, [attempt] { attempt->Start(); });
  } else {
    auto attempt = std::make_shared<Attempt<PlainStream>>(std::move(post), std::move(done), *io_);
    asio::post(io_->context, [attempt] { attempt->Start(); });
  }
}

size_t OutboundClient::idle_connections() const {
  return io_->idle_plain.size() + io_->idle_tls.size();
}

}  // namespace aievents
