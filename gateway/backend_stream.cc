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
  stream->StartRead(&stream->response_);
  stream->StartCall();
  return stream;
}

void BackendStream::OnReadInitialMetadataDone(bool ok) {
  if (ok && callbacks_.accepted) callbacks_.accepted();
}

void BackendStream::OnReadDone(bool ok) {
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
  StartRead(&response_);
}

void BackendStream::OnDone(const grpc::Status& status) {
  if (callbacks_.done) callbacks_.done(FromGrpcStatus(status));
  callbacks_ = {};
  self_.reset();  // may destroy this: nothing after it
}

}  // namespace aievents::gateway
