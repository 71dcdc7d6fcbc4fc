#include "common/http/http_connection.h"

#include <atomic>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/runtime/log.h"
#include "common/text/ids.h"
#include "common/text/redaction.h"
#include "common/text/text.h"

namespace aievents {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
// After a final answer, what a client may still send is read and dropped for this long and up
// to this much, so that closing does not reset the connection under the answer.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1024 * 1024;
// A buffer that grew for a large request is given back before the connection idles.
constexpr size_t kIdleBufferBytes = 64 * 1024;

// True for the parser's verdicts on a malformed request, as opposed to a client that simply
// went away mid-request (partial_message, end_of_stream).
bool IsMalformed(const beast::error_code& ec) {
  if (ec.category() != http::make_error_code(http::error::bad_method).category()) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer;
}

http::response<http::string_body> ToBeast(const HttpResponse& response, unsigned version,
                                          bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(response.status), version};
  out.set(http::field::server, "aievents");
  if (!response.body.empty() || response.status != 204) {
    out.set(http::field::content_type, response.content_type);
  }
  for (const auto& [name, value] : response.headers) out.set(name, value);
  // A 204 never has a body; Beast refuses to frame one (and would throw).
  if (response.status != 204) out.body() = response.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

}  // namespace

// The HttpStream a streaming handler holds. It may outlive the connection: then it only
// reports that the stream ended.
class HttpConnection::StreamSink : public HttpStream {
 public:
  explicit StreamSink(std::weak_ptr<HttpConnection> connection)
      : connection_(std::move(connection)) {}

  bool Send(std::string data) override { return Send(std::move(data), nullptr); }

  bool Send(std::string data, std::function<void()> written) override {
    if (ended_) return false;
    std::shared_ptr<HttpConnection> connection = connection_.lock();
    if (connection == nullptr) return false;
    asio::post(connection->executor(),
               [connection, data = std::move(data), written = std::move(written)]() mutable {
                 connection->QueueStreamData(std::move(data), std::move(written));
               });
    return true;
  }

  void End() override {
    std::shared_ptr<HttpConnection> connection = connection_.lock();
    if (connection == nullptr) return;
    asio::post(connection->executor(), [connection] {
      connection->stream_end_requested_ = true;
      if (!connection->stream_writing_) connection->EndStream();
    });
  }

  void MarkEnded() { ended_ = true; }

 private:
  std::weak_ptr<HttpConnection> connection_;
  std::atomic<bool> ended_{false};
};

HttpResponse HttpServer::Core::Error(int status, const std::string& message) const {
  if (options.error_response) return options.error_response(status, message);
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.body = message + "\n";
  return response;
}

HttpConnection::HttpConnection(tcp::socket socket, std::shared_ptr<HttpServer::Core> core,
                               uint64_t id, bool rejecting)
    : stream_(std::move(socket)), core_(std::move(core)), id_(id), rejecting_(rejecting) {
  beast::error_code ec;
  auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = endpoint.address().to_string();
  stream_.socket().set_option(tcp::no_delay(true), ec);
}

HttpConnection::~HttpConnection() {
  std::lock_guard lock(core_->mutex);
  core_->connections.erase(id_);
  if (rejecting_) --core_->rejecting;
  core_->changed.notify_all();
}

void HttpConnection::Start() {
  if (core_->draining) return Close();
  ReadHeader();  // a new connection's header deadline runs from its accept
}

void HttpConnection::StartRejecting() {
  state_ = State::kWriting;
  HttpResponse response = core_->Error(503, "too many open connections; retry shortly");
  response.headers.emplace_back("retry-after", "1");
  response_ = ToBeast(response, 11, false);
  stream_.expires_after(core_->options.write_timeout);
  http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Close();
    self->LingeringClose();
  });
}

void HttpConnection::Drain() {
  draining_ = true;
  if (state_ == State::kAwaitingRequest || state_ == State::kReadingHeader) Close();
  // A stream has no natural end: the drain ends it (clients reconnect to another replica).
  if (state_ == State::kStreaming) EndStream();
}

void HttpConnection::ForceClose() { Close(); }

void HttpConnection::AwaitRequest() {
  state_ = State::kAwaitingRequest;
  if (buffer_.size() > 0) return ReadHeader();  // the next request is already here
  stream_.expires_after(core_->options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(1024),
                          [self = shared_from_this()](beast::error_code ec, size_t bytes) {
                            if (ec) return self->Close();
                            self->buffer_.commit(bytes);
                            self->ReadHeader();
                          });
}

