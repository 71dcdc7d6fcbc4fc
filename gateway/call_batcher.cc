#include "gateway/call_batcher.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "aievents/v1/batch.pb.h"
#include "common/rpc/grpc_status.h"

namespace aievents::gateway {

CallBatcher::CallBatcher(BackendClient* backends, Options options)
    : backends_(backends), options_(options), timer_([this] { RunTimer(); }) {}

CallBatcher::~CallBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  timer_.join();
}

void CallBatcher::RunTimer() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // The lane whose oldest waiting call is due first.
    Clock::time_point due = Clock::time_point::max();
    std::string due_key;
    for (const auto& [key, lane] : lanes_) {
      if (lane.waiting.empty()) continue;
      Clock::time_point lane_due = lane.waiting.front().since + options_.max_wait;
      if (lane_due < due) {
        due = lane_due;
        due_key = key;
      }
    }
    if (due_key.empty()) {
      changed_.wait(lock);
      continue;
    }
    if (Clock::now() < due) {
      changed_.wait_until(lock, due);
      continue;
    }
    Lane& lane = lanes_[due_key];
    std::vector<Waiting> batch = TakeBatch(lane);
    lock.unlock();
    Send(due_key, lane, std::move(batch));
    lock.lock();
  }
}

void CallBatcher::Call(const std::string& service, const std::string& batch_path,
                       std::string request, std::string request_id,
                       std::vector<std::pair<std::string, std::string>> credentials,
                       BackendClient::Callback done) {
  std::string key = absl::StrCat(service, "\n", batch_path);
  for (const auto& [name, value] : credentials) absl::StrAppend(&key, "\n", name, "=", value);
  std::vector<Waiting> batch;
  Lane* lane;
  {
    std::lock_guard lock(mutex_);
    lane = &lanes_[key];
    if (lane->batch_path.empty()) {
      lane->service = service;
      lane->batch_path = batch_path;
      lane->credentials = std::move(credentials);
    }
    lane->waiting.push_back(
        {std::move(request), std::move(request_id), std::move(done), Clock::now()});
    if (lane->inflight >= options_.max_inflight) {
      // Leaves when a batch comes back, or when the timer finds it waited max_wait.
      if (lane->waiting.size() == 1) changed_.notify_all();
      return;
    }
    batch = TakeBatch(*lane);
  }
  // Lanes are only erased when idle, and this one has a batch in flight now.
  Send(key, *lane, std::move(batch));
}

std::vector<CallBatcher::Waiting> CallBatcher::TakeBatch(Lane& lane) {
  size_t take = std::min(lane.waiting.size(), static_cast<size_t>(options_.max_calls));
  std::vector<Waiting> batch(std::make_move_iterator(lane.waiting.begin()),
                             std::make_move_iterator(lane.waiting.begin() + take));
  lane.waiting.erase(lane.waiting.begin(), lane.waiting.begin() + take);
  ++lane.inflight;
  return batch;
}

void CallBatcher::Send(const std::string& key, const Lane& lane, std::vector<Waiting> batch) {
  v1::BatchRequest request;
  for (Waiting& call : batch) {
    v1::BatchedCall* batched = request.add_calls();
    batched->set_request(std::move(call.request));
    batched->set_request_id(call.request_id);
  }
  std::vector<std::pair<std::string, std::string>> metadata = lane.credentials;
  metadata.emplace_back("x-request-id", batch.front().request_id);
  auto waiting = std::make_shared<std::vector<Waiting>>(std::move(batch));
  backends_->Call(
      lane.service, lane.batch_path, request.SerializeAsString(), metadata,
      [this, key, waiting](absl::StatusOr<BackendClient::Reply> reply) {
        v1::BatchResponse response;
        absl::Status failed = reply.status();
        if (failed.ok() && (!response.ParseFromString(reply->body) ||
                            response.replies_size() != static_cast<int>(waiting->size()))) {
          failed = absl::InternalError("the backend sent a batch reply the gateway cannot read");
        }
        for (size_t i = 0; i < waiting->size(); ++i) {
          if (!failed.ok()) {
            (*waiting)[i].done(failed);
            continue;
          }
          v1::BatchedReply& one = *response.mutable_replies(static_cast<int>(i));
          absl::Status status = FromRpcStatus(one.status());
          if (!status.ok()) {
            (*waiting)[i].done(status);
            continue;
          }
          BackendClient::Reply unary;
          unary.body = std::move(*one.mutable_response());
          for (const auto& [name, value] : one.initial_metadata()) {
            unary.initial_metadata.emplace(name, value);
          }
          (*waiting)[i].done(std::move(unary));
        }
        Completed(key);
      });
}

void CallBatcher::Completed(const std::string& key) {
  std::vector<Waiting> batch;
  Lane* lane;
  {
    std::lock_guard lock(mutex_);
    auto it = lanes_.find(key);
    lane = &it->second;
    --lane->inflight;
    if (lane->waiting.empty()) {
      if (lane->inflight == 0) lanes_.erase(it);
      return;
    }
    batch = TakeBatch(*lane);
  }
  Send(key, *lane, std::move(batch));
}

}  // namespace aievents::gateway
