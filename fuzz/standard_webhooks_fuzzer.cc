// The Standard Webhooks verifier on a delivery written as HTTP: header lines ("name: value",
// names lower-cased as the receiver passes them) up to an empty line, then the body. Verified
// at the specification's test time with its test secret and a second one (a rotation).
// Checks:
//  - the answer is OK or UNAUTHENTICATED, nothing else;
//  - OK only when a signature in the header is the HMAC of this id, timestamp and body under
//    one of the keys (recomputed here), with the timestamp within the tolerance;
//  - as a property of signing: a signature made here with a known secret over the delivery's
//    own id, timestamp and body verifies (under webhook-* and svix-* names), and stops
//    verifying when the body, the id or the key changes;
//  - a "whsec_" secret decodes back to the key it was made from.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "common/auth/standard_webhooks.h"
#include "common/text/base64.h"
#include "common/text/text.h"
#include "fuzz/fuzz_support.h"

namespace {

using aievents::DecodeSigningSecret;
using aievents::SignStandardWebhook;
using aievents::VerifyStandardWebhook;

constexpr char kSpecSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kSpecTime = 1614265330;

std::string Header(const std::map<std::string, std::string>& headers, const std::string& name) {
  if (auto it = headers.find("webhook-" + name); it != headers.end()) return it->second;
  if (auto it = headers.find("svix-" + name); it != headers.end()) return it->second;
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<std::string> keys = {*DecodeSigningSecret(kSpecSecret),
                                                *DecodeSigningSecret(std::string(32, 'B'))};
  aievents::fuzz::ByteReader input(data, size);
  std::map<std::string, std::string> headers;
  while (!input.empty()) {
    std::string line = input.Line();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    headers[aievents::ToLowerAscii(line.substr(0, colon))] =
        std::string(aievents::TrimAscii(std::string_view(line).substr(colon + 1)));
  }
  std::string body = input.Rest();
  const absl::Time now = absl::FromUnixSeconds(kSpecTime);

  absl::Status verified = VerifyStandardWebhook(headers, body, keys, now);
  FUZZ_CHECK(verified.ok() || verified.code() == absl::StatusCode::kUnauthenticated,
             verified.ToString());
  std::string id = Header(headers, "id");
  std::string timestamp = Header(headers, "timestamp");
  if (verified.ok()) {
    int64_t seconds = 0;
    FUZZ_CHECK(absl::SimpleAtoi(timestamp, &seconds) &&
                   absl::AbsDuration(now - absl::FromUnixSeconds(seconds)) <=
                       aievents::kSignatureTolerance,
               "accepted timestamp " + timestamp);
    bool signed_here = false;
    for (absl::string_view candidate : absl::StrSplit(Header(headers, "signature"), ' ')) {
      for (const std::string& key : keys) {
        signed_here =
            signed_here || std::string(candidate) == SignStandardWebhook(key, id, timestamp, body);
      }
    }
    FUZZ_CHECK(signed_here,
               "accepted without a matching signature: " + Header(headers, "signature"));
  }

  // Signing: the delivery's own id and timestamp (or stand-ins), signed with a key made from
  // the body's first bytes, among a rotation's signatures.
  if (id.empty()) id = "msg_fuzz";
  int64_t seconds = 0;
  if (!absl::SimpleAtoi(timestamp, &seconds)) {
    seconds = kSpecTime;
    timestamp = std::to_string(kSpecTime);
  }
  std::string key = body.substr(0, 32);
  key.resize(std::max<size_t>(key.size(), 16), 'k');
  auto decoded = DecodeSigningSecret("whsec_" + aievents::Base64Encode(key));
  FUZZ_CHECK(decoded.ok() && *decoded == key, "a whsec_ secret did not decode to its key");

  std::string signature = SignStandardWebhook(key, id, timestamp, body);
  const absl::Time sent = absl::FromUnixSeconds(seconds);
  std::map<std::string, std::string> good = {{"webhook-id", id},
                                             {"webhook-timestamp", timestamp},
                                             {"webhook-signature", "v1,c3RhbGU= " + signature}};
  absl::Status own = VerifyStandardWebhook(good, body, {keys[1], key}, sent);
  FUZZ_CHECK(own.ok(), "a fresh signature is refused: " + own.ToString());
  std::map<std::string, std::string> svix = {
      {"svix-id", id}, {"svix-timestamp", timestamp}, {"svix-signature", signature}};
  FUZZ_CHECK(VerifyStandardWebhook(svix, body, {key}, sent).ok(), "refused under svix-* names");
  FUZZ_CHECK(!VerifyStandardWebhook(good, body + "x", {key}, sent).ok(), "a changed body verifies");
  std::map<std::string, std::string> other_id = good;
  other_id["webhook-id"] = id + "x";
  FUZZ_CHECK(!VerifyStandardWebhook(other_id, body, {key}, sent).ok(), "another id verifies");
  if (key != keys[1]) {
    FUZZ_CHECK(!VerifyStandardWebhook(good, body, {keys[1]}, sent).ok(), "another key verifies");
  }
  return 0;
}
