// Timeline read benchmark: with 1,000,000 events stored (one customer holding 100,000 of them,
// 450,000 unmatched), how long does a page of 50 take at page 1 and at page 1,000, for a
// customer's timeline and for the unmatched queue? Measured end to end through a real
// TimelineService gRPC server (authentication, SQL, page tokens, serialization).
//
// Usage: timeline_bench --database-url=URI [--events=1000000] [--samples=1000]
// The database must be migrated and empty of benchmark data; bench/run-timeline-bench.sh makes
// a throwaway cluster for it. Prints numbers; asserts nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <pqxx/pqxx>
#include <vector>

#include "aievents/v1/timeline_service.grpc.pb.h"
#include "common/auth/scopes.h"
#include "common/runtime/config_source.h"
#include "common/runtime/log.h"
#include "grpcpp/create_channel.h"
#include "services/timeline/timeline_server.h"
#include "tools/admin/admin_commands.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Seeded {
  std::string tenant_id;
  std::string api_key;
  std::string customer_id;
};

Seeded Seed(const std::string& url, int events) {
  Seeded seeded;
  seeded.tenant_id = *aievents::admin::CreateTenant(url, "bench");
  seeded.api_key =
      aievents::admin::CreateApiKey(url, seeded.tenant_id, "bench", aievents::AllScopes())
          ->plaintext;
  pqxx::connection conn(url);
  auto start = Clock::now();
  {
    pqxx::work txn(conn);
    // 1,001 customers: the one under test, and 1,000 others sharing the other matched events.
    txn.exec_params(
        "INSERT INTO customers (tenant_id, id, email, email_normalized)"
        " SELECT $1, gen_random_uuid(), 'c' || g || '@bench.example', 'c' || g || '@bench.example'"
        " FROM generate_series(0, 1000) g",
        seeded.tenant_id);
    seeded.customer_id =
        txn.exec_params1(
               "SELECT id::text FROM customers WHERE tenant_id = $1 AND email = 'c0@bench.example'",
               seeded.tenant_id)[0]
            .as<std::string>();
    // 10% on the customer under test, 45% unmatched, 45% spread over the other customers.
    txn.exec_params(
        "WITH others AS (SELECT array_agg(id) AS ids FROM customers"
        "  WHERE tenant_id = $1 AND id <> $2::uuid)"
        " INSERT INTO ai_events (tenant_id, id, customer_id, match_method, matched_value,"
        "  event_type, source, summary, raw_payload, idempotency_key, occurred_at, received_at,"
        "  lookup_email, lookup_email_normalized)"
        " SELECT $1, gen_random_uuid(),"
        "  CASE WHEN g % 10 = 0 THEN $2::uuid WHEN g % 20 < 10 THEN NULL"
        "       ELSE others.ids[1 + g % 1000] END,"
        "  CASE WHEN g % 10 = 0 OR g % 20 >= 10 THEN 'email' ELSE 'none' END,"
        "  NULL,"
        "  (ARRAY['phone_call','sms','email','chat','note','review','other'])[1 + g % 7], 'bench',"
        "  'Benchmark event number ' || g, '{\"n\": ' || g || '}', 'bench-' || g,"
        "  timestamptz '2026-01-01' + (g % 500000) * interval '1 minute',"
        "  timestamptz '2026-01-01' + g * interval '10 millisecond',"
        "  'someone' || g || '@bench.example', 'someone' || g || '@bench.example'"
        " FROM generate_series(1, $3) g, others",
        seeded.tenant_id, seeded.customer_id, events);
    txn.commit();
  }
  pqxx::nontransaction analyze(conn);
  analyze.exec("VACUUM ANALYZE ai_events");
  analyze.exec("VACUUM ANALYZE customers");
  std::printf("seeded %d events in %.1f s\n", events,
              std::chrono::duration<double>(Clock::now() - start).count());
  return seeded;
}

struct Percentiles {
  double p50, p90, p99, max;
};

Percentiles Summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(q * ms.size()))];
  };
  return {at(0.50), at(0.90), at(0.99), ms.back()};
}

template <typename Request>
std::string TokenForPage(
    aievents::v1::TimelineService::Stub& stub, const std::string& key, Request request, int page,
    grpc::Status (aievents::v1::TimelineService::Stub::*call)(grpc::ClientContext*, const Request&,
                                                              aievents::v1::ListEventsResponse*)) {
  std::string token;
  for (int i = 1; i < page; ++i) {
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", key);
    request.set_page_token(token);
    aievents::v1::ListEventsResponse response;
    grpc::Status status = (stub.*call)(&context, request, &response);
    if (!status.ok()) {
      std::cerr << "paging failed: " << status.error_message() << "\n";
      std::exit(1);
    }
    token = response.next_page_token();
  }
  return token;
}

