#include "tests/support/webhook_receiver.h"

#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "common/auth/standard_webhooks.h"

namespace aievents::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// One thread accepting and serving one request per connection, blocking, each read bounded by
// a socket timeout so that a silent client cannot stall the test.
struct WebhookReceiver::TlsListener {
  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::ip::tcp::acceptor acceptor{io};
  std::thread thread;

  void Serve(WebhookReceiver* receiver) {
    while (true) {
      boost::system::error_code error;
      asio::ip::tcp::socket socket(io);
      acceptor.accept(socket, error);
      if (error) return;  // closed: the receiver is going away
      timeval timeout{5, 0};
      setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      asio::ssl::stream<asio::ip::tcp::socket> stream(std::move(socket), tls);
      stream.handshake(asio::ssl::stream_base::server, error);
      if (error) {
        std::lock_guard lock(receiver->mutex_);
        ++receiver->failed_handshakes_;
        continue;
      }
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(stream, buffer, request, error);
      if (error) continue;
      std::map<std::string, std::string> headers;
      for (const auto& field : request) {
        std::string name(field.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers[name] = std::string(field.value());
      }
      std::optional<Answer> answer = receiver->Take(std::move(headers), request.body());
      http::response<http::string_body> response(
          static_cast<http::status>(answer ? answer->status : 200), 11);
      if (answer && !answer->retry_after.empty()) {
        response.set(http::field::retry_after, answer->retry_after);
      }
      response.body() = "ok";
      response.keep_alive(false);  // one request per connection, and the client is told so
      response.prepare_payload();
      http::write(stream, response, error);
      stream.shutdown(error);
    }
  }
};

std::string WebhookReceiver::Received::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

absl::Status WebhookReceiver::Received::VerifiedWith(const std::string& secret) const {
  absl::StatusOr<std::string> key = DecodeSigningSecret(secret);
  if (!key.ok()) return key.status();
  return VerifyStandardWebhook(headers, body, {*key}, absl::Now());
}

std::optional<WebhookReceiver::Answer> WebhookReceiver::Take(
    std::map<std::string, std::string> headers, std::string body) {
  std::lock_guard lock(mutex_);
  received_.push_back({std::move(headers), std::move(body)});
  arrived_.notify_all();
  if (hanging_) return std::nullopt;
  Answer answer;
  if (!scripted_.empty()) {
    answer = scripted_.front();
    scripted_.pop_front();
  }
  return answer;
}

std::unique_ptr<WebhookReceiver> WebhookReceiver::Start() {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver());
  WebhookReceiver* self = receiver.get();
  HttpServer::Options options;
  options.threads = 2;
  options.drain_timeout = std::chrono::milliseconds(100);
  auto server =
      HttpServer::Start(options, [self](aievents::HttpRequest request, HttpResponder respond) {
        std::optional<Answer> answer = self->Take(request.headers, request.body);
        if (!answer) {
          std::lock_guard lock(self->mutex_);
          self->held_.push_back(std::move(respond));
          return;
        }
        HttpResponse response;
        response.status = answer->status;
        response.content_type = "text/plain";
        response.body = "ok";
        if (!answer->retry_after.empty()) {
          response.headers.emplace_back("retry-after", answer->retry_after);
        }
        respond(std::move(response));
      });
  if (!server.ok()) {
    std::cerr << "webhook receiver: " << server.status() << "\n";
    std::abort();
  }
  receiver->server_ = *std::move(server);
  return receiver;
}

std::unique_ptr<WebhookReceiver> WebhookReceiver::StartTls(const std::string& certificate_file,
                                                           const std::string& key_file) {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver());
  auto listener = std::make_unique<TlsListener>();
  listener->tls.use_certificate_chain_file(certificate_file);
  listener->tls.use_private_key_file(key_file, asio::ssl::context::pem);
  asio::ip::tcp::endpoint local(asio::ip::make_address("127.0.0.1"), 0);
  listener->acceptor.open(local.protocol());
  listener->acceptor.bind(local);
  listener->acceptor.listen();
  WebhookReceiver* self = receiver.get();
  TlsListener* tls = listener.get();
  listener->thread = std::thread([tls, self] { tls->Serve(self); });
  receiver->tls_ = std::move(listener);
  return receiver;
}

std::string WebhookReceiver::url() const {
  if (tls_) {
    return "https://localhost:" + std::to_string(tls_->acceptor.local_endpoint().port()) + "/hooks";
  }
  return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hooks";
}

WebhookReceiver::~WebhookReceiver() {
  if (server_) server_->Shutdown();
  if (tls_) {
    // Unblocks accept(): shutting the listening socket down makes it fail at once.
    ::shutdown(tls_->acceptor.native_handle(), SHUT_RDWR);
    tls_->thread.join();
  }
}

void WebhookReceiver::AnswerNext(std::vector<int> statuses) {
  std::lock_guard lock(mutex_);
  for (int status : statuses) scripted_.push_back({status, ""});
}

void WebhookReceiver::AnswerNextWith(int status, std::string retry_after) {
  std::lock_guard lock(mutex_);
  scripted_.push_back({status, std::move(retry_after)});
}

int WebhookReceiver::failed_handshakes() {
  std::lock_guard lock(mutex_);
  return failed_handshakes_;
}

void WebhookReceiver::SetHanging(bool hanging) {
  std::lock_guard lock(mutex_);
  hanging_ = hanging;
}

std::vector<WebhookReceiver::Received> WebhookReceiver::WaitFor(size_t count,
                                                                absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                    [&] { return received_.size() >= count; });
  return received_;
}

std::vector<WebhookReceiver::Received> WebhookReceiver::received() {
  std::lock_guard lock(mutex_);
  return received_;
}

}  // namespace aievents::testing
