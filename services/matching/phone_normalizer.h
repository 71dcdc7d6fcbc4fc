// Phone numbers to E.164 with libphonenumber, so "+1 (555) 867-5309", "555-867-5309" (default
// region US) and "15558675309" all become "+15558675309".
#ifndef AIEVENTS_SERVICES_MATCHING_PHONE_NORMALIZER_H_
#define AIEVENTS_SERVICES_MATCHING_PHONE_NORMALIZER_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace aievents::matching {

class PhoneNormalizer {
 public:
  // `default_region` is the ISO 3166 code ("US", "DE") used for numbers without a country code.
  static absl::StatusOr<std::unique_ptr<PhoneNormalizer>> Create(std::string default_region);

  // E.164 form of `phone`, or INVALID_ARGUMENT naming the rule. Numbers are not required to be
  // "valid" (assigned) numbers: 555 numbers normalize too. Digits without a leading '+' that do
  // not form a valid number in the default region are tried again as international
  // ("4915112345678" -> "+4915112345678"), because vendors such as sipgate send them that way.
  absl::StatusOr<std::string> ToE164(std::string_view phone) const;

  // The national significant number ("5558675309" for "+15558675309"); for near matches.
  std::string NationalNumber(std::string_view e164) const;

  const std::string& default_region() const { return default_region_; }

 private:
  explicit PhoneNormalizer(std::string default_region)
      : default_region_(std::move(default_region)) {}

  std::string default_region_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_PHONE_NORMALIZER_H_
