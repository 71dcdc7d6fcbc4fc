// In-memory DeliveryStore for unit tests of WebhookProcessor: the inbox as a list of deliveries
// and one event per (tenant, idempotency key), with CommitCallEvent's check that the call's
// deliveries did not change since they were merged. A test can run code just before a commit
// (to land a delivery while the processor is matching). The end-to-end tests run PgDeliveryStore.
#ifndef AIEVENTS_TESTS_UNIT_FAKES_FAKE_DELIVERY_STORE_H_
#define AIEVENTS_TESTS_UNIT_FAKES_FAKE_DELIVERY_STORE_H_

#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/runtime/status_macros.h"
#include "services/ingest/webhooks/delivery_store.h"

namespace aievents::testing {

class FakeDeliveryStore : public ingest::DeliveryStore {
 public:
  struct Row {
    std::string tenant_id;
    ingest::StoredDelivery delivery;
    std::string error;
    std::optional<std::string> event_id;
    int marks = 0;
  };

  void Add(const std::string& tenant_id, ingest::StoredDelivery delivery) {
    std::lock_guard lock(mutex_);
    Row row;
    row.tenant_id = tenant_id;
    row.delivery = std::move(delivery);
    rows_[row.delivery.id] = std::move(row);
  }
  Row Get(const std::string& id) {
    std::lock_guard lock(mutex_);
    return rows_.at(id);
  }
  // The event stored under `key`, if any, and how many times call events were written.
  std::optional<v1::AiEvent> Event(const std::string& tenant_id, const std::string& key) {
    std::lock_guard lock(mutex_);
    auto found = events_.find({tenant_id, key});
    if (found == events_.end()) return std::nullopt;
    return found->second;
  }
  int call_commits() {
    std::lock_guard lock(mutex_);
    return call_commits_;
  }
  // Runs (once per call of CommitCallEvent, without the store's lock) before the check.
  void BeforeCommit(std::function<void()> hook) { before_commit_ = std::move(hook); }

  absl::StatusOr<std::optional<ingest::StoredDelivery>> GetDelivery(
      const std::string& tenant_id, const std::string& id) override {
    std::lock_guard lock(mutex_);
    auto found = rows_.find(id);
    if (found == rows_.end() || found->second.tenant_id != tenant_id) return std::nullopt;
    return found->second.delivery;
  }

  absl::Status MarkDelivery(const std::string& tenant_id, const std::string& id,
                            v1::DeliveryStatus status, const std::string& error,
                            const std::optional<std::string>& event_id) override {
    std::lock_guard lock(mutex_);
    return MarkLocked(tenant_id, id, status, error, event_id);
  }

  absl::Status ForgetDeliveries(const std::string& tenant_id,
                                const std::vector<std::string>& ids) override {
    std::lock_guard lock(mutex_);
    for (const std::string& id : ids) {
      auto found = rows_.find(id);
      if (found != rows_.end() && found->second.tenant_id == tenant_id) rows_.erase(found);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<ingest::StoredDelivery>> CallDeliveries(
      const std::string& tenant_id, const std::string& call_key) override {
    std::lock_guard lock(mutex_);
    return UsableLocked(tenant_id, call_key);
  }

  absl::StatusOr<v1::AiEvent> CommitCallEvent(const std::string& tenant_id,
                                              const std::string& call_key,
                                              const std::string& delivery_id,
                                              const std::vector<std::string>& merged_delivery_ids,
                                              const ingest::NewEvent& event) override {
    if (before_commit_) before_commit_();
    std::lock_guard lock(mutex_);
    std::vector<std::string> current;
    for (const ingest::StoredDelivery& d : UsableLocked(tenant_id, call_key)) {
      current.push_back(d.id);
    }
    if (current != merged_delivery_ids) return absl::AbortedError("the call changed");
    auto [row, inserted] = events_.try_emplace({tenant_id, event.idempotency_key});
    if (inserted) row->second.set_id(event.id);
    row->second.set_summary(event.event->summary);
    row->second.set_raw_payload(event.event->raw_payload);
    row->second.set_match_method(event.match->match_method());
    if (event.match->has_customer_id()) row->second.set_customer_id(event.match->customer_id());
    ++call_commits_;
    AIEV_RETURN_IF_ERROR(
        MarkLocked(tenant_id, delivery_id, v1::DELIVERY_STATUS_PROCESSED, "", row->second.id()));
    return row->second;
  }

 private:
  absl::Status MarkLocked(const std::string& tenant_id, const std::string& id,
                          v1::DeliveryStatus status, const std::string& error,
                          const std::optional<std::string>& event_id) {
    auto found = rows_.find(id);
    if (found == rows_.end() || found->second.tenant_id != tenant_id) {
      return absl::NotFoundError(absl::StrCat("no delivery ", id));
    }
    found->second.delivery.status = status;
    found->second.error = error;
    found->second.event_id = event_id;
    ++found->second.marks;
    return absl::OkStatus();
  }

  std::vector<ingest::StoredDelivery> UsableLocked(const std::string& tenant_id,
                                                   const std::string& call_key) {
    std::vector<ingest::StoredDelivery> usable;
    for (const auto& [id, row] : rows_) {
      if (row.tenant_id != tenant_id || row.delivery.call_key != call_key) continue;
      if (row.delivery.status == v1::DELIVERY_STATUS_REJECTED ||
          row.delivery.status == v1::DELIVERY_STATUS_IGNORED) {
        continue;
      }
      usable.push_back(row.delivery);
    }
    std::sort(usable.begin(), usable.end(), [](const auto& a, const auto& b) {
      return std::tie(a.received_at, a.id) < std::tie(b.received_at, b.id);
    });
    return usable;
  }

  std::mutex mutex_;
  std::map<std::string, Row> rows_;
  std::map<std::pair<std::string, std::string>, v1::AiEvent> events_;
  int call_commits_ = 0;
  std::function<void()> before_commit_;
};

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_UNIT_FAKES_FAKE_DELIVERY_STORE_H_
