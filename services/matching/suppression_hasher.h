// Keyed hashes of suppressed identifiers (docs/privacy.md): HMAC-SHA256 of "<kind>:<normalized
// value>" under the deployment's suppression key, in hex. The key is kept out of the database,
// so the suppressions table alone cannot be reversed by hashing every possible phone number.
// Changing the key makes every stored suppression unrecognisable: it is made once and kept.
#ifndef AIEVENTS_SERVICES_MATCHING_SUPPRESSION_HASHER_H_
#define AIEVENTS_SERVICES_MATCHING_SUPPRESSION_HASHER_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace aievents::matching {

class SuppressionHasher {
 public:
  // The key as base64 of at least 32 bytes, from `key_file` (its first line) or else `key`.
  // INVALID_ARGUMENT naming the setting when neither gives one.
  static absl::StatusOr<SuppressionHasher> Load(const std::string& key_file,
                                                const std::string& key);

  std::string Email(std::string_view normalized) const { return Hash("email", normalized); }
  std::string Phone(std::string_view e164) const { return Hash("phone", e164); }

 private:
  explicit SuppressionHasher(std::string key) : key_(std::move(key)) {}
  std::string Hash(std::string_view kind, std::string_view value) const;

  std::string key_;
};

}  // namespace aievents::matching

#endif  // AIEVENTS_SERVICES_MATCHING_SUPPRESSION_HASHER_H_
