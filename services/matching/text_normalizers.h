// Email and name normalization: the forms matching compares.
#ifndef AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_
#define AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_

#include <string>
#include <string_view>

namespace aievents::matching {

// Trimmed and lower-cased ("  Jane.Doe@Example.COM " -> "jane.doe@example.com"). Dots and
// "+tags" are kept: they are significant at most mail providers.
std::string NormalizeEmail(std::string_view email);

// The near-match form of a normalized email: dots and a "+tag" removed from the local part
// ("jane.doe+crm@example.com" -> "janedoe@example.com"). Used only to suggest candidates.
std::string CanonicalEmail(std::string_view normalized_email);

// One name part: trimmed, inner whitespace collapsed to one space, Unicode NFKC case-folded
// with ICU, so "JOSÉ", "José" and "Jose\u0301" compare equal.
std::string NormalizeNamePart(std::string_view name);

// Accent-free, case-folded text for similarity and substring search ("José  GARCÍA" ->
// "jose garcia"), so a person typing without accents still finds the customer. Never used for
// matching itself, where accents count.
std::string FoldForSearch(std::string_view text);

// "first last" of the normalized parts; what name matching compares.
std::string NormalizeFullName(std::string_view first_name, std::string_view last_name);

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_TEXT_NORMALIZERS_H_
