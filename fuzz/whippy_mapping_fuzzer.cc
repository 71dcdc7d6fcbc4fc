// The Whippy mapper (call.started, call.ended and call.analyzed in an envelope whose data.id
// is the call): identification, mapping and the call's AI event, with the checks of
// fuzz/vendor_fuzzing.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/vendor_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The event types the mapper knows, and one it ignores.
  static const std::vector<std::string> kEventTypes = {"call.started", "call.ended",
                                                       "call.analyzed", "message.created"};
  aievents::fuzz::FuzzVendorDelivery(aievents::v1::WEBHOOK_VENDOR_WHIPPY, kEventTypes, data, size);
  return 0;
}
