#include "gateway/backend_stream.h"

#include "common/rpc/grpc_status.h"

namespace aievents::gateway {

std::shared_ptr<BackendStream> BackendStream::Start(
    grpc::GenericStub* stub, const std::string& grpc_path, const std::string& request,
    const std::vector<std::pair<std::string, std::string>>& metadata, absl::Duration deadline,
    Callbacks callbacks) {
  std::shared_ptr<BackendStream> stream(new BackendStream(std::move(callbacks)));
  stream->self_ = stream;
  stream->context_.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  for (const auto& [key, value] : metadata) stream->context_.AddMetadata(key, value);
  grpc::Slice slice(request);
  stream->request_ = grpc::ByteBuffer(&slice, 1);
  // On the wire a server-streaming call is a stream with one request message.
  stub->PrepareBidiStreamingCall(&stream->context_, grpc_path, grpc::StubOptions(), stream.get());
  stream->StartWriteLast(&stream->request_, grpc::WriteOptions());
  if (stream->callbacks_.paced) {
    stream->AddHold();
    stream->holding_ = true;
    stream->read_pending_ = true;
  }
  stream->StartRead(&stream->response_);
  stream->StartCall();
  return stream;
}

void BackendStream::Cancel() {
  context_.TryCancel();
  // A paced call waiting for ReadNext has no read to fail: let it finish now.
  std::unique_lock lock(mutex_);
  if (holding_ && !read_pending_) ReleaseHold(lock);
}

void BackendStream::ReadNext() {
  std::lock_guard lock(mutex_);
  if (!holding_ || read_pending_) return;
  read_pending_ = true;
  StartRead(&response_);
}

void BackendStream::ReleaseHold(std::unique_lock<std::mutex>& lock) {
  holding_ = false;
  lock.unlock();
  RemoveHold();  // OnDone may follow on another thread
}

void BackendStream::OnReadInitialMetadataDone(bool ok) {
  if (ok && callbacks_.accepted) callbacks_.accepted();
}

void BackendStream::OnReadDone(bool ok) {
  if (callbacks_.paced) {
    std::unique_lock lock(mutex_);
    read_pending_ = false;
    if (!ok && holding_) ReleaseHold(lock);
  }
  if (!ok) return;  // the stream is over; OnDone follows
  std::vector<grpc::Slice> slices;
  std::string message;
  if (response_.Dump(&slices).ok()) {
    for (const grpc::Slice& part : slices) {
      message.append(reinterpret_cast<const char*>(part.begin()), part.size());
    }
  }
  response_.Clear();
  if (callbacks_.message) callbacks_.message(std::move(message));
  if (!callbacks_.paced) StartRead(&response_);
}

void BackendStream::OnDone(const grpc::Status& status) {
  if (callbacks_.done) callbacks_.done(FromGrpcStatus(status));
  callbacks_ = {};
  self_.reset();  // may destroy this: nothing after it
}

}  // namespace aievents::gateway
