// The email and name normalizers matching compares with. The input is a first name and a last
// name on two lines (the whole input is also used as one text). Checks:
//  - every normalizer is idempotent: what matching stores, normalized once, compares equal
//    to itself normalized again;
//  - name parts and search text are valid UTF-8 with white space trimmed and collapsed;
//  - a full name is its two parts joined by one space.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/text/text.h"
#include "fuzz/fuzz_support.h"
#include "services/matching/text_normalizers.h"

namespace {

using namespace aievents::matching;

void CheckCollapsed(const std::string& text, const char* what) {
  FUZZ_CHECK(aievents::IsValidUtf8(text), std::string(what) + " is not UTF-8");
  FUZZ_CHECK(text.empty() || (text.front() != ' ' && text.back() != ' '),
             std::string(what) + " has space at an end: \"" + text + "\"");
  FUZZ_CHECK(text.find("  ") == std::string::npos,
             std::string(what) + " has a double space: \"" + text + "\"");
}

void CheckText(const std::string& text) {
  std::string email = NormalizeEmail(text);
  FUZZ_CHECK(NormalizeEmail(email) == email, "NormalizeEmail is not idempotent: " + email);
  std::string canonical = CanonicalEmail(email);
  FUZZ_CHECK(CanonicalEmail(canonical) == canonical,
             "CanonicalEmail is not idempotent: " + canonical);

  std::string name = NormalizeNamePart(text);
  CheckCollapsed(name, "NormalizeNamePart");
  std::string name_again = NormalizeNamePart(name);
  FUZZ_CHECK(name_again == name,
             "NormalizeNamePart is not idempotent: \"" + name + "\" -> \"" + name_again + "\"");

  std::string folded = FoldForSearch(text);
  CheckCollapsed(folded, "FoldForSearch");
  std::string folded_again = FoldForSearch(folded);
  FUZZ_CHECK(folded_again == folded,
             "FoldForSearch is not idempotent: \"" + folded + "\" -> \"" + folded_again + "\"");
  FUZZ_CHECK(FoldForSearch(name) == folded, "FoldForSearch of the normalized name differs");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string whole(reinterpret_cast<const char*>(data), size);
  aievents::fuzz::ByteReader input(data, size);
  std::string first = input.Line();
  std::string last = input.Rest();
  CheckText(whole);
  CheckText(first);
  FUZZ_CHECK(
      NormalizeFullName(first, last) == NormalizeNamePart(first) + " " + NormalizeNamePart(last),
      "NormalizeFullName is not its parts");
  return 0;
}
