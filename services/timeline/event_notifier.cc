#include "services/timeline/event_notifier.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "absl/time/clock.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"

namespace aievents::timeline {
namespace {

constexpr char kChannel[] = "aievents_timeline";

class Receiver : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, EventNotifier* notifier)
      : pqxx::notification_receiver(conn, kChannel), notifier_(notifier) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    notifier_->Dispatch(payload);
  }

 private:
  EventNotifier* notifier_;
};

}  // namespace

bool Subscription::Next(std::string* event_id, absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  if (!ready_.wait_for(lock, absl::ToChronoMilliseconds(timeout),
                       [&] { return !event_ids_.empty(); })) {
    return false;
  }
  *event_id = std::move(event_ids_.front());
  event_ids_.pop_front();
  return true;
}

void Subscription::Push(const std::string& event_id) {
  {
    std::lock_guard lock(mutex_);
    event_ids_.push_back(event_id);
  }
  ready_.notify_one();
}

EventNotifier::EventNotifier(std::string database_url)
    : database_url_(std::move(database_url)), thread_([this] { Run(); }) {}

EventNotifier::~EventNotifier() {
  stopping_ = true;
  stop_.notify_all();
  thread_.join();
}

std::shared_ptr<Subscription> EventNotifier::Subscribe(const std::string& tenant_id,
                                                       const std::string& customer_id) {
  auto subscription = std::make_shared<Subscription>();
  std::lock_guard lock(mutex_);
  auto& list = subscribers_[tenant_id + ":" + customer_id];
  std::erase_if(list, [](const auto& weak) { return weak.expired(); });
  list.push_back(subscription);
  return subscription;
}

void EventNotifier::Dispatch(const std::string& payload) {
  size_t last = payload.rfind(':');
  if (last == std::string::npos) return;
  std::string key = payload.substr(0, last);
  std::string event_id = payload.substr(last + 1);
  std::vector<std::shared_ptr<Subscription>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = subscribers_.find(key);
    if (it == subscribers_.end()) return;
    std::erase_if(it->second, [](const auto& weak) { return weak.expired(); });
    for (const auto& weak : it->second) {
      if (auto subscription = weak.lock()) targets.push_back(std::move(subscription));
    }
    if (it->second.empty()) subscribers_.erase(it);
  }
  for (const auto& subscription : targets) subscription->Push(event_id);
}

void EventNotifier::Run() {
  // Every failure is logged and counted, a wrong URL on the first try included, and retried
  // with exponential backoff (1 s doubling to 30 s, back to 1 s after a success), so a database
  // that is away is neither hammered nor silently missed.
  std::chrono::seconds backoff(1);
  constexpr std::chrono::seconds kMaxBackoff(30);
  while (!stopping_) {
    try {
      pqxx::connection conn(database_url_);
      Receiver receiver(conn, this);
      conn.get_notifs();  // make sure LISTEN is active before reporting connected
      connected_ = true;
      backoff = std::chrono::seconds(1);
      log::Info("timeline_listening", {{"channel", kChannel}});
      while (!stopping_) conn.await_notification(0, 200000);
    } catch (const std::exception& e) {
      Metrics::Global().Increment("aievents_timeline_listen_failures_total");
      log::Warn(connected_ ? "timeline_listen_lost" : "timeline_listen_failed",
                {{"error", e.what()},
                 {"retry_in_seconds", std::to_string(backoff.count())},
                 {"effect", "live timelines get no updates until it reconnects"}});
    }
    bool was_connected = connected_.exchange(false);
    std::unique_lock lock(mutex_);
    stop_.wait_for(lock, was_connected ? std::chrono::seconds(1) : backoff,
                   [this] { return stopping_.load(); });
    if (!was_connected) backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

}  // namespace aievents::timeline
