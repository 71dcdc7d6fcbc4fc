// Internals of HttpServer: the state its connections share (Core) and one connection's life
// (HttpConnection): wait for a request under the phase deadlines, hand it to the handler, write
// the answer, keep alive or close. Only http_server.cc and http_connection.cc include this.
#ifndef AIEVENTS_COMMON_HTTP_HTTP_CONNECTION_H_
#define AIEVENTS_COMMON_HTTP_HTTP_CONNECTION_H_

// clang-format off
#include <utility>  // first: Boost 1.74's asio/awaitable.hpp uses std::exchange without it
// clang-format on

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "common/http/http_server.h"

namespace aievents {

class HttpConnection;

// What every connection of one server shares. Owned jointly by the server and its live
// connections, so a responder that fires late (after Shutdown gave up on it) still finds the
// I/O context it posts to.
struct HttpServer::Core {
  HttpServer::Options options;
  AsyncHttpHandler handler;
  boost::asio::io_context io;

  std::mutex mutex;
  std::condition_variable changed;  // signalled whenever a connection ends
  std::unordered_map<uint64_t, std::weak_ptr<HttpConnection>> connections;
  uint64_t next_id = 0;
  int rejecting = 0;  // over-the-cap connections being answered 503
  std::atomic<bool> draining{false};

  HttpResponse Error(int status, const std::string& message) const;
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // `rejecting`: the connection is over the cap and only gets a 503.
  HttpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<HttpServer::Core> core,
                 uint64_t id, bool rejecting);
  ~HttpConnection();

  // Begins reading the first request (the header deadline runs from now).
  void Start();
  // For a connection over the cap: answers 503 with Retry-After and closes.
  void StartRejecting();
  // Shutdown, on the connection's strand: closes it when it is waiting for a request; otherwise
  // the request in progress finishes and the connection closes after answering.
  void Drain();
  // End of the drain period, on the connection's strand: closes the socket whatever it is doing.
  void ForceClose();

  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State {
    kAwaitingRequest,
    kReadingHeader,
    kReadingBody,
    kHandling,
    kWriting,
    kStreaming,
    kClosing
  };
  class StreamSink;

  void AwaitRequest();
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void Dispatch();
  void Write(HttpResponse response, bool keep_alive);
  // Streamed responses (HttpStreaming): the head, then queued chunks; a read stays posted to
  // notice the client going away.
  void WriteStreamHead(HttpResponse response);
  void QueueStreamData(std::string data, std::function<void()> written);
  void WriteNextStreamData();
  void WatchForClientGone();
  void EndStream();
  // Answers with an error of the server's own and closes (Connection: close).
  void Reject(int status, const std::string& message);
  // Stops sending, reads and discards what the client still sends (bounded in bytes and time)
  // so closing does not reset the connection before the client has read our answer, then
  // closes.
  void LingeringClose();
  void Discard(size_t discarded);
  void Close();

  boost::beast::tcp_stream stream_;
  std::shared_ptr<HttpServer::Core> core_;
  uint64_t id_;
  std::string remote_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  State state_ = State::kAwaitingRequest;
  unsigned version_ = 11;
  bool rejecting_;
  bool draining_ = false;
  std::array<char, 8192> discard_;
  std::string stream_head_;
  std::optional<HttpStreaming> streaming_;
  std::shared_ptr<StreamSink> sink_;
  struct StreamChunk {
    std::string data;
    std::function<void()> written;  // may be empty
  };
  std::deque<StreamChunk> stream_queue_;
  bool stream_writing_ = false;
  bool stream_end_requested_ = false;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_HTTP_HTTP_CONNECTION_H_
