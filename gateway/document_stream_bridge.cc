#include "gateway/document_stream_bridge.h"

#include <optional>

#include "gateway/backend_stream.h"
#include "gateway/http_status.h"
#include "gateway/stream_document.h"
#include "google/protobuf/message.h"

namespace aievents::gateway {

// One download and its backend call. Text rendered before the HTTP head is out waits in
// `early`; `finish` is how the body ends once the backend is done ("]}" or, after a failure,
// nothing), kept until the head is out.
struct DocumentStreamBridge::Download {
  explicit Download(const google::protobuf::FieldDescriptor* items) : document(items) {}

  std::mutex mutex;
  StreamDocument document;
  std::shared_ptr<BackendStream> backend;
  std::shared_ptr<HttpStream> http;
  std::vector<std::string> early;
  std::optional<std::string> finish;
  bool answered = false;
  bool ended = false;        // no more body: the client is gone, or the call failed first
  bool call_over = false;    // the backend call's `done` has run
  bool read_wanted = false;  // a part was written before `backend` was set
  std::function<void(HttpResponse)> answer;

  // Reads the next part once `text` is written (under `mutex`, with `http` set).
  void SendPaced(std::string text, const std::weak_ptr<Download>& weak) {
    http->Send(std::move(text), [weak] {
      std::shared_ptr<Download> self = weak.lock();
      if (self == nullptr) return;
      std::shared_ptr<BackendStream> next;
      {
        std::lock_guard lock(self->mutex);
        next = self->backend;
        if (next == nullptr && !self->call_over) self->read_wanted = true;
      }
      if (next != nullptr) next->ReadNext();
    });
  }

  // Sends how the body ends, and ends it (under `mutex`, with `http` set).
  void Finish() {
    if (!finish->empty()) http->Send(std::move(*finish));
    http->End();
    http.reset();
  }
};

DocumentStreamBridge::~DocumentStreamBridge() {
  std::set<std::shared_ptr<Download>> open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    open = open_;
  }
  for (const auto& download : open) {
    std::shared_ptr<BackendStream> backend;
    {
      std::lock_guard lock(download->mutex);
      backend = download->backend;
    }
    if (backend != nullptr) backend->Cancel();
  }
  // Every call's `done` uses this object; wait (boundedly) until they have all run.
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, std::chrono::seconds(5), [&] { return open_.empty(); });
}

void DocumentStreamBridge::Forget(const std::shared_ptr<Download>& download) {
  std::lock_guard lock(mutex_);
  open_.erase(download);
  changed_.notify_all();  // under the lock: the destructor may return once it is released
}

void DocumentStreamBridge::Open(const Route& route, const std::string& request,
                                const std::vector<std::pair<std::string, std::string>>& metadata,
                                std::function<void(HttpResponse)> answer) {
  grpc::GenericStub* stub = backends_->StubFor(route.method->service()->full_name());
  if (stub == nullptr) {
    return answer(ErrorResponse(501, "UNIMPLEMENTED", "no backend for this stream"));
  }
  const google::protobuf::Descriptor* output = route.method->output_type();
  auto download =
      std::make_shared<Download>(output->FindFieldByName(route.rule.stream_document_items()));
  download->answer = std::move(answer);
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return download->answer(ErrorResponse(503, "UNAVAILABLE", "the gateway is shutting down"));
    }
    open_.insert(download);
  }
  std::weak_ptr<Download> weak = download;

  HttpStreaming streaming;
  streaming.started = [weak](std::shared_ptr<HttpStream> http) {
    std::shared_ptr<Download> download = weak.lock();
    if (download == nullptr) return http->End();
    std::lock_guard lock(download->mutex);
    if (download->ended) return http->End();
    download->http = std::move(http);
    for (std::string& text : download->early) download->SendPaced(std::move(text), weak);
    download->early.clear();
    if (download->finish.has_value()) download->Finish();
  };
  streaming.ended = [weak] {
    std::shared_ptr<Download> download = weak.lock();
    if (download == nullptr) return;
    std::shared_ptr<BackendStream> backend;
    {
      std::lock_guard lock(download->mutex);
      download->ended = true;
      download->http.reset();
      backend = download->backend;
    }
    // Outside the lock: cancelling may finish the call, whose callback takes the lock.
    if (backend != nullptr) backend->Cancel();
  };

  BackendStream::Callbacks callbacks;
  callbacks.paced = true;
  callbacks.message = [weak, output, streaming = std::move(streaming)](std::string bytes) mutable {
    std::shared_ptr<Download> download = weak.lock();
    if (download == nullptr) return;
    std::unique_ptr<google::protobuf::Message> part(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(output)->New());
    std::function<void(HttpResponse)> answer;
    {
      std::unique_lock lock(download->mutex);
      if (download->ended) return;
      if (!part->ParseFromString(bytes)) {
        // Not the message the descriptors promise: end the call rather than send a gap.
        std::shared_ptr<BackendStream> backend = download->backend;
        lock.unlock();
        if (backend != nullptr) backend->Cancel();
        return;
      }
      std::string text = download->document.Render(*part);
      if (download->http != nullptr) {
        download->SendPaced(std::move(text), weak);
      } else {
        download->early.push_back(std::move(text));
      }
      if (!download->answered) {
        download->answered = true;
        answer = std::move(download->answer);
      }
    }
    if (answer) {
      HttpResponse response;
      response.headers = {{"cache-control", "no-store"}};
      response.streaming = std::move(streaming);
      answer(std::move(response));
    }
  };
  callbacks.done = [this, weak](absl::Status status) {
    std::shared_ptr<Download> download = weak.lock();
    if (download == nullptr) return;  // forgotten already (the bridge gave up waiting)
    std::function<void(HttpResponse)> answer;
    {
      std::lock_guard lock(download->mutex);
      download->backend.reset();
      download->call_over = true;
      if (!download->answered) {
        download->answered = true;
        download->ended = true;
        answer = std::move(download->answer);
      } else if (!download->ended) {
        download->finish = status.ok() ? download->document.Close() : std::string();
        if (download->http != nullptr) download->Finish();
      }
    }
    if (answer) {
      answer(ErrorResponseFromStatus(
          status.ok() ? absl::UnavailableError("the stream ended before any data") : status));
    }
    Forget(download);  // last touch of the bridge
  };
  std::shared_ptr<BackendStream> backend = BackendStream::Start(
      stub, route.GrpcPath(), request, metadata, options_.max_duration, std::move(callbacks));
  bool read_now = false;
  {
    std::lock_guard lock(download->mutex);
    if (!download->call_over) download->backend = backend;
    read_now = download->read_wanted && !download->call_over;
  }
  if (read_now) backend->ReadNext();
}

}  // namespace aievents::gateway
