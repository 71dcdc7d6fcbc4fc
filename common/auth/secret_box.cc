#include "common/auth/secret_box.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/text/base64.h"
#include "common/text/crypto.h"
#include "common/text/text.h"

namespace aievents {
namespace {

constexpr std::string_view kPrefix = "aesgcm1:";
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext NewContext() { return CipherContext(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free); }

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The key id and the base64 payload of a sealed value, or false.
bool Split(std::string_view stored, std::string_view& id, std::string_view& payload) {
  if (stored.substr(0, kPrefix.size()) != kPrefix) return false;
  std::string_view rest = stored.substr(kPrefix.size());
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return false;
  id = rest.substr(0, colon);
  payload = rest.substr(colon + 1);
  return true;
}

}  // namespace

absl::StatusOr<SecretBox> SecretBox::FromBase64Keys(const std::vector<std::string>& keys) {
  std::vector<Key> ring;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::optional<std::string> bytes = Base64Decode(TrimAscii(keys[i]));
    if (!bytes.has_value() || bytes->size() != kKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("secrets key ", i + 1, " must be base64 of 32 random bytes"));
    }
    ring.push_back({Sha256Hex(*bytes).substr(0, 8), *bytes});
  }
  if (ring.empty()) return absl::InvalidArgumentError("no secrets key given");
  return SecretBox(std::move(ring));
}

absl::StatusOr<SecretBox> SecretBox::Load(const std::string& path, const std::string& inline_keys) {
  std::vector<std::string> keys;
  if (!path.empty()) {
    std::ifstream file(path);
    if (!file)
      return absl::InvalidArgumentError(absl::StrCat("cannot read secrets key file ", path));
    std::string line;
    while (std::getline(file, line)) {
      std::string_view trimmed = TrimAscii(line);
      if (!trimmed.empty() && trimmed[0] != '#') keys.emplace_back(trimmed);
    }
  } else {
    for (absl::string_view key : absl::StrSplit(inline_keys, ',', absl::SkipWhitespace())) {
      keys.emplace_back(key);
    }
  }
  return FromBase64Keys(keys);
}

std::string SecretBox::NewBase64Key() { return Base64Encode(RandomBytes(kKeyBytes)); }

std::string SecretBox::Seal(std::string_view plaintext, std::string_view associated_data) const {
  const Key& key = keys_.front();
  std::string nonce = RandomBytes(kNonceBytes);
  std::string out(plaintext.size(), '\0');
  std::string tag(kTagBytes, '\0');
  CipherContext context = NewContext();
  int length = 0;
  unsigned char final_block[16];  // GCM writes nothing at the end; the call still needs room
  // Failures here mean a broken OpenSSL: nothing sensible can be stored, so stop.
  if (!context ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(context.get(), nullptr, nullptr, Bytes(key.bytes), Bytes(nonce)) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                        Bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), final_block, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) != 1) {
    std::abort();
  }
  return std::string(kPrefix) + key.id + ":" + Base64Encode(nonce + out + tag);
}

absl::StatusOr<std::string> SecretBox::Open(std::string_view stored,
                                            std::string_view associated_data) const {
  std::string_view id, payload;
  if (!Split(stored, id, payload)) return std::string(stored);  // stored before encryption
  const Key* key = nullptr;
  for (const Key& candidate : keys_) {
    if (candidate.id == id) key = &candidate;
  }
  if (key == nullptr) {
    return absl::FailedPreconditionError("secret sealed with key " + std::string(id) +
                                         ", which the key ring does not hold");
  }
  std::optional<std::string> raw = Base64Decode(payload);
  if (!raw.has_value() || raw->size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("sealed secret is damaged");
  }
  std::string_view nonce = std::string_view(*raw).substr(0, kNonceBytes);
  std::string_view ciphertext =
      std::string_view(*raw).substr(kNonceBytes, raw->size() - kNonceBytes - kTagBytes);
  std::string tag = raw->substr(raw->size() - kTagBytes);
  std::string out(ciphertext.size(), '\0');
  CipherContext context = NewContext();
  int length = 0;
  unsigned char final_block[16];
  bool opened =
      context &&
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, Bytes(key->bytes), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) == 1 &&
      EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                        Bytes(ciphertext), static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(context.get(), final_block, &length) == 1;
  if (!opened) return absl::DataLossError("sealed secret does not open (tampered or misplaced)");
  return out;
}

bool SecretBox::NeedsResealing(std::string_view stored) const {
  std::string_view id, payload;
  return !Split(stored, id, payload) || id != keys_.front().id;
}

}  // namespace aievents
