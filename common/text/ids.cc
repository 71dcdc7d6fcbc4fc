#include "common/text/ids.h"

#include <cctype>
#include <chrono>
#include <cstdint>

#include "absl/random/random.h"
#include "common/text/crypto.h"

namespace aievents {

std::string NewUuidV7() {
  // Ids need uniqueness, not secrecy: a per-thread generator seeded from the OS is enough, and
  // unlike the OpenSSL generator (kept for keys and tokens) it takes no lock.
  thread_local absl::BitGen random;
  std::string bytes(16, '\0');
  for (char& byte : bytes) byte = static_cast<char>(absl::Uniform<uint8_t>(random));
  uint64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<char>((millis >> (8 * (5 - i))) & 0xff);
  bytes[6] = static_cast<char>((bytes[6] & 0x0f) | 0x70);  // version 7
  bytes[8] = static_cast<char>((bytes[8] & 0x3f) | 0x80);  // RFC 4122 variant
  std::string hex = HexEncode(bytes);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

std::string RequestIdOrNew(std::string_view given) {
  bool usable = !given.empty() && given.size() <= 128;
  for (char c : given) usable = usable && c >= 0x21 && c <= 0x7e;
  return usable ? std::string(given) : NewUuidV7();
}

}  // namespace aievents
