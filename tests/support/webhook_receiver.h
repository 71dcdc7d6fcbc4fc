// A real receiver of outbound webhooks for tests: an HTTP server on 127.0.0.1, port 0, that
// keeps every request it gets and answers with the statuses a test scripts (then 200), or not
// at all (to make an attempt time out). StartTls() serves https instead, with a certificate the
// test chooses (one request per connection, answered in turn).
#ifndef AIEVENTS_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
#define AIEVENTS_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_

#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/http/http_server.h"

namespace aievents::testing {

class WebhookReceiver {
 public:
  struct Received {
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;

    nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
    std::string Header(const std::string& name) const;
    // OK when a webhook-signature entry verifies with `secret` ("whsec_..."), as a receiver
    // would check it (common/auth/standard_webhooks, the same rules as the npm libraries).
    absl::Status VerifiedWith(const std::string& secret) const;
  };

  static std::unique_ptr<WebhookReceiver> Start();
  // https://localhost:<port>/hooks with this certificate chain and key (PEM files).
  static std::unique_ptr<WebhookReceiver> StartTls(const std::string& certificate_file,
                                                   const std::string& key_file);
  ~WebhookReceiver();

  std::string url() const;

  // The next requests get these statuses, in order; later ones get 200.
  void AnswerNext(std::vector<int> statuses);
  // The next request gets `status` with this Retry-After header.
  void AnswerNextWith(int status, std::string retry_after);
  // TLS handshakes that failed (the sender refused the certificate, for one).
  int failed_handshakes();
  // While set, requests get no answer at all.
  void SetHanging(bool hanging);

  // Waits until at least `count` requests arrived, or `timeout`; returns what arrived.
  std::vector<Received> WaitFor(size_t count, absl::Duration timeout = absl::Seconds(30));
  std::vector<Received> received();

 private:
  WebhookReceiver() = default;

  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<Received> received_;
  struct Answer {
    int status = 200;
    std::string retry_after;  // empty: no header
  };
  // Keeps a request and says how to answer it (nullopt: not at all, while hanging).
  std::optional<Answer> Take(std::map<std::string, std::string> headers, std::string body);

  struct TlsListener;

  std::deque<Answer> scripted_;
  int failed_handshakes_ = 0;
  bool hanging_ = false;
  std::vector<HttpResponder> held_;  // answers never given (hanging)
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<TlsListener> tls_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_WEBHOOK_RECEIVER_H_
