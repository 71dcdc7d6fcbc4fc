// Serves a server-streaming RPC (WatchCustomerEvents) over HTTP as server-sent events: the
// answer is `200 text/event-stream` once the backend accepts the stream, or the backend's
// error as the usual JSON error (404 unknown customer, 503, ...). Each message becomes
//   event: <name>\ndata: <the message as JSON, one line>\n\n
// A comment line goes out every `heartbeat` so proxies keep the connection and a dead client
// is noticed; a stream lasts at most `max_lifetime` (then the client reconnects), so no wait
// is unbounded.
#ifndef AIEVENTS_GATEWAY_EVENT_STREAM_BRIDGE_H_
#define AIEVENTS_GATEWAY_EVENT_STREAM_BRIDGE_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/http/http_server.h"
#include "gateway/backend_client.h"
#include "gateway/route_table.h"

namespace aievents::gateway {

class EventStreamBridge {
 public:
  struct Options {
    absl::Duration heartbeat = absl::Seconds(15);
    absl::Duration max_lifetime = absl::Minutes(30);
  };

  EventStreamBridge(BackendClient* backends, Options options);
  // Cancels every open stream and stops the heartbeat.
  ~EventStreamBridge();

  // Opens the stream of `route` for `request` (serialized) and answers through `answer` once.
  void Open(const Route& route, const std::string& request,
            const std::vector<std::pair<std::string, std::string>>& metadata,
            std::function<void(HttpResponse)> answer);

  // Streams open now (for metrics and tests).
  int open_streams();

 private:
  struct Watch;

  void Heartbeat();
  void Forget(const std::shared_ptr<Watch>& watch);

  BackendClient* backends_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::shared_ptr<Watch>> open_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_EVENT_STREAM_BRIDGE_H_
