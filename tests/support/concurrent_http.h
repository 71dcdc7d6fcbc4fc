// Many HTTP requests in flight at once from one thread (asynchronous, one connection each), for
// tests of what the server does with concurrent work: group commit, overload, drain.
#ifndef AIEVENTS_TESTS_SUPPORT_CONCURRENT_HTTP_H_
#define AIEVENTS_TESTS_SUPPORT_CONCURRENT_HTTP_H_

#include <map>
#include <string>
#include <vector>

#include "tests/support/http_client.h"

namespace aievents::testing {

struct HttpCall {
  std::string method = "POST";
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;
};

// Connects and sends every call at once, then waits for every answer (at most `timeout_s`
// seconds in all). Results are in the order of `calls`; a call that failed at the connection
// level has status 0 and the error in its body.
std::vector<HttpResult> ConcurrentHttpRequests(int port, const std::vector<HttpCall>& calls,
                                               int timeout_s = 60);

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_CONCURRENT_HTTP_H_
