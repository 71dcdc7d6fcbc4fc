#include "services/ingest/webhooks/call_merger.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/text/rfc3339.h"
#include "common/text/text.h"

namespace aievents::ingest {
namespace {

constexpr size_t kSummaryChars = 500;
constexpr size_t kPayloadChars = 5000;

template <typename T>
void Take(std::optional<T>& into, const std::optional<T>& from) {
  if (from.has_value()) into = from;
}

size_t JsonChars(const nlohmann::ordered_json& json) { return Utf8Length(json.dump()); }

// The compact payload, shrunk until it fits: the transcript first (cut from its end), then the
// analysis, then the delivery list. Always valid JSON, because it is always dumped whole.
std::string BuildPayload(v1::WebhookVendor vendor, const MergedCall& call) {
  const CallContribution& f = call.fields;
  nlohmann::ordered_json payload = {{"vendor", VendorName(vendor)}, {"call_id", f.call_id}};
  if (f.channel) payload["channel"] = *f.channel;
  if (f.direction) payload["direction"] = *f.direction;
  if (f.status) payload["status"] = *f.status;
  if (f.started_at) payload["started_at"] = FormatRfc3339(*f.started_at);
  if (f.ended_at) payload["ended_at"] = FormatRfc3339(*f.ended_at);
  if (f.duration_seconds) payload["duration_seconds"] = std::round(*f.duration_seconds * 10) / 10;
  if (f.customer_phone) payload["customer_phone"] = *f.customer_phone;
  if (f.sentiment) payload["sentiment"] = *f.sentiment;
  if (f.recording_url) payload["recording_url"] = *f.recording_url;
  if (f.summary && Utf8Length(*f.summary) > kSummaryChars) payload["summary"] = *f.summary;
  if (f.analysis) payload["analysis"] = *f.analysis;
  std::string transcript = f.transcript.value_or(absl::StrJoin(call.turns, "\n"));
  if (!transcript.empty()) payload["transcript"] = transcript;
  payload["deliveries"] = call.deliveries;
  if (JsonChars(payload) <= kPayloadChars) return payload.dump();
  if (payload.contains("transcript")) {
    size_t excess = JsonChars(payload) - kPayloadChars;
    size_t length = Utf8Length(transcript);
    // Escaping can make the JSON longer than the text; cut a little more until it fits.
    for (size_t keep = length > excess + 16 ? length - excess - 16 : 0;; keep = keep * 3 / 4) {
      payload["transcript"] = CutText(transcript, keep);
      payload["transcript_truncated"] = true;
      if (JsonChars(payload) <= kPayloadChars || keep == 0) break;
    }
  }
  for (const char* field : {"analysis", "summary", "deliveries", "transcript"}) {
    if (JsonChars(payload) <= kPayloadChars) break;
    payload.erase(field);
  }
  // The other vendor texts (status, URL, phone...) have no limits of their own: as a last
  // resort only what identifies the call is kept.
  if (JsonChars(payload) > kPayloadChars) {
    payload = {{"vendor", VendorName(vendor)},
               {"call_id", CutText(f.call_id, kMaxReferenceChars)},
               {"truncated", true}};
  }
  return payload.dump();
}

}  // namespace

std::string FormatDuration(double seconds) {
  // The duration is the vendor's number (Whippy's "1e308" too): NaN counts as 0, and what
  // lround cannot hold is capped.
  long total = std::lround(seconds > 0 ? std::min(seconds, 1e12) : 0.0);
  long hours = total / 3600, minutes = total % 3600 / 60, secs = total % 60;
  if (hours > 0) return absl::StrCat(hours, " h ", minutes, " min");
  if (minutes > 0) return absl::StrCat(minutes, " min ", secs, " s");
  return absl::StrCat(secs, " s");
}

std::string CutText(const std::string& text, size_t max_chars) {
  if (Utf8Length(text) <= max_chars) return text;
  if (max_chars == 0) return "";
  return std::string(Utf8Prefix(text, max_chars - 1)) + "\xE2\x80\xA6";  // …
}

std::string StorableText(const std::string& text, size_t max_chars) {
  return CutText(absl::StrReplaceAll(text, {{absl::string_view("\0", 1), ""}}), max_chars);
}

MergedCall MergeContributions(std::vector<CallContribution> contributions) {
  std::sort(contributions.begin(), contributions.end(), [](const auto& a, const auto& b) {
    return std::tie(a.rank, a.received_at, a.message_id) <
           std::tie(b.rank, b.received_at, b.message_id);
  });
  MergedCall merged;
  CallContribution& m = merged.fields;
  // Turns keep arrival order: the vendor numbers nothing, so arrival is all there is.
  std::vector<const CallContribution*> by_arrival;
  for (const CallContribution& c : contributions) {
    if (m.call_id.empty()) m.call_id = c.call_id;
    Take(m.channel, c.channel);
    Take(m.direction, c.direction);
    Take(m.customer_phone, c.customer_phone);
    Take(m.customer_email, c.customer_email);
    Take(m.first_name, c.first_name);
    Take(m.last_name, c.last_name);
    Take(m.customer_id, c.customer_id);
    Take(m.started_at, c.started_at);
    Take(m.ended_at, c.ended_at);
    Take(m.duration_seconds, c.duration_seconds);
    Take(m.status, c.status);
    Take(m.summary, c.summary);
    Take(m.sentiment, c.sentiment);
    Take(m.recording_url, c.recording_url);
    Take(m.confidence, c.confidence);
    Take(m.analysis, c.analysis);
    Take(m.transcript, c.transcript);
    merged.started = merged.started || c.starts_call;
    merged.ended = merged.ended || c.ends_call;
    merged.first_received = std::min(merged.first_received, c.received_at);
    merged.deliveries.push_back({{"id", c.delivery_id}, {"type", c.event_type}});
    if (c.turn) by_arrival.push_back(&c);
  }
  std::sort(by_arrival.begin(), by_arrival.end(), [](const auto* a, const auto* b) {
    return std::tie(a->received_at, a->message_id) < std::tie(b->received_at, b->message_id);
  });
  for (const CallContribution* c : by_arrival) merged.turns.push_back(*c->turn);
  if (!m.duration_seconds && m.started_at && m.ended_at) {
    m.duration_seconds = absl::ToDoubleSeconds(*m.ended_at - *m.started_at);
  }
  return merged;
}

ValidatedEvent BuildCallEvent(v1::WebhookVendor vendor, const MergedCall& call) {
  const CallContribution& f = call.fields;
  ValidatedEvent event;
  if (f.customer_phone) event.lookup.set_phone(*f.customer_phone);
  if (f.customer_email) event.lookup.set_email(*f.customer_email);
  if (f.first_name) event.lookup.set_first_name(*f.first_name);
  if (f.last_name) event.lookup.set_last_name(*f.last_name);
  if (f.customer_id) event.lookup.set_customer_id(*f.customer_id);
  bool chat = f.channel == "chat";
  event.event_type = chat ? v1::EVENT_TYPE_CHAT : v1::EVENT_TYPE_PHONE_CALL;
  event.source = VendorName(vendor);
  event.source_eid = f.call_id;
  event.idempotency_key = CallKey(vendor, f.call_id);
  event.occurred_at = f.started_at.value_or(call.first_received);
  event.confidence = f.confidence;
  // A vendor's blank summary (" ", or only NULs) is none: the made-up line replaces it.
  std::string summary = f.summary ? StorableText(*f.summary, kSummaryChars) : "";
  if (!TrimAscii(summary).empty()) {
    event.summary = summary;
  } else {
    std::string line = f.direction == "inbound"    ? "Inbound AI "
                       : f.direction == "outbound" ? "Outbound AI "
                                                   : "AI ";
    absl::StrAppend(&line, chat ? "chat" : "call");
    if (f.duration_seconds) absl::StrAppend(&line, ", ", FormatDuration(*f.duration_seconds));
    if (!call.ended) absl::StrAppend(&line, " (in progress)");
    event.summary = line;
  }
  event.raw_payload = BuildPayload(vendor, call);
  return event;
}

}  // namespace aievents::ingest
