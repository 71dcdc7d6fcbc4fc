#include "services/timeline/outbound/outbound_workers.h"

#include <algorithm>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/auth/standard_webhooks.h"
#include "common/net/outbound_post.h"
#include "common/runtime/log.h"
#include "common/runtime/metrics.h"
#include "common/runtime/thread_priority.h"
#include "services/timeline/outbound/message_body.h"
#include "services/timeline/outbound/pg_endpoint_store.h"

namespace aievents::timeline {
namespace {

constexpr int kRelayBatch = 500;
constexpr int kPruneBatch = 10000;
constexpr absl::Duration kPruneInterval = absl::Seconds(10);
// Longer than an attempt can take with its bookkeeping, so no other replica takes a message in
// hand; a worker that dies leaves its messages to be taken again when the lease ends.
constexpr absl::Duration kLease = absl::Seconds(30);

constexpr absl::Duration kBacklogReportInterval = absl::Seconds(5);

void DescribeMetrics() {
  Metrics& metrics = Metrics::Global();
  metrics.DescribeGauge("aievents_outbox_pending",
                        "Changes in ingest's outbox the relay has not fanned out yet.");
  metrics.DescribeGauge("aievents_outbox_oldest_seconds",
                        "Age of the oldest change the relay has not fanned out yet.");
  metrics.DescribeGauge("aievents_webhook_messages_pending",
                        "Outbound messages in flight or waiting for a retry.");
  metrics.DescribeGauge("aievents_webhook_messages_oldest_seconds",
                        "Age of the oldest outbound message in flight or waiting for a retry.");
  metrics.DescribeGauge("aievents_webhook_events_retained",
                        "Relayed changes kept until every enabled endpoint has passed them.");
  metrics.DescribeGauge("aievents_webhook_undelivered_oldest_seconds",
                        "Age of the oldest change an enabled endpoint has not been sent yet.");
  metrics.DescribeGauge(
      "aievents_webhook_endpoints_disabled",
      "Outbound webhook endpoints disabled (by a person, a 410 or 5 days failing).");
  metrics.DescribeCounter("aievents_outbox_relayed_total", "Outbox changes fanned out.");
  metrics.DescribeCounter("aievents_webhook_attempts_total",
                          "Outbound delivery attempts by result: 2xx, 4xx, 5xx, no_answer.");
  metrics.DescribeHistogram("aievents_webhook_attempt_seconds",
                            "Duration of outbound delivery attempts.");
}

std::string StatusLabel(const AttemptResult& result) {
  if (!result.status_code) return "no_answer";
  return absl::StrCat(*result.status_code / 100, "xx");
}

constexpr absl::Duration kDisabledPostpone = absl::Minutes(1);

}  // namespace

absl::StatusOr<std::unique_ptr<OutboundWorkers>> OutboundWorkers::Start(PgOutboxRelay* relay,
                                                                        PgMessageQueue* queue,
                                                                        const SecretBox* secrets,
                                                                        EventRenderer render,
                                                                        OutboundOptions options) {
  int nice = options.nice;
  absl::StatusOr<std::unique_ptr<OutboundClient>> client =
      OutboundClient::Create({1, [nice] { LowerCurrentThreadPriority(nice); }, options.ca_file});
  if (!client.ok()) return client.status();
  return std::unique_ptr<OutboundWorkers>(new OutboundWorkers(
      relay, queue, secrets, std::move(render), std::move(options), *std::move(client)));
}

OutboundWorkers::OutboundWorkers(PgOutboxRelay* relay, PgMessageQueue* queue,
                                 const SecretBox* secrets, EventRenderer render,
                                 OutboundOptions options, std::unique_ptr<OutboundClient> client)
    : relay_(relay),
      queue_(queue),
      secrets_(secrets),
      render_(std::move(render)),
      options_(std::move(options)),
      rate_limiter_({options_.endpoint_rate_limit, std::max(1.0, options_.endpoint_rate_limit)},
                    {0, 0}),
      client_(std::move(client)),
      senders_(std::make_unique<WorkerPool>(options_.delivery_threads, Background())) {
  DescribeMetrics();  // before the threads' first use
  recorder_thread_ = std::thread([this] {
    Background()();
    RecordLoop();
  });
  relay_thread_ = std::thread([this] {
    Background()();
    RelayLoop();
  });
  dispatch_thread_ = std::thread([this] {
    Background()();
    DispatchLoop();
  });
}

OutboundWorkers::~OutboundWorkers() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  relay_thread_.join();
  dispatch_thread_.join();
  senders_.reset();  // prepares and starts what was handed over, then joins
  client_.reset();   // requests in flight end unrecorded: their leases run out
  {
    std::lock_guard lock(outcomes_mutex_);
    recorder_stopping_ = true;
  }
  outcomes_ready_.notify_all();
  recorder_thread_.join();  // records every outcome already in
}

