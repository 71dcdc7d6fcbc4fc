#include "services/matching/text_normalizers.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>

#include "common/text/text.h"

namespace aievents::matching {

std::string NormalizeEmail(std::string_view email) { return ToLowerAscii(TrimAscii(email)); }

std::string CanonicalEmail(std::string_view normalized_email) {
  size_t at = normalized_email.rfind('@');
  if (at == std::string_view::npos) return std::string(normalized_email);
  std::string_view local = normalized_email.substr(0, at);
  local = local.substr(0, local.find('+'));
  std::string canonical;
  for (char c : local) {
    if (c != '.') canonical.push_back(c);
  }
  canonical.append(normalized_email.substr(at));
  return canonical;
}

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

std::string FoldForSearch(std::string_view text) {
  // Transliterators are not safe to share between threads; one per thread, built once.
  thread_local std::unique_ptr<icu::Transliterator> strip_accents = [] {
    UErrorCode error = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> transliterator(icu::Transliterator::createInstance(
        "NFD; [:Nonspacing Mark:] Remove; NFC", UTRANS_FORWARD, error));
    return U_SUCCESS(error) ? std::move(transliterator) : nullptr;
  }();
  std::string folded = NormalizeNamePart(text);
  if (strip_accents == nullptr) return folded;
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(folded.data(), static_cast<int32_t>(folded.size())));
  strip_accents->transliterate(unicode);
  std::string out;
  unicode.toUTF8String(out);
  // Removing marks can leave a space at an end or two in a row (U+0384 GREEK TONOS folds to a
  // space and a combining accent), so white space is collapsed once more.
  return NormalizeNamePart(out);
}

std::string NormalizeFullName(std::string_view first_name, std::string_view last_name) {
  return NormalizeNamePart(first_name) + " " + NormalizeNamePart(last_name);
}

}  // namespace aievents::matching
