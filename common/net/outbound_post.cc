#include "common/net/outbound_post.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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
  request.set(http::field::connection, "close");
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

// The steps of one attempt, each started when the previous one ends; the stream's deadline
// (set once) bounds them all together. Owns its stream and keeps itself alive through the
// handlers it hands out.
template <typename Stream>
class Attempt : public std::enable_shared_from_this<Attempt<Stream>> {
 public:
  template <typename... StreamArgs>
  Attempt(OutboundPost post, PostDone done, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        post_(std::move(post)),
        done_(std::move(done)),
        request_(Request(post_)) {}

  Stream& stream() { return stream_; }
  const std::string& host() const { return post_.target.host; }
  // Ends before starting (the done callback still runs once).
  void Fail(absl::Status status) { done_(std::move(status)); }

  void Start() {
    beast::tcp_stream& transport = beast::get_lowest_layer(stream_);
    transport.expires_after(absl::ToChronoMilliseconds(post_.timeout));
    transport.async_connect(Endpoints(post_), [self = this->shared_from_this()](
                                                  beast::error_code error, const tcp::endpoint&) {
      if (error) return self->Finish(Failure(error, "connect"));
      self->Handshake();
    });
  }

 private:
  void Handshake() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Send();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::client,
                              [self = this->shared_from_this()](beast::error_code error) {
                                if (error) return self->Finish(Failure(error, "TLS handshake"));
                                self->Send();
                              });
    }
  }

  void Send() {
    http::async_write(stream_, request_,
                      [self = this->shared_from_this()](beast::error_code error, size_t) {
                        if (error) return self->Finish(Failure(error, "sending the request"));
                        self->Receive();
                      });
  }

  void Receive() {
    http::async_read_header(stream_, buffer_, parser_,
                            [self = this->shared_from_this()](beast::error_code error, size_t) {
                              if (error) return self->Finish(Failure(error, "reading the answer"));
                              self->Finish(self->Answer());
                            });
  }

  PostAnswer Answer() const {
    const auto& header = parser_.get();
    PostAnswer answer{static_cast<int>(header.result_int()), std::nullopt};
    auto retry_after = header.find(http::field::retry_after);
    if (retry_after != header.end()) {
      answer.retry_after = ParseRetryAfter(
          absl::string_view(retry_after->value().data(), retry_after->value().size()), absl::Now());
    }
    return answer;
  }

  void Finish(absl::StatusOr<PostAnswer> result) {
    beast::tcp_stream& transport = beast::get_lowest_layer(stream_);
    beast::error_code ignored;
    transport.socket().shutdown(tcp::socket::shutdown_both, ignored);
    transport.close();
    done_(std::move(result));
  }

  Stream stream_;
  OutboundPost post_;
  PostDone done_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::empty_body> parser_;
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

struct OutboundClient::Io {
  asio::io_context context;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(context);
  std::unique_ptr<asio::ssl::context> tls;
};

absl::StatusOr<std::unique_ptr<OutboundClient>> OutboundClient::Create(
    OutboundClientOptions options) {
  auto io = std::make_unique<Io>();
  absl::StatusOr<std::unique_ptr<asio::ssl::context>> tls = ClientTlsContext(options.extra_ca_file);
  if (!tls.ok()) return tls.status();
  io->tls = *std::move(tls);
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
    auto attempt = std::make_shared<Attempt<beast::ssl_stream<beast::tcp_stream>>>(
        std::move(post), std::move(done), io_->context, *io_->tls);
    auto& stream = attempt->stream();
    const std::string& host = attempt->host();
    // The certificate must name the host; SNI tells the server which one is asked for.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) {
      attempt->Fail(absl::InternalError("cannot set the TLS server name"));
      return;
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(host));
    asio::post(io_->context, [attempt] { attempt->Start(); });
  } else {
    auto attempt = std::make_shared<Attempt<beast::tcp_stream>>(std::move(post), std::move(done),
                                                                io_->context);
    asio::post(io_->context, [attempt] { attempt->Start(); });
  }
}

}  // namespace aievents
