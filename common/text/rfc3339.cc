#include "common/text/rfc3339.h"

#include <cctype>

namespace aievents {
namespace {

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Reads `count` digits at `pos`; false if they are not all digits.
bool Digits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

absl::Status Format() {
  return absl::InvalidArgumentError(
      "must be an RFC 3339 / ISO 8601 date-time with a time zone, e.g. 2026-03-10T14:30:00Z");
}

}  // namespace

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  int year, month, day, hour, minute, second;
  if (!Digits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' ||
      !Digits(text, 5, 2, &month) || text[7] != '-' || !Digits(text, 8, 2, &day)) {
    return Format();
  }
  if (text.size() == 10) {
    return absl::InvalidArgumentError(
        "must include a time and a time zone, e.g. 2026-03-10T14:30:00Z (a date alone is "
        "ambiguous)");
  }
  char separator = text[10];
  if ((separator != 'T' && separator != 't' && separator != ' ') || !Digits(text, 11, 2, &hour) ||
      text.size() < 19 || text[13] != ':' || !Digits(text, 14, 2, &minute) || text[16] != ':' ||
      !Digits(text, 17, 2, &second)) {
    return Format();
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100000;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      micros += (text[pos] - '0') * scale;  // digits past microseconds are truncated
      scale /= 10;
      ++pos;
    }
    if (pos == start) return Format();
  }
  if (pos == text.size()) {
    return absl::InvalidArgumentError(
        "must include a time zone ('Z' or an offset such as +02:00), e.g. 2026-03-10T14:30:00Z");
  }
  int offset_seconds = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int offset_hours, offset_minutes;
    if (!Digits(text, pos + 1, 2, &offset_hours) || pos + 3 >= text.size() ||
        text[pos + 3] != ':' || !Digits(text, pos + 4, 2, &offset_minutes) || offset_hours > 23 ||
        offset_minutes > 59) {
      return Format();
    }
    offset_seconds = (offset_hours * 3600 + offset_minutes * 60) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return Format();
  }
  if (pos != text.size()) return Format();
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) ||
      hour > 23 || minute > 59 || second > 59) {
    return absl::InvalidArgumentError(
        "is not a real date-time (a field is out of range, or the year is outside 1900..9999)");
  }
  absl::Time time = absl::FromCivil(absl::CivilSecond(year, month, day, hour, minute, second),
                                    absl::UTCTimeZone()) -
                    absl::Seconds(offset_seconds) + absl::Microseconds(micros);
  // The offset can carry a valid local time out of range ("9999-12-31T23:59:59-01:00" is year
  // 10000 in UTC), and stored times are UTC, so the range applies to the instant too.
  static const absl::Time kFirst =
      absl::FromCivil(absl::CivilSecond(1900, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  static const absl::Time kEnd =
      absl::FromCivil(absl::CivilSecond(10000, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  if (time < kFirst || time >= kEnd) {
    return absl::InvalidArgumentError(
        "is outside the supported range: in UTC it must fall in the years 1900..9999");
  }
  return time;
}

std::string FormatRfc3339(absl::Time time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

}  // namespace aievents