bool OutboundWorkers::Pause(absl::Duration interval, bool* woken) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, absl::ToChronoMilliseconds(interval),
                 [&] { return stopping_ || (woken != nullptr && *woken); });
  if (woken != nullptr) *woken = false;
  return !stopping_;
}

void OutboundWorkers::WakeDispatcher() {
  {
    std::lock_guard lock(mutex_);
    dispatch_woken_ = true;
  }
  wake_.notify_all();
}

void OutboundWorkers::RelayLoop() {
  absl::Duration wait = absl::ZeroDuration();
  absl::Time pruned = absl::Now();
  while (Pause(wait)) {
    if (absl::Now() - pruned >= kPruneInterval) {
      absl::StatusOr<int> removed = relay_->PruneOnce(kPruneBatch);
      if (!removed.ok())
        log::Warn("webhook_events_prune_failed", {{"error", removed.status().ToString()}});
      pruned = removed.ok() && *removed == kPruneBatch ? absl::InfinitePast() : absl::Now();
    }
    absl::StatusOr<int> relayed = relay_->RelayOnce(kRelayBatch);
    if (!relayed.ok()) {
      log::Warn("outbox_relay_failed", {{"error", relayed.status().ToString()}});
      wait = options_.relay_interval * 5;
      continue;
    }
    if (*relayed > 0) {
      Metrics::Global().Increment("aievents_outbox_relayed_total", {}, *relayed);
      WakeDispatcher();  // new messages: the dispatcher need not wait for its interval
    }
    wait = *relayed == kRelayBatch ? absl::ZeroDuration() : options_.relay_interval;
  }
}

void OutboundWorkers::ReportBacklog() {
  absl::StatusOr<OutboundBacklog> backlog = queue_->Backlog();
  if (!backlog.ok()) return;  // the claim logs what is wrong with the database
  Metrics& metrics = Metrics::Global();
  metrics.SetGauge("aievents_outbox_pending", {}, static_cast<double>(backlog->outbox_rows));
  metrics.SetGauge("aievents_outbox_oldest_seconds", {}, backlog->outbox_oldest_seconds);
  metrics.SetGauge("aievents_webhook_messages_pending", {},
                   static_cast<double>(backlog->pending_messages));
  metrics.SetGauge("aievents_webhook_messages_oldest_seconds", {}, backlog->pending_oldest_seconds);
  metrics.SetGauge("aievents_webhook_endpoints_disabled", {},
                   static_cast<double>(backlog->disabled_endpoints));
  metrics.SetGauge("aievents_webhook_events_retained", {},
                   static_cast<double>(backlog->retained_events));
  metrics.SetGauge("aievents_webhook_undelivered_oldest_seconds", {},
                   backlog->undelivered_oldest_seconds);
}

std::function<void()> OutboundWorkers::Background() const {
  int nice = options_.nice;
  return [nice] { LowerCurrentThreadPriority(nice); };
}

void OutboundWorkers::DispatchLoop() {
  absl::Time reported = absl::InfinitePast();
  absl::Time claimed_at = absl::InfinitePast();
  while (Pause(options_.claim_interval, &dispatch_woken_)) {
    absl::Duration since = absl::Now() - claimed_at;
    if (since < options_.claim_spacing && !Pause(options_.claim_spacing - since)) return;
    claimed_at = absl::Now();
    if (absl::Now() - reported >= kBacklogReportInterval) {
      ReportBacklog();
      reported = absl::Now();
    }
    while (true) {
      int free = options_.max_in_flight - in_hand_.load();
      if (free <= 0) break;
      absl::StatusOr<std::vector<ClaimedMessage>> claimed =
          queue_->Claim(free, options_.per_endpoint, kLease);
      if (!claimed.ok()) {
        log::Warn("webhook_claim_failed", {{"error", claimed.status().ToString()}});
        break;
      }
      std::map<std::string, std::vector<ClaimedMessage>> by_tenant;
      for (ClaimedMessage& message : *claimed) {
        by_tenant[message.tenant_id].push_back(std::move(message));
      }
      for (auto& [tenant, messages] : by_tenant) {
        in_hand_.fetch_add(static_cast<int>(messages.size()));
        senders_->Submit(
            [this, batch = std::move(messages)]() mutable { Deliver(std::move(batch)); });
      }
      if (static_cast<int>(claimed->size()) < free) break;
    }
  }
}

