// The sipgate AI Flow mapper (session_start, turns, session_end, and sms_failed as a
// standalone event): identification, mapping and the AI event, with the checks of
// fuzz/vendor_fuzzing.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/vendor_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The event types the mapper knows, and one it ignores.
  static const std::vector<std::string> kEventTypes = {
      "session_start", "user_speak", "assistant_speak",   "dtmf_received",
      "session_end",   "sms_failed", "user_input_timeout"};
  aievents::fuzz::FuzzVendorDelivery(aievents::v1::WEBHOOK_VENDOR_SIPGATE, kEventTypes, data, size);
  return 0;
}
