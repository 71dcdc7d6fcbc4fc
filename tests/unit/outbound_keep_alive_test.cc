// Outbound attempts keep their connection for the target's next request (HTTP/1.1 keep-alive),
// against a real server on port 0 that counts connections and, when told, closes them.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/net/outbound_post.h"

namespace aievents {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What the server does with the request of a given number (0-based, across connections).
enum class Then {
  kAnswer,              // 204, connection kept
  kAnswerWithBody,      // 200 with a 10 KB body, connection kept
  kAnswerAndClose,      // 204, then closes without saying so
  kAnswerSayingClose,   // 204 with "Connection: close", but leaves the socket open
  kCloseWithoutAnswer,  // reads the request and closes
};

class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<Then> script)
      : script_(std::move(script)), acceptor_(context_, tcp::endpoint(tcp::v4(), 0)) {
    Accept();
    thread_ = std::thread([this] { context_.run(); });
  }
  ~ScriptedServer() {
    context_.stop();
    thread_.join();
  }

  int port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_; }
  int requests() const { return requests_; }

 private:
  struct Session {
    explicit Session(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    http::response<http::string_body> response;
  };

  void Accept() {
    acceptor_.async_accept([this](beast::error_code error, tcp::socket socket) {
      if (error) return;
      ++accepted_;
      Read(std::make_shared<Session>(std::move(socket)));
      Accept();
    });
  }

  void Read(std::shared_ptr<Session> session) {
    session->request = {};
    http::async_read(session->socket, session->buffer, session->request,
                     [this, session](beast::error_code error, size_t) {
                       if (error) return;
                       size_t number = static_cast<size_t>(requests_++);
                       Answer(session, number < script_.size() ? script_[number] : Then::kAnswer);
                     });
  }

  void Answer(std::shared_ptr<Session> session, Then then) {
    if (then == Then::kCloseWithoutAnswer) {
      session->socket.close();
      return;
    }
    session->response = {};
    session->response.version(11);
    session->response.result(then == Then::kAnswerWithBody ? http::status::ok
                                                           : http::status::no_content);
    if (then == Then::kAnswerWithBody) session->response.body() = std::string(10 * 1024, 'x');
    if (then == Then::kAnswerSayingClose) session->response.set(http::field::connection, "close");
    session->response.prepare_payload();
    http::async_write(session->socket, session->response,
                      [this, session, then](beast::error_code error, size_t) {
                        if (error) return;
                        if (then == Then::kAnswerAndClose) {
                          session->socket.close();
                          return;
                        }
                        if (then == Then::kAnswerSayingClose) {
                          held_.push_back(session);  // open, but the client must not reuse it
                          return;
                        }
                        Read(session);
                      });
  }

  const std::vector<Then> script_;
  asio::io_context context_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<Session>> held_;
  std::atomic<int> accepted_{0};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

IpAddress Loopback(uint8_t last) {
  IpAddress address;
  address.is_v4 = true;
  address.bytes = {127, 0, 0, last};
  return address;
}

class OutboundKeepAlive : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<OutboundClient>> client = OutboundClient::Create({});
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
  }

  absl::StatusOr<PostAnswer> Post(int port, IpAddress address = Loopback(1)) {
    OutboundPost post;
    post.target = TargetUrl{"http", "hooks.test", port, "/hook"};
    post.addresses = {address};
    post.body = R"({"type":"ai_event.created"})";
    post.timeout = absl::Seconds(5);
    auto answer = std::make_shared<std::promise<absl::StatusOr<PostAnswer>>>();
    std::future<absl::StatusOr<PostAnswer>> future = answer->get_future();
    client_->Post(std::move(post),
                  [answer](absl::StatusOr<PostAnswer> result) { answer->set_value(result); });
    return future.get();
  }

  // The connection goes back to the idle ones just after the answer is handed over.
  void AwaitIdle(size_t count, int tries = 200) {
    for (int i = 0; i < tries && client_->idle_connections() != count; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::unique_ptr<OutboundClient> client_;
};

TEST_F(OutboundKeepAlive, SendsTheNextRequestsOnTheSameConnection) {
  ScriptedServer server({});
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<PostAnswer> answer = Post(server.port());
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->status, 204);
    AwaitIdle(1);
  }
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client_->idle_connections(), 1u);
}

TEST_F(OutboundKeepAlive, ReadsAnAnswersBodyBeforeReusingItsConnection) {
  ScriptedServer server({Then::kAnswerWithBody, Then::kAnswerWithBody});
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<PostAnswer> answer = Post(server.port());
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(answer->status, i < 2 ? 200 : 204);
    AwaitIdle(1);
  }
  EXPECT_EQ(server.accepted(), 1);
}

TEST_F(OutboundKeepAlive, AConnectionTheServerClosedIsNotUsedAgain) {
  ScriptedServer server({Then::kAnswerAndClose});
  ASSERT_TRUE(Post(server.port()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the FIN arrives
  absl::StatusOr<PostAnswer> second = Post(server.port());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, 204);
  EXPECT_EQ(server.accepted(), 2);
  EXPECT_EQ(server.requests(), 2) << "the closed connection was noticed before sending on it";
}

TEST_F(OutboundKeepAlive, AnIdleConnectionItsServerClosedIsClosedWithinSeconds) {
  ScriptedServer server({Then::kAnswerAndClose});
  ASSERT_TRUE(Post(server.port()).ok());
  AwaitIdle(0, 600);  // up to 3 s; the sweep runs every second
  EXPECT_EQ(client_->idle_connections(), 0u)
      << "some servers wait for the client to close before they go on";
}

TEST_F(OutboundKeepAlive, AKeptConnectionThatFailsIsTriedAgainOnANewOne) {
  ScriptedServer server({Then::kAnswer, Then::kCloseWithoutAnswer});
  ASSERT_TRUE(Post(server.port()).ok());
  AwaitIdle(1);
  absl::StatusOr<PostAnswer> second = Post(server.port());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, 204);
  EXPECT_EQ(server.requests(), 3) << "sent on the kept connection, then on a new one";
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(OutboundKeepAlive, ANewConnectionThatFailsIsNotTriedAgain) {
  ScriptedServer server({Then::kCloseWithoutAnswer});
  absl::StatusOr<PostAnswer> answer = Post(server.port());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable) << answer.status();
  EXPECT_EQ(server.requests(), 1);
}

TEST_F(OutboundKeepAlive, ConnectionCloseInTheAnswerIsHonoured) {
  ScriptedServer server({Then::kAnswerSayingClose});
  ASSERT_TRUE(Post(server.port()).ok());
  ASSERT_TRUE(Post(server.port()).ok());
  EXPECT_EQ(server.accepted(), 2);
}

TEST_F(OutboundKeepAlive, AConnectionIsReusedOnlyForAnAddressTheAttemptAllows) {
  ScriptedServer server({});  // listens on every address, 127.0.0.2 among them
  ASSERT_TRUE(Post(server.port(), Loopback(1)).ok());
  AwaitIdle(1);
  ASSERT_TRUE(Post(server.port(), Loopback(2)).ok())
      << "the name now resolves elsewhere: the kept connection to 127.0.0.1 is not used";
  EXPECT_EQ(server.accepted(), 2);
  AwaitIdle(2);
  ASSERT_TRUE(Post(server.port(), Loopback(1)).ok());
  EXPECT_EQ(server.accepted(), 2);
}

}  // namespace
}  // namespace aievents