void OutboundWorkers::Release(int count, const absl::Status& why) {
  if (!why.ok())
    log::Warn("webhook_messages_released",
              {{"count", std::to_string(count)}, {"error", why.ToString()}});
  in_hand_.fetch_sub(count);
  WakeDispatcher();  // room for more, and the endpoints' batches may be done
}

void OutboundWorkers::Outcome(MessageOutcome outcome, const std::shared_ptr<Window>& window) {
  if (outcome.attempt) {
    Metrics::Global().Increment("aievents_webhook_attempts_total",
                                {{"status", StatusLabel(*outcome.attempt)}});
    Metrics::Global().Observe("aievents_webhook_attempt_seconds", {},
                              absl::ToDoubleSeconds(outcome.attempt->duration));
  }
  std::vector<MessageOutcome> ready;
  if (window == nullptr) {
    ready.push_back(std::move(outcome));
  } else {
    std::lock_guard lock(window->mutex);
    window->outcomes.push_back(std::move(outcome));
    if (--window->waiting > 0) return;
    ready.swap(window->outcomes);
  }
  {
    std::lock_guard lock(outcomes_mutex_);
    for (MessageOutcome& each : ready) outcomes_.push_back(std::move(each));
  }
  outcomes_ready_.notify_one();
}

void OutboundWorkers::RecordLoop() {
  while (true) {
    std::vector<MessageOutcome> taken;
    {
      std::unique_lock lock(outcomes_mutex_);
      outcomes_ready_.wait(lock, [&] { return recorder_stopping_ || !outcomes_.empty(); });
      // Let more outcomes join this record (answers come in bursts).
      outcomes_ready_.wait_for(lock, absl::ToChronoMilliseconds(options_.record_interval),
                               [&] { return recorder_stopping_; });
      if (outcomes_.empty() && recorder_stopping_) return;
      taken.swap(outcomes_);
    }
    std::map<std::string, std::vector<MessageOutcome>> by_tenant;
    for (MessageOutcome& outcome : taken) {
      by_tenant[outcome.message.tenant_id].push_back(std::move(outcome));
    }
    for (const auto& [tenant, outcomes] : by_tenant) {
      // Not recorded: the leases run out and the messages are taken again (same webhook-ids).
      Release(static_cast<int>(outcomes.size()), queue_->Record(tenant, outcomes));
    }
  }
}

OutboundWorkers::Route OutboundWorkers::RouteTo(const std::string& tenant_id,
                                                const std::string& endpoint_id,
                                                const EndpointTarget& target) const {
  Route route;
  for (const std::string& sealed : target.sealed_secrets) {
    absl::StatusOr<std::string> secret =
        secrets_->Open(sealed, EndpointSecretRow(tenant_id, endpoint_id));
    if (!secret.ok()) {
      route.usable = absl::FailedPreconditionError("not sent: the signing secret cannot be opened");
      return route;
    }
    absl::StatusOr<std::string> key = DecodeSigningSecret(*secret);
    if (!key.ok()) {
      route.usable = absl::FailedPreconditionError("not sent: the signing secret is malformed");
      return route;
    }
    route.keys.push_back(*std::move(key));
  }
  // The URL is checked again for every batch: its name may resolve elsewhere by now, and the
  // connections go only to the addresses checked here.
  absl::StatusOr<TargetUrl> url = ParseTargetUrl(target.url, options_.policy);
  if (!url.ok()) {
    route.usable = url.status();
    return route;
  }
  absl::StatusOr<std::vector<IpAddress>> addresses = ResolveTarget(*url, options_.policy);
  if (!addresses.ok()) {
    route.usable = addresses.status();
    return route;
  }
  route.url = *std::move(url);
  route.addresses = *std::move(addresses);
  return route;
}

