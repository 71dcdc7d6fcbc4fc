#include "tests/support/webhook_receiver.h"

#include <cstdlib>
#include <iostream>

#include "common/auth/standard_webhooks.h"

namespace aievents::testing {

std::string WebhookReceiver::Received::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

absl::Status WebhookReceiver::Received::VerifiedWith(const std::string& secret) const {
  absl::StatusOr<std::string> key = DecodeSigningSecret(secret);
  if (!key.ok()) return key.status();
  return VerifyStandardWebhook(headers, body, {*key}, absl::Now());
}

std::unique_ptr<WebhookReceiver> WebhookReceiver::Start() {
  std::unique_ptr<WebhookReceiver> receiver(new WebhookReceiver());
  WebhookReceiver* self = receiver.get();
  HttpServer::Options options;
  options.threads = 2;
  options.drain_timeout = std::chrono::milliseconds(100);
  auto server =
      HttpServer::Start(options, [self](aievents::HttpRequest request, HttpResponder respond) {
        std::unique_lock lock(self->mutex_);
        self->received_.push_back({request.headers, request.body});
        self->arrived_.notify_all();
        if (self->hanging_) {
          self->held_.push_back(std::move(respond));
          return;
        }
        int status = 200;
        if (!self->scripted_.empty()) {
          status = self->scripted_.front();
          self->scripted_.pop_front();
        }
        lock.unlock();
        HttpResponse response;
        response.status = status;
        response.content_type = "text/plain";
        response.body = "ok";
        respond(std::move(response));
      });
  if (!server.ok()) {
    std::cerr << "webhook receiver: " << server.status() << "\n";
    std::abort();
  }
  receiver->server_ = *std::move(server);
  return receiver;
}

WebhookReceiver::~WebhookReceiver() { server_->Shutdown(); }

void WebhookReceiver::AnswerNext(std::vector<int> statuses) {
  std::lock_guard lock(mutex_);
  scripted_.insert(scripted_.end(), statuses.begin(), statuses.end());
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
