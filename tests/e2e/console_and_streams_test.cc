// What the web console relies on at the HTTP edge: its static files (content types,
// validators, the Content-Security-Policy, no way out of its directory), the unmatched count,
// and a customer's live timeline as server-sent events.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "tests/e2e/test_helpers.h"

namespace aievents::testing {
namespace {

TEST(Console, RootRedirectsToTheConsole) {
  HttpResult root = HttpRequest(SharedSuite().gateway_port(), "GET", "/");
  EXPECT_EQ(root.status, 302);
  EXPECT_EQ(root.Header("location"), "/console/");
}

TEST(Console, IndexIsHtmlWithAStrictPolicyAndAValidator) {
  Suite& suite = SharedSuite();
  HttpResult index = HttpRequest(suite.gateway_port(), "GET", "/console/");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("<script type=\"module\" src=\"js/main.js\">"), std::string::npos);
  std::string policy = index.Header("content-security-policy");
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << "no inline script: " << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
  EXPECT_EQ(index.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  ASSERT_FALSE(index.Header("etag").empty());
  HttpResult again = HttpRequest(suite.gateway_port(), "GET", "/console/", "",
                                 {{"if-none-match", index.Header("etag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST(Console, ModulesAndStylesHaveTheirContentTypes) {
  int port = SharedSuite().gateway_port();
  EXPECT_EQ(HttpRequest(port, "GET", "/console/js/main.js").Header("content-type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(HttpRequest(port, "GET", "/console/styles.css").Header("content-type"),
            "text/css; charset=utf-8");
}

TEST(Console, NothingOutsideItsFilesIsServed) {
  int port = SharedSuite().gateway_port();
  for (const char* target : {"/console/../CMakeLists.txt", "/console/%2e%2e/CMakeLists.txt",
                             "/console/js/../../README.md", "/console/nope.js"}) {
    EXPECT_EQ(HttpRequest(port, "GET", target).status, 404) << target;
  }
  EXPECT_EQ(HttpRequest(port, "POST", "/console/", "{}").status, 405);
}

TEST(CountEvents, CountsTheTenantsUnmatchedQueue) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  Suite::Tenant other = suite.NewTenant();
  CreateCustomer(suite, tenant.api_key, {{"email", "known@example.com"}});
  CreateEvent(suite, tenant.api_key, {{"email", "known@example.com"}}, "2026-03-10T14:30:00Z", "a");
  CreateEvent(suite, tenant.api_key, {{"email", "nobody1@example.com"}}, "2026-03-10T14:30:00Z",
              "b");
  CreateEvent(suite, tenant.api_key, {{"email", "nobody2@example.com"}}, "2026-03-10T14:30:00Z",
              "c");
  HttpResult unmatched = suite.Get(tenant.api_key, "/v1/ai-events:count?matched=false");
  ASSERT_EQ(unmatched.status, 200) << unmatched.body;
  EXPECT_EQ(unmatched.Json()["count"], 2) << "a JSON number, as every number the gateway sends";
  EXPECT_EQ(unmatched.Json()["capped"], false);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events:count").Json()["count"], 3);
  EXPECT_EQ(suite.Get(tenant.api_key, "/v1/ai-events:count?matched=true").Json()["count"], 1);
  EXPECT_EQ(suite.Get(other.api_key, "/v1/ai-events:count").Json()["count"], 0)
      << "another tenant counts only its own";
  EXPECT_EQ(suite.Get("", "/v1/ai-events:count").status, 401);
}

// A raw connection reading a streamed response as it arrives.
class StreamReader {
 public:
  StreamReader(int port, const std::string& request) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    EXPECT_EQ(send(fd_, request.data(), request.size(), 0), static_cast<ssize_t>(request.size()));
  }
  ~StreamReader() { close(fd_); }

  // Reads until `text` has arrived (true) or `timeout` passes or the server closes (false).
  bool ReadUntil(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(text) == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) return received_.find(text) != std::string::npos;
      received_.append(buffer, static_cast<size_t>(n));
    }
    return true;
  }
  const std::string& received() const { return received_; }

 private:
  int fd_ = -1;
  std::string received_;
};

std::string WatchRequest(const std::string& customer_id, const std::string& key) {
  return "GET /v1/customers/" + customer_id + "/ai-events:watch HTTP/1.1\r\nHost: test\r\n" +
         (key.empty() ? "" : "x-api-key: " + key + "\r\n") + "\r\n";
}

TEST(WatchOverHttp, NewEventsArriveAsServerSentEvents) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "live@example.com"}});
  StreamReader stream(suite.gateway_port(), WatchRequest(customer, tenant.api_key));
  ASSERT_TRUE(stream.ReadUntil(": connected\n\n", std::chrono::seconds(10))) << stream.received();
  EXPECT_NE(stream.received().find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(stream.received().find("text/event-stream"), std::string::npos);
  EXPECT_EQ(stream.received().find("content-length"), std::string::npos) << stream.received();
  nlohmann::json event = CreateEvent(suite, tenant.api_key, {{"email", "live@example.com"}},
                                     "2026-03-10T14:30:00Z", "live-1");
  ASSERT_TRUE(stream.ReadUntil(event["id"].get<std::string>(), std::chrono::seconds(10)))
      << stream.received();
  size_t frame = stream.received().find("event: ai_event\ndata: {");
  ASSERT_NE(frame, std::string::npos) << stream.received();
  std::string data = stream.received().substr(frame + 22);
  data = data.substr(0, data.find("\n\n"));
  nlohmann::json sent = nlohmann::json::parse(data);
  EXPECT_EQ(sent["id"], event["id"]);
  EXPECT_EQ(sent["customer_id"], customer);
}

TEST(WatchOverHttp, ErrorsAreTheUsualJsonAnswers) {
  Suite& suite = SharedSuite();
  Suite::Tenant tenant = suite.NewTenant();
  Suite::Tenant other = suite.NewTenant();
  std::string customer = CreateCustomer(suite, tenant.api_key, {{"email", "mine@example.com"}});
  HttpResult missing_key = suite.Get("", "/v1/customers/" + customer + "/ai-events:watch");
  EXPECT_EQ(missing_key.status, 401);
  HttpResult foreign = suite.Get(other.api_key, "/v1/customers/" + customer + "/ai-events:watch");
  EXPECT_EQ(foreign.status, 404) << "another tenant's customer does not exist for it";
  EXPECT_EQ(foreign.Json()["error"]["code"], "NOT_FOUND") << foreign.body;
  HttpResult bad_id = suite.Get(tenant.api_key, "/v1/customers/not-a-uuid/ai-events:watch");
  EXPECT_EQ(bad_id.status, 400) << bad_id.body;
}

}  // namespace
}  // namespace aievents::testing