void OutboundWorkers::Deliver(std::vector<ClaimedMessage> messages) {
  const std::string tenant_id = messages.front().tenant_id;
  const int count = static_cast<int>(messages.size());
  std::set<std::string> endpoint_ids, event_ids;
  for (const ClaimedMessage& message : messages) {
    endpoint_ids.insert(message.endpoint_id);
    if (message.type != "customer.erased") event_ids.insert(message.subject_id);
  }
  absl::StatusOr<std::map<std::string, EndpointTarget>> targets =
      queue_->Targets(tenant_id, {endpoint_ids.begin(), endpoint_ids.end()});
  if (!targets.ok()) return Release(count, targets.status());
  // Events are read from the primary once for all the endpoints they go to.
  absl::StatusOr<std::map<std::string, nlohmann::ordered_json>> events;
  if (!event_ids.empty()) {
    events = render_(tenant_id, {event_ids.begin(), event_ids.end()});
    if (!events.ok()) return Release(count, events.status());
  }
  std::map<std::string, Route> routes;
  std::map<std::string, std::string> bodies;  // by message id: the same for every endpoint
  std::map<std::string, std::shared_ptr<Window>> windows;  // by endpoint
  for (const ClaimedMessage& message : messages) {
    if (!message.seq) continue;
    std::shared_ptr<Window>& window = windows[message.endpoint_id];
    if (window == nullptr) window = std::make_shared<Window>();
    ++window->waiting;
  }
  int deleted = 0;
  for (ClaimedMessage& message : messages) {
    auto target = targets->find(message.endpoint_id);
    if (target == targets->end()) {  // deleted meanwhile, with its messages
      ++deleted;
      continue;
    }
    std::shared_ptr<Window> window =
        message.seq ? windows.at(message.endpoint_id) : std::shared_ptr<Window>();
    if (!target->second.enabled) {
      Outcome({std::move(message), std::nullopt, kDisabledPostpone}, window);
      continue;
    }
    RateLimiter::Decision decision =
        rate_limiter_.Take(message.endpoint_id, tenant_id, 1, absl::Now());
    if (decision.limited && decision.granted == 0) {
      Outcome({std::move(message), std::nullopt,
               absl::Seconds(std::max(1, decision.retry_after_seconds))},
              window);
      continue;
    }
    absl::Time start = absl::Now();
    auto route = routes.find(message.endpoint_id);
    if (route == routes.end()) {
      route =
          routes
              .emplace(message.endpoint_id, RouteTo(tenant_id, message.endpoint_id, target->second))
              .first;
    }
    if (!route->second.usable.ok()) {
      Outcome({std::move(message),
               AttemptResult{std::nullopt, std::string(route->second.usable.message()), start,
                             absl::ZeroDuration(), false, std::nullopt},
               {}},
              window);
      continue;
    }
    auto body = bodies.find(message.message_id);
    if (body == bodies.end()) {
      nlohmann::ordered_json data;
      if (message.type == "customer.erased") {
        data = {{"customer_id", message.subject_id}};
      } else {
        auto event = events->find(message.subject_id);
        if (event == events->end()) {
          Outcome({std::move(message),
                   AttemptResult{std::nullopt, "the event no longer exists; nothing was sent",
                                 start, absl::ZeroDuration(), true, std::nullopt},
                   {}},
                  window);
          continue;
        }
        data = event->second;
      }
      body = bodies
                 .emplace(message.message_id,
                          MessageBody(message.type, message.created_at, std::move(data)))
                 .first;
    }
    OutboundPost post{route->second.url, route->second.addresses,
                      SignedHeaders(WebhookMessageId(message.message_id), absl::Now(), body->second,
                                    route->second.keys),
                      body->second, options_.attempt_timeout};
    // The answer arrives on the client's I/O thread, which only hands it to the recorder.
    client_->Post(std::move(post), [this, message = std::move(message), start,
                                    window](absl::StatusOr<PostAnswer> answer) mutable {
      AttemptResult result{std::nullopt, "", start, absl::Now() - start, false, std::nullopt};
      if (!answer.ok()) {
        result.error = std::string(answer.status().message());
      } else {
        result.status_code = answer->status;
        if (Judge(answer->status) != Verdict::kDelivered) {
          result.error = absl::StrCat("the endpoint answered ", answer->status);
        }
        if (HonoursRetryAfter(answer->status)) result.retry_after = answer->retry_after;
      }
      Outcome({std::move(message), std::move(result), {}}, window);
    });
  }
  if (deleted > 0) Release(deleted, absl::OkStatus());
}

}  // namespace aievents::timeline
