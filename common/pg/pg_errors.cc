#include "common/pg/pg_errors.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace aievents {

absl::Status StatusFromSqlState(absl::string_view sqlstate, absl::string_view message) {
  // The first line only: DETAIL lines may quote the row, with customer data in it.
  absl::string_view first_line = message.substr(0, message.find('\n'));
  std::string text = absl::StrCat("database: ", first_line);
  if (sqlstate == "40001" || sqlstate == "40P01") return absl::AbortedError(text);
  if (sqlstate == "23505") return absl::AlreadyExistsError(text);
  // query_canceled: statement_timeout (the connection's, or a request deadline's) ran out.
  if (sqlstate == "57014") return absl::DeadlineExceededError(text);
  if (absl::StartsWith(sqlstate, "22")) return absl::InvalidArgumentError(text);
  if (absl::StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P03") {
    return absl::UnavailableError(text);
  }
  return absl::InternalError(text);
}

}  // namespace aievents
