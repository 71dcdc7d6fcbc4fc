#include "common/auth/api_key.h"

#include <zlib.h>

#include <cstdint>

#include "common/text/crypto.h"
#include "common/text/text.h"

namespace aievents {
namespace {

constexpr std::string_view kPrefix = "aiev_";
constexpr size_t kRandomChars = 43;   // 62^43 > 2^256
constexpr size_t kChecksumChars = 6;  // 62^6 > 2^32
constexpr size_t kKeyLength = kPrefix.size() + kRandomChars + kChecksumChars;
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

bool IsBase62(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Uniform base62 characters from random bytes: bytes of 248 and above are dropped, so every
// character is equally likely (248 = 4 * 62).
std::string RandomBase62(size_t count) {
  std::string out;
  while (out.size() < count) {
    for (unsigned char byte : RandomBytes(count * 2)) {
      if (byte < 248 && out.size() < count) out.push_back(kBase62[byte % 62]);
    }
  }
  return out;
}

std::string Checksum(std::string_view body) {
  uint32_t crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  std::string out(kChecksumChars, '0');
  for (size_t i = kChecksumChars; i-- > 0;) {
    out[i] = kBase62[crc % 62];
    crc /= 62;
  }
  return out;
}

bool InCurrentFormat(std::string_view key) {
  if (key.size() != kKeyLength || key.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : key.substr(kPrefix.size())) {
    if (!IsBase62(c)) return false;
  }
  return true;
}

}  // namespace

GeneratedApiKey GenerateApiKey() {
  std::string body = RandomBase62(kRandomChars);
  GeneratedApiKey key;
  key.plaintext = std::string(kPrefix) + body + Checksum(body);
  key.hash = HashApiKey(key.plaintext);
  key.prefix = ApiKeyPrefix(key.plaintext);
  return key;
}

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

bool IsWellFormedApiKey(std::string_view key) {
  if (!InCurrentFormat(key)) return false;
  std::string_view body = key.substr(kPrefix.size(), kRandomChars);
  return key.substr(kPrefix.size() + kRandomChars) == Checksum(body);
}

bool ApiKeyChecksumPlausible(std::string_view key) {
  return !InCurrentFormat(key) || IsWellFormedApiKey(key);
}

std::string ApiKeyPrefix(std::string_view key) { return std::string(key.substr(0, 12)); }

std::optional<std::string> ExtractApiKey(std::string_view x_api_key,
                                         std::string_view authorization) {
  x_api_key = TrimAscii(x_api_key);
  if (!x_api_key.empty()) return std::string(x_api_key);
  authorization = TrimAscii(authorization);
  if (authorization.size() > 7 && StartsWithIgnoreCase(authorization, "bearer ")) {
    std::string_view token = TrimAscii(authorization.substr(7));
    if (!token.empty()) return std::string(token);
  }
  return std::nullopt;
}

}  // namespace aievents
