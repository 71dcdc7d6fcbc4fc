// The Agntix mapper (session.created and session.ended, signed through Svix, so the header
// block may carry webhook-id/svix-id): identification, mapping and the call's AI event, with
// the checks of fuzz/vendor_fuzzing.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/vendor_fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The event types the mapper knows, and one it ignores.
  static const std::vector<std::string> kEventTypes = {"session.created", "session.ended",
                                                       "session.updated"};
  aievents::fuzz::FuzzVendorDelivery(aievents::v1::WEBHOOK_VENDOR_AGNTIX, kEventTypes, data, size);
  return 0;
}