void HttpConnection::ReadHeader() {
  state_ = State::kReadingHeader;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_->options.max_header_bytes));
  parser_->body_limit(core_->options.max_body_bytes);
  stream_.expires_after(core_->options.header_timeout);
  http::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void HttpConnection::OnHeader(beast::error_code ec) {
  // Beast checks a declared Content-Length against body_limit while reading the header.
  if (ec == http::error::body_limit) {
    return Reject(413, absl::StrCat("request body exceeds the limit of ",
                                    core_->options.max_body_bytes, " bytes"));
  }
  if (ec == http::error::header_limit) {
    return Reject(431, absl::StrCat("request headers exceed the limit of ",
                                    core_->options.max_header_bytes, " bytes"));
  }
  if (ec && IsMalformed(ec)) return Reject(400, "malformed HTTP request: " + ec.message());
  if (ec) return Close();  // deadline missed, client gone, or shutting down
  if (draining_) return Close();
  if (parser_->get().target().size() > core_->options.max_target_bytes) {
    return Reject(414, absl::StrCat("request target exceeds the limit of ",
                                    core_->options.max_target_bytes, " bytes"));
  }
  if (static_cast<size_t>(std::distance(parser_->get().begin(), parser_->get().end())) >
      core_->options.max_header_fields) {
    return Reject(431,
                  absl::StrCat("more than ", core_->options.max_header_fields, " header fields"));
  }
  // Beast accepts repeated identical Content-Length headers (RFC 9112 allows either); a proxy
  // in front may pick another framing, so refuse them (request smuggling).
  if (parser_->get().count(http::field::content_length) > 1) {
    return Reject(400, "malformed HTTP request: more than one Content-Length header");
  }
  state_ = State::kReadingBody;
  version_ = parser_->get().version();
  if (!parser_->is_done() &&
      absl::EqualsIgnoreCase(std::string(parser_->get()[http::field::expect]), "100-continue")) {
    stream_.expires_after(core_->options.write_timeout);
    asio::async_write(stream_, asio::buffer(kContinue, sizeof(kContinue) - 1),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->Close();
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

void HttpConnection::ReadBody() {
  if (parser_->is_done()) return Dispatch();
  stream_.expires_after(core_->options.body_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void HttpConnection::OnBody(beast::error_code ec) {
  if (ec == http::error::body_limit) {
    return Reject(413, absl::StrCat("request body exceeds the limit of ",
                                    core_->options.max_body_bytes, " bytes"));
  }
  if (ec && IsMalformed(ec)) return Reject(400, "malformed HTTP request: " + ec.message());
  if (ec) return Close();
  Dispatch();
}

void HttpConnection::Dispatch() {
  state_ = State::kHandling;
  stream_.expires_never();  // the handler bounds its own work (backend deadlines)
  http::request<http::string_body> message = parser_->release();
  parser_.reset();
  HttpRequest request;
  request.method = std::string(message.method_string());
  std::string target(message.target());
  size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);
  for (const auto& field : message) {
    request.headers[ToLowerAscii(std::string(field.name_string()))] = std::string(field.value());
  }
  request.body = std::move(message.body());
  request.remote_address = remote_;
  bool keep_alive = message.keep_alive();

  auto answered = std::make_shared<std::atomic<bool>>(false);
  HttpResponder respond = [self = shared_from_this(), answered, keep_alive](HttpResponse response) {
    if (answered->exchange(true)) return;
    asio::post(self->executor(), [self, keep_alive, response = std::move(response)]() mutable {
      self->Write(std::move(response), keep_alive);
    });
  };
  try {
    core_->handler(std::move(request), respond);
  } catch (const std::exception& e) {
    log::Error("http_handler_exception", {{"error", e.what()}, {"path", RedactPath(target)}});
    respond(core_->Error(500, "internal error"));
  }
}

void HttpConnection::Write(HttpResponse response, bool keep_alive) {
  if (state_ != State::kHandling) {  // closed meanwhile (drain period over)
    if (response.streaming && response.streaming->ended) response.streaming->ended();
    return;
  }
  if (response.streaming) return WriteStreamHead(std::move(response));
  state_ = State::kWriting;
  bool keep = keep_alive && !draining_ && !core_->draining;
  response_ = ToBeast(response, version_, keep);
  stream_.expires_after(core_->options.write_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this(), keep](beast::error_code ec, size_t) {
                      if (ec) return self->Close();
                      if (!keep) return self->LingeringClose();
                      self->response_ = {};
                      if (self->buffer_.capacity() > kIdleBufferBytes)
                        self->buffer_.shrink_to_fit();
                      self->AwaitRequest();
                    });
}

void HttpConnection::WriteStreamHead(HttpResponse response) {
  state_ = State::kWriting;
  streaming_ = std::move(response.streaming);
  http::response<http::empty_body> head{static_cast<http::status>(response.status), version_};
  head.set(http::field::server, "aievents");
  head.set(http::field::content_type, response.content_type);
  for (const auto& [name, value] : response.headers) head.set(name, value);
  head.keep_alive(false);
  std::ostringstream text;
  text << head.base();
  stream_head_ = text.str();
  stream_.expires_after(core_->options.write_timeout);
  asio::async_write(stream_, asio::buffer(stream_head_),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec) return self->EndStream();
                      self->state_ = State::kStreaming;
                      self->sink_ = std::make_shared<StreamSink>(self->weak_from_this());
                      if (self->draining_ || self->core_->draining) return self->EndStream();
                      self->WatchForClientGone();
                      if (self->streaming_->started) self->streaming_->started(self->sink_);
                    });
}

void HttpConnection::WatchForClientGone() {
  // No deadline on this read: a stream may stay quiet for long (the handler sends its own
  // keep-alive comments, whose writes have write_timeout). The read timer is separate from
  // the write timer, so later writes' deadlines do not touch it.
  if (!stream_writing_) stream_.expires_never();
  stream_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (ec || self->state_ != State::kStreaming) return self->EndStream();
                            self->WatchForClientGone();  // what a client sends is dropped
                          });
}

