// The hot path under concurrency: group commit stores exactly the expected rows and answers
// every caller with its own event and status; an event the database refuses does not fail its
// batch; an overloaded queue answers 503 with Retry-After and recovers; a gateway that is
// shutting down finishes the requests it has in flight.
//
// Tests that need a batch held open start their own ingest replica (and gateway) with settings
// of their own, sharing the suite's database and matching service, and hold the batch with the
// unique index: while another transaction holds an uncommitted row under an idempotency key,
// an insert of that key waits for it (ON CONFLICT must know the outcome), so the event with
// that key waits in its commit and the events after it queue behind it (one batch in flight).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <thread>

#include "common/runtime/metrics.h"
#include "tests/e2e/test_helpers.h"
#include "tests/support/concurrent_http.h"

namespace aievents::testing {
namespace {

using std::chrono::milliseconds;

HttpCall EventCall(const std::string& key, const nlohmann::json& body) {
  return {"POST",
          "/v1/ai-events",
          body.dump(),
          {{"x-api-key", key}, {"content-type", "application/json"}}};
}

// A body whose idempotency key and summary are its own.
nlohmann::json KeyedEvent(const nlohmann::json& lookup, const std::string& key,
                          const std::string& summary) {
  nlohmann::json body = ValidEvent(lookup);
  body["ai_event"]["idempotency_key"] = key;
  body["ai_event"]["summary"] = summary;
  return body;
}

// Waits (boundedly) until `condition` holds; false when it never did.
template <typename Condition>
bool WaitFor(Condition condition) {
  for (int attempt = 0; attempt < 500; ++attempt) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return condition();
}

// An ingest replica and a gateway in front of it, with the test's batching settings.
class Replica {
 public:
  Replica(Suite& suite, ingest::EventBatcher::Options batching) {
    ingest::IngestConfig ingest_config = suite.ingest_config();
    ingest_config.batching = batching;
    auto ingest = ingest::IngestServer::Start(ingest_config);
    EXPECT_TRUE(ingest.ok()) << ingest.status();
    ingest_ = std::move(*ingest);
    gateway::GatewayConfig gateway_config;
    gateway_config.listen_port = 0;
    gateway_config.ingest_address = "127.0.0.1:" + std::to_string(ingest_->grpc_port());
    gateway_config.matching_address = "127.0.0.1:" + std::to_string(suite.matching_port());
    gateway_config.timeline_address = "127.0.0.1:" + std::to_string(suite.timeline_port());
    auto gateway = gateway::GatewayServer::Start(gateway_config);
    EXPECT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
  }
  ~Replica() {
    gateway_->Shutdown();
    ingest_->Shutdown();
  }

  int port() const { return gateway_->port(); }
  const ingest::EventBatcher& batcher() const { return ingest_->batcher(); }
  gateway::GatewayServer& gateway() { return *gateway_; }

 private:
  std::unique_ptr<ingest::IngestServer> ingest_;
  std::unique_ptr<gateway::GatewayServer> gateway_;
};

// Holds an uncommitted row of `tenant` under `key` until Release() (which rolls it back): an
// event with that key waits in its commit until then, and then is stored as new.
class KeyLock {
 public:
  KeyLock(const std::string& url, const std::string& tenant, const std::string& key)
      : KeyLock(url, tenant, std::vector<std::string>{key}) {}
  // Holds every one of `keys`, so events under them wait however they are batched.
  KeyLock(const std::string& url, const std::string& tenant, const std::vector<std::string>& keys)
      : connection_(url), transaction_(connection_) {
    for (const std::string& key : keys) {
      transaction_.exec_params(
          "INSERT INTO ai_events (tenant_id, id, match_method, event_type, source, summary,"
          " raw_payload, idempotency_key, occurred_at)"
          " VALUES ($1, gen_random_uuid(), 'none', 'note', 'test', 'lock', '{}', $2, now())",
          tenant, key);
    }
  }
  void Release() { transaction_.abort(); }

