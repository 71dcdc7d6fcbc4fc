// One server-streaming backend call made generically (the gateway has no per-RPC code): the
// request goes out as the only message, each reply message is handed on serialized, and the
// call ends when the backend ends it, its deadline passes, or Cancel() is called. A paced call
// reads the next message only when asked (ReadNext), so a slow HTTP client slows the backend
// through gRPC flow control instead of filling the gateway's memory.
#ifndef AIEVENTS_GATEWAY_BACKEND_STREAM_H_
#define AIEVENTS_GATEWAY_BACKEND_STREAM_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/client_callback.h"

namespace aievents::gateway {

class BackendStream : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  struct Callbacks {
    // The backend accepted the stream (its initial metadata arrived).
    std::function<void()> accepted;
    // One message, serialized.
    std::function<void(std::string)> message;
    // Exactly once, last: OK when the backend ended the stream, else why it ended.
    std::function<void(absl::Status)> done;
    // After each message, wait for ReadNext() before reading the next one.
    bool paced = false;
  };

  // Starts the call; the stream keeps itself alive until `done` has run. Callbacks run on
  // gRPC threads and must not block.
  static std::shared_ptr<BackendStream> Start(
      grpc::GenericStub* stub, const std::string& grpc_path, const std::string& request,
      const std::vector<std::pair<std::string, std::string>>& metadata, absl::Duration deadline,
      Callbacks callbacks);

  // Ends the call; `done` follows with CANCELLED. Safe to call at any time, more than once.
  void Cancel();

  // A paced call: reads the next message. Harmless once the call is over.
  void ReadNext();

 private:
  explicit BackendStream(Callbacks callbacks) : callbacks_(std::move(callbacks)) {}

  void OnReadInitialMetadataDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  // A paced call holds the reactor (AddHold) while it may still start a read, so the call
  // cannot finish between two reads; released once no read will follow.
  void ReleaseHold(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  bool holding_ = false;       // paced: the hold is held
  bool read_pending_ = false;  // paced: a read is started and not done

  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  Callbacks callbacks_;
  std::shared_ptr<BackendStream> self_;  // held from Start until OnDone
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_BACKEND_STREAM_H_
