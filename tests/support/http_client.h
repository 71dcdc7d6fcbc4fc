// A minimal blocking HTTP/1.1 client for tests (one connection per request).
#ifndef AIEVENTS_TESTS_SUPPORT_HTTP_CLIENT_H_
#define AIEVENTS_TESTS_SUPPORT_HTTP_CLIENT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace aievents::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  // The body parsed as JSON (null when it is not JSON).
  nlohmann::json Json() const;
  std::string Header(const std::string& lower_name) const;
};

HttpResult HttpRequest(int port, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

// True when nothing accepts connections on `port` any more (the connection is refused).
bool HttpRequestRefused(int port);

}  // namespace aievents::testing

#endif  // AIEVENTS_TESTS_SUPPORT_HTTP_CLIENT_H_