 private:
  pqxx::connection connection_;
  pqxx::work transaction_;
};

double Counter(const std::string& name) { return Metrics::Global().CounterValue(name); }

TEST(GroupCommit, ThousandConcurrentRequestsGiveExactlyTheExpectedRows) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "group@example.com"}});
  std::vector<HttpCall> calls;
  for (int i = 0; i < 900; ++i) {
    nlohmann::json lookup = i % 2 == 0 ? nlohmann::json{{"email", "group@example.com"}}
                                       : nlohmann::json{{"email", "nobody@example.com"}};
    calls.push_back(EventCall(tenant.api_key, KeyedEvent(lookup, "unique-" + std::to_string(i),
                                                         "unique event " + std::to_string(i))));
  }
  // 100 callers share 10 keys, each sending content of its own under the shared key.
  for (int i = 0; i < 100; ++i) {
    calls.push_back(EventCall(tenant.api_key, KeyedEvent({{"email", "group@example.com"}},
                                                         "shared-" + std::to_string(i % 10),
                                                         "caller " + std::to_string(i))));
  }
  double batches_before = Counter("aievents_ingest_batches_total");
  double events_before = Counter("aievents_ingest_batched_events_total");

  std::vector<HttpResult> results = ConcurrentHttpRequests(suite.gateway_port(), calls);

  for (int i = 0; i < 900; ++i) {
    ASSERT_EQ(results[i].status, 201) << results[i].body;
    nlohmann::json event = results[i].Json();
    EXPECT_EQ(event["idempotency_key"], "unique-" + std::to_string(i));
    EXPECT_EQ(event["summary"], "unique event " + std::to_string(i));
    EXPECT_EQ(event["customer_id"], i % 2 == 0 ? nlohmann::json(customer) : nlohmann::json());
  }
  std::map<std::string, std::set<std::string>> ids_by_key;
  std::map<std::string, int> created_by_key;
  std::map<std::string, std::string> winner_summary;
  for (int i = 900; i < 1000; ++i) {
    const HttpResult& result = results[i];
    std::string key = "shared-" + std::to_string((i - 900) % 10);
    nlohmann::json event = result.Json();
    ASSERT_TRUE(result.status == 201 || result.status == 200) << result.body;
    EXPECT_EQ(event["idempotency_key"], key);
    ids_by_key[key].insert(event["id"].get<std::string>());
    if (result.status == 201) {
      ++created_by_key[key];
      winner_summary[key] = "caller " + std::to_string(i - 900);
      EXPECT_EQ(event["summary"], winner_summary[key]) << "the creator gets its own content";
      EXPECT_EQ(result.Header("idempotent-replayed"), "");
    } else {
      EXPECT_EQ(result.Header("idempotent-replayed"), "true");
    }
  }
  for (int k = 0; k < 10; ++k) {
    std::string key = "shared-" + std::to_string(k);
    EXPECT_EQ(created_by_key[key], 1) << key;
    EXPECT_EQ(ids_by_key[key].size(), 1u) << "every caller of " << key << " gets the same row";
  }
  // Replays carry the stored content: the winner's.
  for (int i = 900; i < 1000; ++i) {
    std::string key = "shared-" + std::to_string((i - 900) % 10);
    EXPECT_EQ(results[i].Json()["summary"], winner_summary[key]);
  }
  EXPECT_EQ(CountEvents(suite, tenant.id), 910);
  // Everything went through group commit, and callers did share commits.
  EXPECT_EQ(Counter("aievents_ingest_batched_events_total") - events_before, 1000);
  EXPECT_LT(Counter("aievents_ingest_batches_total") - batches_before, 1000);
}

TEST(GroupCommit, AnEventTheDatabaseRefusesDoesNotFailItsBatch) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "held@example.com"}});
  {
    pqxx::connection conn(suite.database_url());
    pqxx::work txn(conn);
    // Stands in for anything the database may refuse that validation cannot foresee.
    txn.exec(
        "ALTER TABLE ai_events ADD CONSTRAINT test_refuses_poison"
        " CHECK (summary <> 'poison pill') NOT VALID");
    txn.commit();
  }
  ingest::EventBatcher::Options batching;
  batching.max_inflight_batches = 1;
  batching.max_batch_events = 100;
  Replica replica(suite, batching);
  KeyLock lock(suite.database_url(), tenant.id, "blocker");
  nlohmann::json held_lookup = {{"email", "held@example.com"}};
  auto blocker = std::async(std::launch::async, [&] {
    return ConcurrentHttpRequests(
        replica.port(), {EventCall(tenant.api_key, KeyedEvent(held_lookup, "blocker", "first"))});
  });
  ASSERT_TRUE(WaitFor([&] { return replica.batcher().inflight() == 1; }));
  std::vector<HttpCall> calls;
  for (int i = 0; i < 20; ++i) {
    std::string summary = i == 7 ? "poison pill" : "neighbour " + std::to_string(i);
    calls.push_back(
        EventCall(tenant.api_key, KeyedEvent(held_lookup, "batch-" + std::to_string(i), summary)));
  }
  auto batch =
      std::async(std::launch::async, [&] { return ConcurrentHttpRequests(replica.port(), calls); });
  // All twenty wait behind the blocker, so they leave as one batch.
  ASSERT_TRUE(WaitFor([&] { return replica.batcher().queued() == 20; }));
  double batches_before = Counter("aievents_ingest_batches_total");
  lock.Release();
  EXPECT_EQ(blocker.get()[0].status, 201);
  std::vector<HttpResult> results = batch.get();
  EXPECT_EQ(Counter("aievents_ingest_batches_total") - batches_before, 1);
  for (int i = 0; i < 20; ++i) {
    if (i == 7) {
      EXPECT_EQ(results[i].status, 500) << results[i].body;
      EXPECT_EQ(results[i].Json()["error"]["code"], "INTERNAL");
    } else {
      EXPECT_EQ(results[i].status, 201) << results[i].body;
    }
  }
  EXPECT_EQ(CountEvents(suite, tenant.id), 20);  // the blocker and the 19 neighbours
  pqxx::connection conn(suite.database_url());
  pqxx::work txn(conn);
  txn.exec("ALTER TABLE ai_events DROP CONSTRAINT test_refuses_poison");
  txn.commit();
}

