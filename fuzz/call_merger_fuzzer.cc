// The call merger on contributions built from the input: a vendor byte, a count (1 to 6), the
// call id line, then per contribution a rank byte, an arrival byte (seconds; ties are
// common), a message id line and two bytes saying which fields follow, one line (or eight
// bytes for a time or a number) each. Text is made valid UTF-8 first, as the vendors' JSON
// guarantees, and an empty line is an absent field, as the mappers read fields. Checks:
//  - the event meets CheckCallEvent (limits, valid JSON payload, identity);
//  - it does not depend on the order the contributions come in (with distinct message ids);
//  - each field is the one of the richest stage that had it, and turns keep arrival order;
//  - CutText cuts to the limit at a character boundary.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/text/text.h"
#include "fuzz/call_event_checks.h"
#include "fuzz/fuzz_support.h"
#include "services/ingest/webhooks/call_merger.h"

namespace {

using aievents::fuzz::ByteReader;
using aievents::ingest::CallContribution;

// Any instant the vendors' RFC 3339 times can be (years 1900 to 9999 in UTC).
absl::Time VendorInstant(uint64_t bits) {
  constexpr int64_t kFirst = -2208988800LL * 1000000;  // 1900-01-01
  constexpr int64_t kEnd = 253402300800LL * 1000000;   // 10000-01-01
  return absl::FromUnixMicros(kFirst + static_cast<int64_t>(bits % (kEnd - kFirst)));
}

std::string Text(ByteReader& input) { return aievents::SanitizeUtf8(input.Line()); }

// A vendor field as the mappers read it (json_fields.h): absent rather than "".
std::optional<std::string> Field(ByteReader& input) {
  std::string text = Text(input);
  if (text.empty()) return std::nullopt;
  return text;
}

CallContribution ReadContribution(ByteReader& input, const std::string& call_id, size_t index) {
  CallContribution c;
  c.call_id = call_id;
  c.rank = input.Byte() % 4;
  c.received_at = absl::FromUnixSeconds(1775624400 + input.Byte() % 8);
  // The index keeps message ids distinct (redeliveries of one message are one delivery).
  c.message_id = absl::StrCat(Text(input), "/", index);
  c.delivery_id = absl::StrCat("delivery-", index);
  c.event_type = absl::StrCat("stage-", c.rank);
  uint32_t fields = input.Byte() | uint32_t{input.Byte()} << 8;
  auto has = [&](int bit) { return (fields >> bit & 1) != 0; };
  if (has(0)) c.channel = input.Byte() & 1 ? std::optional<std::string>("chat") : Field(input);
  if (has(1)) {
    c.direction = Field(input);
    if (c.direction) c.direction = aievents::ToLowerAscii(*c.direction);
  }
  if (has(2)) c.customer_phone = Field(input);
  if (has(3)) c.customer_email = Field(input);
  if (has(4)) c.first_name = Field(input);
  if (has(5)) c.last_name = Field(input);
  if (has(6)) c.started_at = VendorInstant(input.Uint64());
  if (has(7)) c.ended_at = VendorInstant(input.Uint64());
  if (has(8)) {
    // Whippy's duration is any number its JSON (or a numeric string: "1e300", "inf") says.
    uint64_t bits = input.Uint64();
    double seconds;
    std::memcpy(&seconds, &bits, sizeof seconds);
    c.duration_seconds = seconds;
  }
  if (has(9)) c.status = Field(input);
  if (has(10)) c.summary = Field(input);
  if (has(11)) c.sentiment = Field(input);
  if (has(12)) c.recording_url = Field(input);
  if (has(13)) c.confidence = input.Byte() / 255.0;  // the mappers keep only 0..1
  if (has(14)) {
    std::string text = Text(input);
    nlohmann::ordered_json analysis = nlohmann::ordered_json::parse(text, nullptr, false);
    if (analysis.is_discarded()) analysis = {{"note", text}};
    c.analysis = analysis;
  }
  if (has(15)) (input.Byte() & 1 ? c.transcript : c.turn) = Field(input);
  c.starts_call = c.rank == 1;
  c.ends_call = c.rank >= 2;
  return c;
}

auto Order(const CallContribution& c) { return std::tie(c.rank, c.received_at, c.message_id); }

// The value of `field` in the richest contribution that has it.
template <typename T>
std::optional<T> Richest(const std::vector<CallContribution>& all,
                         std::optional<T> CallContribution::*field) {
  const CallContribution* best = nullptr;
  for (const CallContribution& c : all) {
    if ((c.*field).has_value() && (best == nullptr || Order(*best) < Order(c))) best = &c;
  }
  return best == nullptr ? std::nullopt : best->*field;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace aievents::ingest;
  static constexpr aievents::v1::WebhookVendor kVendors[] = {aievents::v1::WEBHOOK_VENDOR_AGNTIX,
                                                             aievents::v1::WEBHOOK_VENDOR_WHIPPY,
                                                             aievents::v1::WEBHOOK_VENDOR_SIPGATE};
  ByteReader input(data, size);
  aievents::v1::WebhookVendor vendor = kVendors[input.Byte() % 3];
  size_t count = 1 + input.Byte() % 6;
  std::string call_id = Text(input);
  if (call_id.empty()) call_id = "call-1";
  std::vector<CallContribution> contributions;
  for (size_t i = 0; i < count; ++i) contributions.push_back(ReadContribution(input, call_id, i));

  MergedCall merged = MergeContributions(contributions);
  aievents::ValidatedEvent event = BuildCallEvent(vendor, merged);
  aievents::fuzz::CheckCallEvent(vendor, merged, event);

  std::vector<CallContribution> shuffled(contributions.rbegin(), contributions.rend());
  std::rotate(shuffled.begin(), shuffled.begin() + input.Byte() % count, shuffled.end());
  FUZZ_CHECK(aievents::fuzz::Describe(BuildCallEvent(vendor, MergeContributions(shuffled))) ==
                 aievents::fuzz::Describe(event),
             "the event depends on the order of the deliveries");

  const CallContribution& m = merged.fields;
  FUZZ_CHECK(m.summary == Richest(contributions, &CallContribution::summary), "summary");
  FUZZ_CHECK(m.customer_phone == Richest(contributions, &CallContribution::customer_phone),
             "customer_phone");
  FUZZ_CHECK(m.started_at == Richest(contributions, &CallContribution::started_at), "started_at");
  FUZZ_CHECK(m.analysis == Richest(contributions, &CallContribution::analysis), "analysis");
  std::vector<const CallContribution*> turns;
  for (const CallContribution& c : contributions) {
    if (c.turn) turns.push_back(&c);
  }
  std::sort(turns.begin(), turns.end(), [](const auto* a, const auto* b) {
    return std::tie(a->received_at, a->message_id) < std::tie(b->received_at, b->message_id);
  });
  FUZZ_CHECK(merged.turns.size() == turns.size(), "turns lost");
  for (size_t i = 0; i < turns.size(); ++i) {
    FUZZ_CHECK(merged.turns[i] == *turns[i]->turn, "turns out of arrival order");
  }

  std::string text = m.transcript.value_or(call_id);
  size_t limit = input.Byte();
  std::string cut = CutText(text, limit);
  FUZZ_CHECK(aievents::Utf8Length(cut) <= limit && aievents::IsValidUtf8(cut),
             absl::StrCat("CutText to ", limit, " gave ", aievents::Utf8Length(cut)));
  FUZZ_CHECK(aievents::Utf8Length(text) > limit || cut == text, "CutText cut what fit");
  return 0;
}
