#include "common/net/outbound_post.h"

#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <memory>
#include <optional>

#include "absl/strings/str_cat.h"

namespace aievents {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The trust store is read once; contexts are safe to share between threads once set up.
asio::ssl::context& ClientTlsContext() {
  static asio::ssl::context* context = [] {
    auto* made = new asio::ssl::context(asio::ssl::context::tls_client);
    made->set_default_verify_paths();
    made->set_verify_mode(asio::ssl::verify_peer);
    made->set_options(asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                      asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    return made;
  }();
  return *context;
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
// (set once) bounds them all together.
template <typename Stream>
class Attempt {
 public:
  Attempt(Stream& stream, beast::tcp_stream& transport, const OutboundPost& post)
      : stream_(stream), transport_(transport), post_(post), request_(Request(post)) {}

  // Runs on `io` until the answer or the failure; the result is in result().
  void Start(std::vector<tcp::endpoint> endpoints) {
    transport_.async_connect(endpoints, [this](beast::error_code error, const tcp::endpoint&) {
      if (error) return Finish(Failure(error, "connect"));
      Handshake();
    });
  }

  const absl::StatusOr<int>& result() const { return *result_; }

 private:
  void Handshake() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      Send();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::client, [this](beast::error_code error) {
        if (error) return Finish(Failure(error, "TLS handshake"));
        Send();
      });
    }
  }

  void Send() {
    http::async_write(stream_, request_, [this](beast::error_code error, size_t) {
      if (error) return Finish(Failure(error, "sending the request"));
      Receive();
    });
  }

  void Receive() {
    parser_.emplace();
    http::async_read_header(stream_, buffer_, *parser_, [this](beast::error_code error, size_t) {
      if (error) return Finish(Failure(error, "reading the answer"));
      Finish(static_cast<int>(parser_->get().result_int()));
    });
  }

  void Finish(absl::StatusOr<int> result) {
    result_ = std::move(result);
    beast::error_code ignored;
    transport_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    transport_.close();
  }

  Stream& stream_;
  beast::tcp_stream& transport_;
  const OutboundPost& post_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::empty_body>> parser_;
  std::optional<absl::StatusOr<int>> result_;
};

}  // namespace

absl::StatusOr<int> Post(const OutboundPost& post) {
  if (post.addresses.empty()) return absl::InvalidArgumentError("no address to connect to");
  asio::io_context io;
  std::vector<tcp::endpoint> endpoints = Endpoints(post);
  std::optional<absl::StatusOr<int>> result;
  if (post.target.scheme == "https") {
    beast::ssl_stream<beast::tcp_stream> stream(io, ClientTlsContext());
    // The certificate must name the host; SNI tells the server which one is asked for.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), post.target.host.c_str())) {
      return absl::InternalError("cannot set the TLS server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(post.target.host));
    beast::tcp_stream& transport = beast::get_lowest_layer(stream);
    transport.expires_after(absl::ToChronoMilliseconds(post.timeout));
    Attempt<beast::ssl_stream<beast::tcp_stream>> attempt(stream, transport, post);
    attempt.Start(std::move(endpoints));
    io.run();
    result = attempt.result();
  } else {
    beast::tcp_stream stream(io);
    stream.expires_after(absl::ToChronoMilliseconds(post.timeout));
    Attempt<beast::tcp_stream> attempt(stream, stream, post);
    attempt.Start(std::move(endpoints));
    io.run();
    result = attempt.result();
  }
  return *result;
}

}  // namespace aievents