TEST(GroupCommit, OverloadAnswers503WithRetryAfterAndRecovers) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "busy@example.com"}});
  ingest::EventBatcher::Options batching;
  batching.max_inflight_batches = 1;
  batching.max_queued_events = 5;
  Replica replica(suite, batching);
  KeyLock lock(suite.database_url(), tenant.id, "blocker");
  nlohmann::json lookup = {{"email", "busy@example.com"}};
  auto blocker = std::async(std::launch::async, [&] {
    return ConcurrentHttpRequests(
        replica.port(), {EventCall(tenant.api_key, KeyedEvent(lookup, "blocker", "first"))});
  });
  ASSERT_TRUE(WaitFor([&] { return replica.batcher().inflight() == 1; }));
  double shed_before = Counter("aievents_ingest_shed_total");
  std::vector<HttpCall> calls;
  for (int i = 0; i < 12; ++i) {
    calls.push_back(EventCall(tenant.api_key, KeyedEvent(lookup, "load-" + std::to_string(i),
                                                         "load " + std::to_string(i))));
  }
  auto load =
      std::async(std::launch::async, [&] { return ConcurrentHttpRequests(replica.port(), calls); });
  // Five fit in the queue; the other seven are refused at once, while the queue is still full.
  ASSERT_TRUE(WaitFor([&] {
    return replica.batcher().queued() == 5 &&
           Counter("aievents_ingest_shed_total") - shed_before == 7;
  }));
  lock.Release();
  EXPECT_EQ(blocker.get()[0].status, 201);
  int created = 0, shed = 0;
  for (const HttpResult& result : load.get()) {
    if (result.status == 201) ++created;
    if (result.status == 503) {
      ++shed;
      EXPECT_EQ(result.Header("retry-after"), "1");
      EXPECT_EQ(result.Json()["error"]["code"], "UNAVAILABLE");
    }
  }
  EXPECT_EQ(created, 5);
  EXPECT_EQ(shed, 7);
  // The load is gone: the next request is served.
  HttpResult after = ConcurrentHttpRequests(
      replica.port(), {EventCall(tenant.api_key, KeyedEvent(lookup, "after", "after"))})[0];
  EXPECT_EQ(after.status, 201) << after.body;
  EXPECT_EQ(CountEvents(suite, tenant.id), 7);
}

TEST(GroupCommit, GatewayShutdownFinishesRequestsInFlight) {
  Suite& suite = SharedSuite();
  auto tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "drain@example.com"}});
  auto replica = std::make_unique<Replica>(suite, ingest::EventBatcher::Options{});
  // Every key is held: whichever event arrives first and leaves alone, none can be answered
  // before the shutdown below.
  std::vector<std::string> keys;
  for (int i = 0; i < 11; ++i) keys.push_back("drain-" + std::to_string(i));
  KeyLock lock(suite.database_url(), tenant.id, keys);
  std::vector<HttpCall> calls;
  for (int i = 0; i < 11; ++i) {
    calls.push_back(EventCall(
        tenant.api_key,
        KeyedEvent({{"email", "drain@example.com"}}, "drain-" + std::to_string(i), "in flight")));
  }
  double submitted_before = Counter("aievents_ingest_batched_events_total");
  auto in_flight = std::async(std::launch::async,
                              [&] { return ConcurrentHttpRequests(replica->port(), calls); });
  // Every request has reached ingest and waits on the lock.
  ASSERT_TRUE(WaitFor([&] {
    return Counter("aievents_ingest_batched_events_total") - submitted_before +
               replica->batcher().queued() ==
           11;
  }));
  int port = replica->port();
  auto stopped = std::async(std::launch::async, [&] { replica->gateway().Shutdown(); });
  ASSERT_TRUE(WaitFor([&] { return HttpRequestRefused(port); }));
  lock.Release();
  for (const HttpResult& result : in_flight.get()) {
    EXPECT_EQ(result.status, 201) << result.body;
    EXPECT_EQ(result.Header("connection"), "close");
  }
  EXPECT_EQ(stopped.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  EXPECT_EQ(CountEvents(suite, tenant.id), 11);
}

}  // namespace
}  // namespace aievents::testing
