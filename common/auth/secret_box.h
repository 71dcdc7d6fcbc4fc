// Encryption at rest for secrets the suite must read back (webhook signing secrets): AES-256-GCM
// through OpenSSL, with a key ring from the environment or a file. A sealed value is
// "aesgcm1:KEYID:BASE64(nonce | ciphertext | tag)", where KEYID names the key (the first 8 hex
// digits of its SHA-256), so the ring can hold old keys while values are re-sealed with the new
// one: rotation needs no downtime. Each value is bound to its row by associated data, so a
// ciphertext copied to another row does not open.
#ifndef AIEVENTS_COMMON_AUTH_SECRET_BOX_H_
#define AIEVENTS_COMMON_AUTH_SECRET_BOX_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace aievents {

class SecretBox {
 public:
  // `keys` are base64 of 32 bytes each; the first seals, all open. INVALID_ARGUMENT names a
  // key that is not base64 of 32 bytes, or an empty ring.
  static absl::StatusOr<SecretBox> FromBase64Keys(const std::vector<std::string>& keys);

  // The keys of a file (one base64 key per line, the sealing key first; blank lines and lines
  // starting with '#' are skipped) or, when `path` is empty, of `inline_keys` (comma-separated).
  static absl::StatusOr<SecretBox> Load(const std::string& path, const std::string& inline_keys);

  // A new random key, base64 (for set-up scripts and tests).
  static std::string NewBase64Key();

  std::string Seal(std::string_view plaintext, std::string_view associated_data) const;

  // The plaintext of a sealed value. A value that is not sealed (stored before encryption at
  // rest) is returned as it is. FAILED_PRECONDITION when its key is not in the ring;
  // DATA_LOSS when it does not open (tampered, or sealed for another row).
  absl::StatusOr<std::string> Open(std::string_view stored, std::string_view associated_data) const;

  // True when `stored` is plaintext or sealed with another key than the sealing one.
  bool NeedsResealing(std::string_view stored) const;

 private:
  struct Key {
    std::string id;     // 8 hex digits
    std::string bytes;  // 32
  };
  explicit SecretBox(std::vector<Key> keys) : keys_(std::move(keys)) {}

  std::vector<Key> keys_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_AUTH_SECRET_BOX_H_
