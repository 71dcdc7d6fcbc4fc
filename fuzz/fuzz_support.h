// What the fuzz targets share: a property check that stops the run (so libFuzzer keeps the
// input and the replay test fails on it), and a reader that cuts the fuzzer's bytes into the
// values a target needs. Seeds are easier to write by hand when values are lines, so most
// targets read lines.
#ifndef AIEVENTS_FUZZ_FUZZ_SUPPORT_H_
#define AIEVENTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace aievents::fuzz {

[[noreturn]] inline void PropertyFailed(const char* file, int line, const char* condition,
                                        const std::string& detail) {
  std::fprintf(stderr, "%s:%d: property violated: %s\n  %s\n", file, line, condition,
               detail.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

// `detail` is evaluated only when the property fails.
#define FUZZ_CHECK(condition, detail)                                                             \
  do {                                                                                            \
    if (!(condition)) ::aievents::fuzz::PropertyFailed(__FILE__, __LINE__, #condition, (detail)); \
  } while (0)

// Reads values off the front of the input; past the end it yields zeros and empty strings, so
// every input is usable.
class ByteReader {
 public:
  ByteReader(const uint8_t* data, size_t size) : text_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return text_.empty(); }

  uint8_t Byte() {
    if (text_.empty()) return 0;
    uint8_t byte = static_cast<uint8_t>(text_[0]);
    text_.remove_prefix(1);
    return byte;
  }

  // Up to eight bytes, little-endian.
  uint64_t Uint64() {
    uint64_t value = 0;
    for (int i = 0; i < 8 && !text_.empty(); ++i) value |= uint64_t{Byte()} << (8 * i);
    return value;
  }

  // Up to the next '\n' (dropped) or the end.
  std::string Line() {
    size_t end = text_.find('\n');
    std::string line(text_.substr(0, end));
    text_.remove_prefix(end == std::string_view::npos ? text_.size() : end + 1);
    return line;
  }

  std::string Rest() {
    std::string rest(text_);
    text_ = {};
    return rest;
  }

 private:
  std::string_view text_;
};

}  // namespace aievents::fuzz

#endif  // AIEVENTS_FUZZ_FUZZ_SUPPORT_H_
