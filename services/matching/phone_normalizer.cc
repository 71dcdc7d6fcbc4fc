#include "services/matching/phone_normalizer.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/text/text.h"

namespace aievents::matching {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

std::string DigitsOnly(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  return digits;
}

// `number` in E.164, or "" when that text would parse as another number: libphonenumber reads
// some national forms with leading zeros ("00000000" in AU) as a number whose E.164 text it
// then reads differently, and a stored phone must normalize to itself to ever match again.
std::string StableE164(const PhoneNumberUtil& util, const PhoneNumber& number) {
  std::string e164, again;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  PhoneNumber reparsed;
  if (util.Parse(e164, "ZZ", &reparsed) != PhoneNumberUtil::NO_PARSING_ERROR) return "";
  util.Format(reparsed, PhoneNumberUtil::E164, &again);
  return again == e164 ? e164 : "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<PhoneNormalizer>> PhoneNormalizer::Create(
    std::string default_region) {
  default_region = absl::AsciiStrToUpper(default_region);
  const auto& regions = [] {
    std::set<std::string> supported;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&supported);
    return supported;
  }();
  if (!regions.contains(default_region)) {
    return absl::InvalidArgumentError(
        absl::StrCat("default phone region '", default_region,
                     "' is not an ISO 3166 region libphonenumber knows"));
  }
  return std::unique_ptr<PhoneNormalizer>(new PhoneNormalizer(std::move(default_region)));
}

absl::StatusOr<std::string> PhoneNormalizer::ToE164(std::string_view phone) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string text(TrimAscii(phone));
  PhoneNumber national;
  bool parsed = util.Parse(text, default_region_, &national) == PhoneNumberUtil::NO_PARSING_ERROR;
  if (!text.empty() && text[0] != '+' && !(parsed && util.IsValidNumber(national))) {
    PhoneNumber international;
    if (util.Parse("+" + DigitsOnly(text), "ZZ", &international) ==
            PhoneNumberUtil::NO_PARSING_ERROR &&
        util.IsValidNumber(international)) {
      std::string e164 = StableE164(util, international);
      if (!e164.empty()) return e164;
    }
  }
  std::string e164 = parsed ? StableE164(util, national) : "";
  if (e164.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "is not a phone number libphonenumber can parse (default region ", default_region_, ")"));
  }
  return e164;
}

std::string PhoneNormalizer::NationalNumber(std::string_view e164) const {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return DigitsOnly(e164);
  }
  std::string national;
  util.GetNationalSignificantNumber(number, &national);
  return national;
}

}  // namespace aievents::matching
