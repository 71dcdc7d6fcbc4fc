// HTTP POSTs to checked outbound targets (outbound webhook attempts), asynchronous so that a
// slow or silent target costs a socket, not a thread: connects only to the addresses
// ResolveTarget approved (never resolving the name again), speaks TLS for https with the
// system's trust store, the host name checked and sent as SNI, follows no redirect, and ends
// each request by one deadline for everything (connect, TLS, request, answer). The status line
// and headers of the answer are the outcome; its body (up to 64 KiB) is read afterwards only so
// that the connection can be kept for the target's next request (HTTP/1.1 keep-alive, see
// idle_connections.h).
#ifndef AIEVENTS_COMMON_NET_OUTBOUND_POST_H_
#define AIEVENTS_COMMON_NET_OUTBOUND_POST_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/net/outbound_target.h"

namespace aievents {

struct OutboundPost {
  TargetUrl target;
  std::vector<IpAddress> addresses;  // from ResolveTarget, tried in order
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as application/json
  absl::Duration timeout = absl::Seconds(15);
};

struct PostAnswer {
  int status = 0;
  // The answer's Retry-After (delay-seconds or an HTTP date, as a delay from now; never
  // negative), when it has a valid one.
  std::optional<absl::Duration> retry_after;
};

// `done` gets the answer, whatever its status; DEADLINE_EXCEEDED when no answer came in time;
// UNAVAILABLE for a refused connection, a TLS failure (an untrusted certificate among them) or
// a connection closed before an answer.
using PostDone = std::function<void(absl::StatusOr<PostAnswer>)>;

// A Retry-After header's value as a delay from `now`; nullopt when it is neither a number of
// seconds nor an HTTP date.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

struct OutboundClientOptions {
  // Threads that run every request's I/O (one is plenty: the work per request is small).
  int threads = 1;
  // Runs first on each thread (e.g. to lower its priority).
  std::function<void()> on_start;
  // PEM certificates trusted for https besides the system's store (a private CA); empty: none.
  std::string extra_ca_file;
};

class OutboundClient {
 public:
  // Fails when extra_ca_file cannot be read.
  static absl::StatusOr<std::unique_ptr<OutboundClient>> Create(OutboundClientOptions options);
  // Stops at once: requests still in flight end without calling `done`.
  ~OutboundClient();

  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // Starts the request; `done` is called once, on one of the client's threads (it must not
  // block).
  void Post(OutboundPost post, PostDone done);

  // Connections kept open for later requests (for tests and metrics).
  size_t idle_connections() const;

 private:
  struct Io;
  explicit OutboundClient(std::unique_ptr<Io> io, const OutboundClientOptions& options);
  std::unique_ptr<Io> io_;
  std::vector<std::thread> threads_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_NET_OUTBOUND_POST_H_
