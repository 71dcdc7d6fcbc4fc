// grpc_ingest_load: calls IngestService.CreateEvent straight over gRPC (no gateway), keeping
// --concurrency calls in flight for --seconds, with the same event mix as the HTTP benchmarks.
// Prints calls/s, status codes and latency.
//
//   grpc_ingest_load --target=127.0.0.1:7051 --keys=K1,K2 --customers=100000
//                    --concurrency=64 --seconds=15
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "aievents/v1/ingest_service.grpc.pb.h"
#include "bench/event_mix.h"
#include "bench/latency_summary.h"
#include "common/runtime/config_source.h"

namespace {

using Clock = std::chrono::steady_clock;

class Load {
 public:
  Load(std::shared_ptr<grpc::Channel> channel, std::vector<std::string> keys, int64_t customers)
      : stub_(aievents::v1::IngestService::NewStub(channel)),
        keys_(std::move(keys)),
        mix_("grpc" + std::to_string(Clock::now().time_since_epoch().count()), customers, 7) {}

  void Run(int concurrency, int seconds) {
    end_ = Clock::now() + std::chrono::seconds(seconds);
    started_ = Clock::now();
    for (int i = 0; i < concurrency; ++i) StartCall();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return in_flight_ == 0; });
    elapsed_ = std::chrono::duration<double>(Clock::now() - started_).count();
  }

  void Print() {
    std::lock_guard lock(mutex_);
    std::string codes;
    int64_t ok = 0;
    for (const auto& [code, count] : codes_) {
      codes += " " + std::to_string(code) + "=" + std::to_string(count);
      if (code == 0) ok = count;
    }
    std::cout << "calls=" << calls_ << " ok_per_s=" << static_cast<int64_t>(ok / elapsed_)
              << " grpc_codes:" << codes << " ok_latency: " << latency_.Format() << "\n";
  }

 private:
  struct Call {
    grpc::ClientContext context;
    aievents::v1::CreateEventRequest request;
    aievents::v1::CreateEventResponse response;
    Clock::time_point start;
  };

  void StartCall() {
    auto* call = new Call();
    {
      std::lock_guard lock(mutex_);
      ++in_flight_;
      ++calls_;
      aievents::bench::MixedEvent event = mix_.Next();
      auto* lookup = call->request.mutable_customer_lookup();
      if (!event.email.empty()) lookup->set_email(event.email);
      if (!event.phone.empty()) lookup->set_phone(event.phone);
      if (!event.first_name.empty()) lookup->set_first_name(event.first_name);
      if (!event.last_name.empty()) lookup->set_last_name(event.last_name);
      auto* e = call->request.mutable_ai_event();
      e->set_event_type(aievents::v1::EVENT_TYPE_PHONE_CALL);
      e->set_source("bench");
      e->set_summary("Customer called about order #" + std::to_string(event.number) + ".");
      e->set_raw_payload(R"({"duration": 245, "transcript": "Hi, I am calling about my order."})");
      e->set_confidence(0.92);
      e->set_source_eid("call-" + event.idempotency_key);
      e->set_idempotency_key(event.idempotency_key);
      e->set_occurred_at("2026-03-10T14:30:00Z");
      call->context.AddMetadata("x-api-key", keys_[key_index_++ % keys_.size()]);
    }
    call->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    call->start = Clock::now();
    stub_->async()->CreateEvent(&call->context, &call->request, &call->response,
                                [this, call](grpc::Status status) { Finished(call, status); });
  }

  void Finished(Call* call, const grpc::Status& status) {
    bool again;
    {
      std::lock_guard lock(mutex_);
      codes_[status.error_code()]++;
      if (status.ok()) {
        latency_.Add(std::chrono::duration<double, std::milli>(Clock::now() - call->start).count());
      }
      --in_flight_;
      again = Clock::now() < end_;
    }
    delete call;
    if (again) {
      StartCall();
      return;
    }
    std::lock_guard lock(mutex_);
    if (in_flight_ == 0) done_.notify_all();
  }

  std::unique_ptr<aievents::v1::IngestService::Stub> stub_;
  std::vector<std::string> keys_;
  std::mutex mutex_;
  std::condition_variable done_;
  aievents::bench::EventMix mix_;
  size_t key_index_ = 0;
  int in_flight_ = 0;
  int64_t calls_ = 0;
  std::map<int, int64_t> codes_;
  aievents::bench::LatencySummary latency_;
  Clock::time_point end_, started_;
  double elapsed_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc, argv);
  std::string target = source.String("target", "127.0.0.1:7051", "ingest host:port");
  std::string keys = source.RequiredString("keys", "comma-separated API keys");
  int customers = source.Int("customers", 100000, 1, 100000000, "seeded customers per tenant");
  int concurrency = source.Int("concurrency", 64, 1, 10000, "calls in flight");
  int seconds = source.Int("seconds", 15, 1, 3600, "duration");
  if (source.HelpRequested()) {
    std::cout << source.Help();
    return 0;
  }
  if (auto status = source.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n";
    return 2;
  }
  Load load(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()),
            absl::StrSplit(keys, ',', absl::SkipEmpty()), customers);
  load.Run(concurrency, seconds);
  load.Print();
  return 0;
}