template <typename Request>
void Measure(const char* label, aievents::v1::TimelineService::Stub& stub, const std::string& key,
             Request request, int samples,
             grpc::Status (aievents::v1::TimelineService::Stub::*call)(
                 grpc::ClientContext*, const Request&, aievents::v1::ListEventsResponse*)) {
  std::vector<double> ms;
  size_t rows = 0;
  for (int i = 0; i < samples + 20; ++i) {  // the first 20 warm caches and connections
    grpc::ClientContext context;
    context.AddMetadata("x-api-key", key);
    aievents::v1::ListEventsResponse response;
    auto start = Clock::now();
    grpc::Status status = (stub.*call)(&context, request, &response);
    double elapsed = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (!status.ok()) {
      std::cerr << label << " failed: " << status.error_message() << "\n";
      std::exit(1);
    }
    rows = response.ai_events_size();
    if (i >= 20) ms.push_back(elapsed);
  }
  Percentiles p = Summarize(ms);
  std::printf("%-36s rows=%zu samples=%d  p50=%.2f ms  p90=%.2f ms  p99=%.2f ms  max=%.2f ms\n",
              label, rows, samples, p.p50, p.p90, p.p99, p.max);
}

}  // namespace

int main(int argc, char** argv) {
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc, argv);
  std::string url = source.RequiredString("database-url", "migrated PostgreSQL database");
  int events = source.Int("events", 1000000, 1000, 100000000, "events to seed");
  int samples = source.Int("samples", 1000, 10, 1000000, "timed requests per scenario");
  if (absl::Status status = source.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n";
    return 2;
  }
  aievents::log::SetMinLevel("warn");
  Seeded seeded = Seed(url, events);

  aievents::timeline::TimelineConfig config;
  config.service.database_url = url;
  config.service.grpc_address = "127.0.0.1:0";
  config.service.admin_port = -1;
  auto server = aievents::timeline::TimelineServer::Start(config);
  if (!server.ok()) {
    std::cerr << server.status() << "\n";
    return 1;
  }
  auto stub = aievents::v1::TimelineService::NewStub(grpc::CreateChannel(
      "127.0.0.1:" + std::to_string((*server)->grpc_port()), grpc::InsecureChannelCredentials()));
  using Stub = aievents::v1::TimelineService::Stub;

  aievents::v1::ListCustomerEventsRequest customer;
  customer.set_customer_id(seeded.customer_id);
  customer.set_page_size(50);
  Measure("customer timeline, page 1", *stub, seeded.api_key, customer, samples,
          &Stub::ListCustomerEvents);
  customer.set_page_token(
      TokenForPage(*stub, seeded.api_key, customer, 1000, &Stub::ListCustomerEvents));
  Measure("customer timeline, page 1000", *stub, seeded.api_key, customer, samples,
          &Stub::ListCustomerEvents);

  aievents::v1::ListEventsRequest unmatched;
  unmatched.set_matched(false);
  unmatched.set_page_size(50);
  Measure("unmatched queue, page 1", *stub, seeded.api_key, unmatched, samples, &Stub::ListEvents);
  unmatched.set_page_token(TokenForPage(*stub, seeded.api_key, unmatched, 1000, &Stub::ListEvents));
  Measure("unmatched queue, page 1000", *stub, seeded.api_key, unmatched, samples,
          &Stub::ListEvents);

  aievents::v1::ListCustomerEventsRequest filtered = customer;
  filtered.set_page_token("");
  filtered.set_event_type(aievents::v1::EVENT_TYPE_SMS);
  Measure("customer timeline, sms, page 1", *stub, seeded.api_key, filtered, samples,
          &Stub::ListCustomerEvents);
  filtered.set_page_token(
      TokenForPage(*stub, seeded.api_key, filtered, 200, &Stub::ListCustomerEvents));
  Measure("customer timeline, sms, page 200", *stub, seeded.api_key, filtered, samples,
          &Stub::ListCustomerEvents);
  filtered.set_page_token("");
  filtered.set_event_type(aievents::v1::EVENT_TYPE_ESCALATION);  // the customer has none
  Measure("customer timeline, absent type", *stub, seeded.api_key, filtered, samples,
          &Stub::ListCustomerEvents);
  aievents::v1::ListEventsRequest sourced = unmatched;
  sourced.set_page_token("");
  sourced.set_source("bench");
  Measure("unmatched queue, source filter", *stub, seeded.api_key, sourced, samples,
          &Stub::ListEvents);
  (*server)->Shutdown();
  return 0;
}
