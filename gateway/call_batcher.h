// Sends concurrent calls of one unary RPC together, through the batch RPC its HTTP rule names
// (`batch_rpc`; aievents.v1.BatchRequest/BatchResponse): on a small machine each gRPC call
// costs more in context switches and network-stack trips than the work it carries. Calls share
// a batch only when they carry the same credentials, so every call is still authorized as its
// own client.
//
// While fewer than `max_inflight` batches of the same route and credentials are out, a call
// leaves at once (alone, at low load: no added latency). Otherwise it waits for one of them to
// come back, or at most `max_wait`, and then leaves with everything that queued meanwhile.
#ifndef AIEVENTS_GATEWAY_CALL_BATCHER_H_
#define AIEVENTS_GATEWAY_CALL_BATCHER_H_

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway/backend_client.h"

namespace aievents::gateway {

class CallBatcher {
 public:
  struct Options {
    int max_calls = 500;   // calls in one batch
    int max_inflight = 4;  // batches out at once per route and credentials, before waiting
    std::chrono::microseconds max_wait{2000};  // longest a call waits for a free slot
  };

  CallBatcher(BackendClient* backends, Options options);
  // Stops the timer. Destroy it after the HTTP server drained: then nothing waits here.
  ~CallBatcher();

  // Calls `batch_path` ("/aievents.v1.IngestService/CreateEventBatch") on the backend serving
  // `service` with `request` (the serialized unary request) among a batch. `credentials` is
  // the metadata that authenticates the caller; `done` gets what the unary RPC would have
  // answered (reply body and initial metadata, or the error), once, on a gRPC thread.
  void Call(const std::string& service, const std::string& batch_path, std::string request,
            std::string request_id, std::vector<std::pair<std::string, std::string>> credentials,
            BackendClient::Callback done);

 private:
  using Clock = std::chrono::steady_clock;
  struct Waiting {
    std::string request;
    std::string request_id;
    BackendClient::Callback done;
    Clock::time_point since;
  };
  struct Lane {  // one route and set of credentials
    std::string service;
    std::string batch_path;
    std::vector<std::pair<std::string, std::string>> credentials;
    std::vector<Waiting> waiting;
    int inflight = 0;
  };

  // Takes the next batch off `lane` (lock held) and counts it in flight.
  std::vector<Waiting> TakeBatch(Lane& lane);
  void Send(const std::string& key, const Lane& lane, std::vector<Waiting> batch);
  void Completed(const std::string& key);
  // Sends the batches whose oldest call has waited max_wait.
  void RunTimer();

  BackendClient* backends_;
  Options options_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, Lane> lanes_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace aievents::gateway

#endif  // AIEVENTS_GATEWAY_CALL_BATCHER_H_
