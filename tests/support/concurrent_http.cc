#include "tests/support/concurrent_http.h"

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "common/text/text.h"

namespace aievents::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Exchange {
  explicit Exchange(asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  http::request<http::string_body> request;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
};

}  // namespace

std::vector<HttpResult> ConcurrentHttpRequests(int port, const std::vector<HttpCall>& calls,
                                               int timeout_s) {
  asio::io_context io;
  std::vector<HttpResult> results(calls.size());
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  for (size_t i = 0; i < calls.size(); ++i) {
    auto exchange = std::make_shared<Exchange>(io);
    const HttpCall& call = calls[i];
    exchange->request = {http::string_to_verb(call.method), call.target, 11};
    exchange->request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : call.headers) exchange->request.set(name, value);
    exchange->request.body() = call.body;
    exchange->request.prepare_payload();
    exchange->parser.body_limit(16 * 1024 * 1024);
    HttpResult* result = &results[i];
    auto fail = [result](const beast::error_code& ec) {
      result->status = 0;
      result->body = ec.message();
    };
    exchange->stream.expires_after(std::chrono::seconds(timeout_s));
    exchange->stream.async_connect(endpoint, [exchange, result, fail](beast::error_code ec) {
      if (ec) return fail(ec);
      http::async_write(exchange->stream, exchange->request,
                        [exchange, result, fail](beast::error_code ec, size_t) {
                          if (ec) return fail(ec);
                          http::async_read(
                              exchange->stream, exchange->buffer, exchange->parser,
                              [exchange, result, fail](beast::error_code ec, size_t) {
                                if (ec) return fail(ec);
                                auto& response = exchange->parser.get();
                                result->status = static_cast<int>(response.result_int());
                                for (const auto& field : response) {
                                  result->headers[ToLowerAscii(std::string(field.name_string()))] =
                                      std::string(field.value());
                                }
                                result->body = response.body();
                                beast::error_code ignored;
                                exchange->stream.socket().shutdown(tcp::socket::shutdown_both,
                                                                   ignored);
                              });
                        });
    });
  }
  io.run();
  return results;
}

}  // namespace aievents::testing
