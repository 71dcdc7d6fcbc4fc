#include "gateway/event_stream_bridge.h"

#include "absl/strings/str_cat.h"
#include "common/runtime/metrics.h"
#include "gateway/backend_stream.h"
#include "gateway/http_status.h"
#include "gateway/json_transcoder.h"
#include "google/protobuf/message.h"

namespace aievents::gateway {
namespace {

// "AiEvent" -> "ai_event": the SSE event name of a message type.
std::string EventName(const std::string& type) {
  std::string name;
  for (char c : type) {
    if (c >= 'A' && c <= 'Z') {
      if (!name.empty()) name += '_';
      name += static_cast<char>(c - 'A' + 'a');
    } else {
      name += c;
    }
  }
  return name;
}

}  // namespace

constexpr char kOpenStreams[] = "aievents_http_open_streams";

// One HTTP stream and its backend call. Messages that arrive before the HTTP head is out wait
// in `early`.
struct EventStreamBridge::Watch {
  std::mutex mutex;
  std::shared_ptr<BackendStream> backend;
  std::shared_ptr<HttpStream> http;
  std::vector<std::string> early;
  bool answered = false;
  bool ended = false;
  bool counted = false;  // in aievents_http_open_streams
  std::function<void(HttpResponse)> answer;

  ~Watch() {
    if (counted) Metrics::Global().AddGauge(kOpenStreams, {}, -1);
  }

  void Send(std::string frame) {
    std::lock_guard lock(mutex);
    if (ended) return;
    if (http == nullptr) {
      early.push_back(std::move(frame));
    } else {
      http->Send(std::move(frame));
    }
  }
};

EventStreamBridge::EventStreamBridge(BackendClient* backends, Options options)
    : backends_(backends), options_(options), heartbeat_([this] { Heartbeat(); }) {}

EventStreamBridge::~EventStreamBridge() {
  std::set<std::shared_ptr<Watch>> open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    open = open_;
  }
  changed_.notify_all();
  heartbeat_.join();
  for (const auto& watch : open) {
    std::shared_ptr<BackendStream> backend;
    {
      std::lock_guard lock(watch->mutex);
      backend = watch->backend;
    }
    if (backend != nullptr) backend->Cancel();
  }
  // Every call's `done` uses this object; wait (boundedly) until they have all run.
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(5), [&] { return open_.empty(); });
}

int EventStreamBridge::open_streams() {
  std::lock_guard lock(mutex_);
  return static_cast<int>(open_.size());
}

void EventStreamBridge::Heartbeat() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    changed_.wait_for(lock, absl::ToChronoNanoseconds(options_.heartbeat));
    if (stopping_) break;
    for (const auto& watch : open_) watch->Send(": keep-alive\n\n");
  }
}

void EventStreamBridge::Forget(const std::shared_ptr<Watch>& watch) {
  std::lock_guard lock(mutex_);
  open_.erase(watch);
  changed_.notify_all();  // under the lock: the destructor may return once it is released
}

void EventStreamBridge::Open(const Route& route, const std::string& request,
                             const std::vector<std::pair<std::string, std::string>>& metadata,
                             std::function<void(HttpResponse)> answer) {
  grpc::GenericStub* stub = backends_->StubFor(route.method->service()->full_name());
  if (stub == nullptr) {
    return answer(ErrorResponse(501, "UNIMPLEMENTED", "no backend for this stream"));
  }
  auto watch = std::make_shared<Watch>();
  watch->answer = std::move(answer);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return watch->answer(ErrorResponse(503, "UNAVAILABLE", "the gateway is shutting down"));
    }
    open_.insert(watch);
  }
  const google::protobuf::Descriptor* output = route.method->output_type();
  std::string event_name = EventName(output->name());
  std::weak_ptr<Watch> weak = watch;

  BackendStream::Callbacks callbacks;
  callbacks.accepted = [weak] {
    std::shared_ptr<Watch> watch = weak.lock();
    if (watch == nullptr) return;
    HttpResponse response;
    response.content_type = "text/event-stream; charset=utf-8";
    response.headers = {{"cache-control", "no-cache, no-store"},
                        {"x-accel-buffering", "no"}};  // proxies must not hold events back
    HttpStreaming streaming;
    streaming.started = [weak](std::shared_ptr<HttpStream> http) {
      std::shared_ptr<Watch> watch = weak.lock();
      if (watch == nullptr) return http->End();
      std::lock_guard lock(watch->mutex);
      if (watch->ended) return http->End();
      watch->http = http;
      // "retry" tells EventSource-style clients how soon to reconnect after the stream ends.
      http->Send("retry: 2000\n: connected\n\n");
      for (std::string& frame : watch->early) http->Send(std::move(frame));
      watch->early.clear();
    };
    streaming.ended = [weak] {
      std::shared_ptr<Watch> watch = weak.lock();
      if (watch == nullptr) return;
      std::shared_ptr<BackendStream> backend;
      {
        std::lock_guard lock(watch->mutex);
        watch->ended = true;
        watch->http.reset();
        backend = watch->backend;
      }
      // Outside the lock: cancelling may finish the call, whose callback takes the lock.
      // The call's `done` then forgets the watch.
      if (backend != nullptr) backend->Cancel();
    };
    response.streaming = std::move(streaming);
    std::function<void(HttpResponse)> answer;
    {
      std::lock_guard lock(watch->mutex);
      if (watch->answered) return;
      watch->answered = true;
      watch->counted = true;
      answer = std::move(watch->answer);
    }
    Metrics::Global().Increment("aievents_http_streams_started_total");
    Metrics::Global().AddGauge(kOpenStreams, {}, 1);
    answer(std::move(response));
  };
  callbacks.message = [weak, output, event_name](std::string bytes) {
    std::shared_ptr<Watch> watch = weak.lock();
    if (watch == nullptr) return;
    std::unique_ptr<google::protobuf::Message> message(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(output)->New());
    if (!message->ParseFromString(bytes)) return;
    watch->Send(
        absl::StrCat("event: ", event_name, "\ndata: ", MessageToJson(*message).dump(), "\n\n"));
  };
  callbacks.done = [this, weak](absl::Status status) {
    std::shared_ptr<Watch> watch = weak.lock();
    if (watch == nullptr) return;  // forgotten already (the bridge gave up waiting)
    std::function<void(HttpResponse)> answer;
    {
      std::lock_guard lock(watch->mutex);
      watch->ended = true;
      if (!watch->answered) {
        watch->answered = true;
        answer = std::move(watch->answer);
      } else if (watch->http != nullptr) {
        watch->http->End();
        watch->http.reset();
      }
      watch->backend.reset();
    }
    if (answer) {
      answer(ErrorResponseFromStatus(status.ok() ? absl::UnavailableError("the stream ended")
                                                 : status));
    }
    Forget(watch);  // last touch of the bridge
  };
  std::shared_ptr<BackendStream> backend = BackendStream::Start(
      stub, route.GrpcPath(), request, metadata, options_.max_lifetime, std::move(callbacks));
  std::lock_guard lock(watch->mutex);
  if (!watch->ended) watch->backend = std::move(backend);
}

}  // namespace aievents::gateway
