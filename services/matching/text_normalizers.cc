#include "services/matching/text_normalizers.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "common/text.h"

namespace aievents::matching {

std::string NormalizeEmail(std::string_view email) { return ToLowerAscii(TrimAscii(email)); }

std::string NormalizeNamePart(std::string_view name) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* folder = icu::Normalizer2::getNFKCCasefoldInstance(error);
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  icu::UnicodeString folded = U_SUCCESS(error) ? folder->normalize(text, error) : text;
  if (U_FAILURE(error)) folded = text.foldCase();
  // Collapse every run of Unicode white space to one ASCII space and trim the ends.
  icu::UnicodeString collapsed;
  bool pending_space = false;
  for (int32_t i = 0; i < folded.length();) {
    UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !collapsed.isEmpty();
      continue;
    }
    if (pending_space) collapsed.append(static_cast<UChar>(' '));
    pending_space = false;
    collapsed.append(c);
  }
  std::string out;
  collapsed.toUTF8String(out);
  return out;
}

std::string NormalizeFullName(std::string_view first_name, std::string_view last_name) {
  return NormalizeNamePart(first_name) + " " + NormalizeNamePart(last_name);
}

}  // namespace aievents::matching
