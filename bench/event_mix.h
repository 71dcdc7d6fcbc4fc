// The event mix every ingestion benchmark sends (the same as bench/ingest/events.lua): 35%
// matched by email, 15% by phone, 10% by first + last name, 25% matching nobody, 15% replays of
// one of 200 keys. Customers are those bench/ingest/seed_customers.sql seeds.
#ifndef AIEVENTS_BENCH_EVENT_MIX_H_
#define AIEVENTS_BENCH_EVENT_MIX_H_

#include <cstdint>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace aievents::bench {

// One generated event: its customer lookup as a JSON object and its idempotency key.
struct MixedEvent {
  std::string lookup_json;
  std::string email, phone, first_name, last_name;  // the lookup's parts ("" when absent)
  std::string idempotency_key;
  int64_t number = 0;  // varies the summary
};

class EventMix {
 public:
  // `run` makes keys unique to this run; `customers` is the seeded count per tenant.
  EventMix(std::string run, int64_t customers, uint64_t seed)
      : run_(std::move(run)), customers_(customers), random_(seed) {}

  MixedEvent Next() {
    MixedEvent event;
    int64_t n = std::uniform_int_distribution<int64_t>(1, customers_)(random_);
    int pick = std::uniform_int_distribution<int>(1, 100)(random_);
    event.number = n;
    event.idempotency_key = absl::StrCat(run_, "-", ++counter_);
    if (pick <= 35) {
      event.email = absl::StrCat("Customer", n, "@Bench.example");
    } else if (pick <= 50) {
      event.phone = absl::StrFormat("+1 (555) %03d-%04d", n / 10000, n % 10000);
    } else if (pick <= 60) {
      event.first_name = "Bench";
      event.last_name = absl::StrCat("Person", n);
    } else if (pick <= 85) {
      event.email = absl::StrCat("nobody", n, "@nowhere.example");
    } else {
      int64_t k = std::uniform_int_distribution<int64_t>(1, 200)(random_);
      event.idempotency_key = absl::StrCat(run_, "-replay-", k);
      event.email = absl::StrCat("customer", k, "@bench.example");
    }
    if (!event.email.empty()) {
      event.lookup_json = absl::StrCat(R"({"email":")", event.email, R"("})");
    } else if (!event.phone.empty()) {
      event.lookup_json = absl::StrCat(R"({"phone":")", event.phone, R"("})");
    } else {
      event.lookup_json = absl::StrCat(R"({"first_name":")", event.first_name, R"(","last_name":")",
                                       event.last_name, R"("})");
    }
    return event;
  }

  // The CreateEvent JSON body for `event`.
  static std::string JsonBody(const MixedEvent& event) {
    return absl::StrCat(
        R"({"customer_lookup":)", event.lookup_json,
        R"(,"ai_event":{"event_type":"phone_call","source":"bench","summary":"Customer called about order #)",
        event.number,
        R"(.","raw_payload":"{\"duration\": 245, \"transcript\": \"Hi, I am calling about my order.\"}",)",
        R"("confidence":0.92,"source_eid":"call-)", event.idempotency_key,
        R"(","idempotency_key":")", event.idempotency_key,
        R"(","occurred_at":"2026-03-10T14:30:00Z"}})");
  }

 private:
  std::string run_;
  int64_t customers_;
  std::mt19937_64 random_;
  int64_t counter_ = 0;
};

}  // namespace aievents::bench

#endif  // AIEVENTS_BENCH_EVENT_MIX_H_
