#include "services/timeline/outbound/outbound_workers.h"

#include <algorithm>
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

}  // namespace

OutboundWorkers::OutboundWorkers(PgOutboxRelay* relay, PgMessageQueue* queue,
                                 const SecretBox* secrets, SubjectRenderer render,
                                 OutboundOptions options)
    : relay_(relay),
      queue_(queue),
      secrets_(secrets),
      render_(std::move(render)),
      options_(options),
      rate_limiter_({options.endpoint_rate_limit, std::max(1.0, options.endpoint_rate_limit)},
                    {0, 0}),
      client_(std::make_unique<OutboundClient>(1, Background())),
      senders_(std::make_unique<WorkerPool>(options.delivery_threads, Background())) {
  DescribeMetrics();  // before the threads' first use
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
  client_.reset();   // requests in flight end unrecorded: their leases run out
  senders_.reset();  // runs what was handed over, then joins
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
  while (Pause(options_.claim_interval, &dispatch_woken_)) {
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
      for (const ClaimedMessage& message : *claimed) {
        in_hand_.fetch_add(1);
        senders_->Submit([this, message] { Deliver(message); });
      }
      if (static_cast<int>(claimed->size()) < free) break;
    }
  }
}

void OutboundWorkers::Finish(const ClaimedMessage& message, const absl::Status& recorded) {
  // Not recorded: the lease runs out and the message is taken again (same webhook-id).
  if (!recorded.ok()) {
    log::Warn("webhook_record_failed", {{"tenant", message.tenant_id},
                                        {"endpoint_id", message.endpoint_id},
                                        {"error", recorded.ToString()}});
  }
  in_hand_.fetch_sub(1);
  WakeDispatcher();  // room for another message, and the endpoint's batch may be done
}

void OutboundWorkers::RecordAttempt(const ClaimedMessage& message, const AttemptResult& result) {
  Metrics::Global().Increment("aievents_webhook_attempts_total", {{"status", StatusLabel(result)}});
  Metrics::Global().Observe("aievents_webhook_attempt_seconds", {},
                            absl::ToDoubleSeconds(result.duration));
  Finish(message, queue_->Record(message, result));
}

void OutboundWorkers::Deliver(const ClaimedMessage& message) {
  absl::StatusOr<std::optional<EndpointTarget>> target =
      queue_->Target(message.tenant_id, message.endpoint_id);
  if (!target.ok()) return Finish(message, target.status());
  if (!target->has_value()) return Finish(message, absl::OkStatus());  // deleted, with its messages
  if (!(*target)->enabled) return Finish(message, queue_->Postpone(message, absl::Minutes(1)));
  RateLimiter::Decision decision =
      rate_limiter_.Take(message.endpoint_id, message.tenant_id, 1, absl::Now());
  if (decision.limited && decision.granted == 0) {
    return Finish(message, queue_->Postpone(
                               message, absl::Seconds(std::max(1, decision.retry_after_seconds))));
  }
  absl::Time start = absl::Now();
  absl::StatusOr<OutboundPost> post = Prepare(message, **target);
  if (!post.ok()) {
    return RecordAttempt(message, {std::nullopt, std::string(post.status().message()),
                                   absl::Now() - start, absl::IsNotFound(post.status())});
  }
  // The request runs on the client's I/O thread; its outcome is recorded back on a database
  // thread, so neither kind of thread ever waits for the other.
  client_->Post(*std::move(post), [this, message, start](absl::StatusOr<int> status) {
    AttemptResult result{std::nullopt, "", absl::Now() - start, false};
    if (!status.ok()) {
      result.error = std::string(status.status().message());
    } else {
      result.status_code = *status;
      if (Judge(*status) != Verdict::kDelivered) {
        result.error = absl::StrCat("the endpoint answered ", *status);
      }
    }
    senders_->Submit([this, message, result] { RecordAttempt(message, result); });
  });
}

absl::StatusOr<OutboundPost> OutboundWorkers::Prepare(const ClaimedMessage& message,
                                                      const EndpointTarget& target) {
  nlohmann::ordered_json data;
  if (message.type == "customer.erased") {
    data = {{"customer_id", message.subject_id}};
  } else {
    absl::StatusOr<nlohmann::ordered_json> rendered =
        render_(message.tenant_id, message.type, message.subject_id);
    if (absl::IsNotFound(rendered.status())) {
      return absl::NotFoundError("the event no longer exists; nothing was sent");
    }
    if (!rendered.ok()) {
      return absl::UnavailableError(absl::StrCat("not sent: ", rendered.status().message()));
    }
    data = *std::move(rendered);
  }
  std::vector<std::string> keys;
  for (const std::string& sealed : target.sealed_secrets) {
    absl::StatusOr<std::string> secret =
        secrets_->Open(sealed, EndpointSecretRow(message.tenant_id, message.endpoint_id));
    if (!secret.ok())
      return absl::FailedPreconditionError("not sent: the signing secret cannot be opened");
    absl::StatusOr<std::string> key = DecodeSigningSecret(*secret);
    if (!key.ok())
      return absl::FailedPreconditionError("not sent: the signing secret is malformed");
    keys.push_back(*std::move(key));
  }
  // The URL is checked again at every attempt: its name may resolve elsewhere by now, and
  // the connection goes only to the addresses checked here.
  absl::StatusOr<TargetUrl> url = ParseTargetUrl(target.url, options_.policy);
  if (!url.ok()) return url.status();
  absl::StatusOr<std::vector<IpAddress>> addresses = ResolveTarget(*url, options_.policy);
  if (!addresses.ok()) return addresses.status();
  std::string body = MessageBody(message.type, message.created_at, std::move(data));
  return OutboundPost{*url, *addresses,
                      SignedHeaders(WebhookMessageId(message.message_id), absl::Now(), body, keys),
                      body, options_.attempt_timeout};
}

}  // namespace aievents::timeline