void HttpConnection::QueueStreamData(std::string data, std::function<void()> written) {
  if (state_ != State::kStreaming || stream_end_requested_) return;
  stream_queue_.push_back({std::move(data), std::move(written)});
  if (!stream_writing_) WriteNextStreamData();
}

void HttpConnection::WriteNextStreamData() {
  if (stream_queue_.empty()) {
    stream_writing_ = false;
    if (stream_end_requested_) EndStream();
    return;
  }
  stream_writing_ = true;
  stream_.expires_after(core_->options.write_timeout);
  asio::async_write(stream_, asio::buffer(stream_queue_.front().data),
                    [self = shared_from_this()](beast::error_code ec, size_t) {
                      if (ec || self->state_ != State::kStreaming) return self->EndStream();
                      std::function<void()> written =
                          std::move(self->stream_queue_.front().written);
                      self->stream_queue_.pop_front();
                      if (written) written();
                      self->WriteNextStreamData();
                    });
}

void HttpConnection::EndStream() {
  if (!streaming_) return Close();
  std::optional<HttpStreaming> streaming = std::move(streaming_);
  streaming_.reset();
  stream_queue_.clear();
  if (sink_ != nullptr) sink_->MarkEnded();
  if (streaming->ended) streaming->ended();
  // Closed at once: the read watching for the client is still posted, so a lingering close
  // could not read; everything queued before End() has been written by now.
  Close();
}

void HttpConnection::Reject(int status, const std::string& message) {
  state_ = State::kWriting;
  // The client's request id when its headers were read, so even this answer can be traced.
  std::string request_id = RequestIdOrNew(
      parser_.has_value() ? std::string(parser_->get()["x-request-id"]) : std::string());
  log::Info("http_rejected", {{"request_id", request_id},
                              {"status", std::to_string(status)},
                              {"reason", message},
                              {"remote", remote_}});
  HttpResponse error = core_->Error(status, message);
  error.headers.emplace_back("x-request-id", request_id);
  response_ = ToBeast(error, 11, false);
  stream_.expires_after(core_->options.write_timeout);
  http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, size_t) {
    if (ec) return self->Close();
    self->LingeringClose();
  });
}

void HttpConnection::LingeringClose() {
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  stream_.expires_after(kLingerTime);
  Discard(0);
}

void HttpConnection::Discard(size_t discarded) {
  stream_.async_read_some(asio::buffer(discard_), [self = shared_from_this(), discarded](
                                                      beast::error_code ec, size_t bytes) {
    if (ec || discarded + bytes > kLingerBytes) return self->Close();
    self->Discard(discarded + bytes);
  });
}

void HttpConnection::Close() {
  if (streaming_) return EndStream();  // tells the handler, then comes back here
  state_ = State::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

}  // namespace aievents
