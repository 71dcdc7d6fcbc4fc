// Fans PostgreSQL notifications out to live timeline streams. One LISTEN connection per
// process receives "tenant:customer:event" payloads (sent by the ai_events triggers at commit,
// whichever service wrote the row) and queues the event id for every subscriber of that
// customer. If the connection drops it reconnects; notifications sent meanwhile are lost, which
// is why clients catch up with ListCustomerEvents after reconnecting.
#ifndef AIEVENTS_SERVICES_TIMELINE_EVENT_NOTIFIER_H_
#define AIEVENTS_SERVICES_TIMELINE_EVENT_NOTIFIER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace aievents::timeline {

// One stream's queue of event ids.
class Subscription {
 public:
  // Waits up to `timeout` for the next event id; false when none arrived.
  bool Next(std::string* event_id, absl::Duration timeout);

 private:
  friend class EventNotifier;
  void Push(const std::string& event_id);

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::string> event_ids_;
};

class EventNotifier {
 public:
  // Starts the listener thread; connecting happens in the background.
  explicit EventNotifier(std::string database_url);
  ~EventNotifier();

  // Event ids for `customer_id` of `tenant_id`, until the returned object is destroyed.
  std::shared_ptr<Subscription> Subscribe(const std::string& tenant_id,
                                          const std::string& customer_id);

  // True while the LISTEN connection is up.
  bool connected() const { return connected_; }

  // Delivers one payload (what the listener thread does per notification); public for tests.
  void Dispatch(const std::string& payload);

 private:
  void Run();

  std::string database_url_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::mutex mutex_;
  std::condition_variable stop_;
  std::map<std::string, std::vector<std::weak_ptr<Subscription>>>
      subscribers_;  // "tenant:customer"
  std::thread thread_;
};

}  // namespace aievents::timeline

#endif  // AIEVENTS_SERVICES_TIMELINE_EVENT_NOTIFIER_H_
