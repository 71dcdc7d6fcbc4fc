// The phone normalizer: the first byte picks the default region, the rest is the phone as a
// client or a vendor sent it. Checks, when it normalizes:
//  - the result looks like E.164: a '+' and nothing but digits after it;
//  - normalizing it again, in any default region, gives it back (what matching stores is
//    compared with what it normalizes later, so a second pass must not move it);
//  - its national number is what follows the country code.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.h"
#include "services/matching/phone_normalizer.h"

namespace {

using aievents::matching::PhoneNormalizer;

const std::vector<std::unique_ptr<PhoneNormalizer>>& Normalizers() {
  static const auto* normalizers = [] {
    auto* made = new std::vector<std::unique_ptr<PhoneNormalizer>>;
    for (const char* region : {"US", "DE", "GB", "AE", "IT", "FR", "IN", "BR", "AU", "JP"}) {
      made->push_back(*PhoneNormalizer::Create(region));
    }
    return made;
  }();
  return *normalizers;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  aievents::fuzz::ByteReader input(data, size);
  const auto& normalizers = Normalizers();
  const PhoneNormalizer& phones = *normalizers[input.Byte() % normalizers.size()];
  std::string phone = input.Rest();
  absl::StatusOr<std::string> e164 = phones.ToE164(phone);
  if (!e164.ok()) {
    FUZZ_CHECK(e164.status().code() == absl::StatusCode::kInvalidArgument,
               e164.status().ToString());
    return 0;
  }
  FUZZ_CHECK(e164->size() >= 2 && (*e164)[0] == '+' &&
                 e164->find_first_not_of("0123456789", 1) == std::string::npos,
             "not E.164: " + *e164);
  for (const auto& other : normalizers) {
    absl::StatusOr<std::string> again = other->ToE164(*e164);
    FUZZ_CHECK(again.ok() && *again == *e164,
               phones.default_region() + " normalizes \"" + phone + "\" to " + *e164 + ", which " +
                   other->default_region() + " normalizes to " +
                   (again.ok() ? *again : again.status().ToString()));
  }
  std::string national = phones.NationalNumber(*e164);
  FUZZ_CHECK(!national.empty() && e164->size() > national.size() &&
                 e164->compare(e164->size() - national.size(), national.size(), national) == 0,
             "national number " + national + " of " + *e164);
  return 0;
}
