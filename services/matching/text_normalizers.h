// Email and name normalization: the forms matching compares.
#ifndef AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_
#define AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_

#include <string>
#include <string_view>

namespace aievents::matching {

// Trimmed and lower-cased ("  Jane.Doe@Example.COM " -> "jane.doe@example.com"). Dots and
// "+tags" are kept: they are significant at most mail providers.
std::string NormalizeEmail(std::string_view email);

// One name part: trimmed, inner whitespace collapsed to one space, Unicode NFKC case-folded
// with ICU, so "JOSÉ", "José" and "Jose\u0301" compare equal.
std::string NormalizeNamePart(std::string_view name);

// "first last" of the normalized parts; what name matching compares.
std::string NormalizeFullName(std::string_view first_name, std::string_view last_name);

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_
