// The asynchronous HTTP server on real sockets: malformed requests answered, every phase
// deadline enforced, the connection cap answered without blocking accepts, no thread per
// connection, and a graceful drain. Deadlines are set short (hundreds of milliseconds) so the
// tests are quick; the bounds the tests wait are generous and only stop a hung test.
#include "common/http/http_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aievents {
namespace {

using std::chrono::milliseconds;

// A raw TCP client: what a browser, a vendor or an attacker can send, byte for byte.
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  }
  ~RawClient() { close(fd_); }

  bool connected() const { return connected_; }
  void Send(const std::string& bytes) { (void)send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  // Reads until the server closes the connection or `limit` passes; `closed` says which.
  std::string ReadUntilClosed(milliseconds limit, bool* closed) {
    std::string out;
    *closed = false;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd waiting{fd_, POLLIN, 0};
      int left = static_cast<int>(
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now())
              .count());
      if (poll(&waiting, 1, std::max(left, 1)) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        *closed = true;
        return out;
      }
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

  // Reads until `text` has arrived (or `limit` passes).
  std::string ReadUntil(const std::string& text, milliseconds limit) {
    std::string out;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (out.find(text) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd waiting{fd_, POLLIN, 0};
      if (poll(&waiting, 1, 50) <= 0) continue;
      char buffer[4096];
      ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<size_t>(n));
    }
    return out;
  }

 private:
  int fd_;
  bool connected_ = false;
};

constexpr milliseconds kGenerous{10000};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}
constexpr char kGet[] = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n";

HttpServer::Options FastOptions() {
  HttpServer::Options options;
  options.port = 0;
  options.threads = 2;
  options.max_body_bytes = 1024;
  options.header_timeout = milliseconds(300);
  options.body_timeout = milliseconds(300);
  options.idle_timeout = milliseconds(300);
  options.drain_timeout = milliseconds(5000);
  return options;
}

std::unique_ptr<HttpServer> StartServer(HttpServer::Options options, HttpHandler handler) {
  auto server = HttpServer::Start(std::move(options), std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return std::move(*server);
}

HttpResponse Ok(const HttpRequest& request) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = "ok " + request.body;
  return response;
}

int ThreadCount() {
  int count = 0;
  DIR* tasks = opendir("/proc/self/task");
  while (dirent* entry = readdir(tasks)) count += entry->d_name[0] != '.';
  closedir(tasks);
  return count;
}

TEST(HttpServer, ServesKeepAliveRequests) {
  auto server = StartServer(FastOptions(), Ok);
  RawClient client(server->port());
  client.Send(kGet);
  EXPECT_NE(client.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
  client.Send(kGet);  // same connection
  EXPECT_NE(client.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
}

// A port that is taken fails Start() at once with the port named; before, the half-started
// server's destructor waited forever for a thread that never ran (a gateway whose admin port
// was taken hung instead of exiting).
TEST(HttpServer, ATakenPortFailsStartWithoutHanging) {
  auto first = StartServer(FastOptions(), Ok);
  HttpServer::Options options = FastOptions();
  options.port = first->port();
  auto failed = std::async(std::launch::async, [&] { return HttpServer::Start(options, Ok); });
  ASSERT_EQ(failed.wait_for(kGenerous), std::future_status::ready) << "Start() did not return";
  absl::StatusOr<std::unique_ptr<HttpServer>> second = failed.get();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find(std::to_string(first->port())), std::string::npos)
      << second.status();
}

// Whether a TCP socket in TIME_WAIT has `port` as its local port (/proc/net/tcp, state 06).
bool TimeWaitHoldsPort(int port) {
  FILE* table = fopen("/proc/net/tcp", "r");
  if (table == nullptr) return false;
  char line[512];
  bool found = false;
  while (!found && fgets(line, sizeof(line), table) != nullptr) {
    unsigned local_port = 0, state = 0;
    if (sscanf(line, " %*d: %*8X:%4X %*8X:%*4X %2X", &local_port, &state) == 2) {
      found = static_cast<int>(local_port) == port && state == 0x06;
    }
  }
  fclose(table);
  return found;
}

// A restarted process binds its port at once although the connections its predecessor closed
// first still hold it in TIME_WAIT for a minute (SO_REUSEADDR); `make up` restarts rely on it.
TEST(HttpServer, ARestartBindsAPortHeldInTimeWait) {
  auto first = StartServer(FastOptions(), Ok);
  const int port = first->port();
  {
    RawClient client(port);
    client.Send("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    bool closed = false;
    client.ReadUntilClosed(kGenerous, &closed);
    ASSERT_TRUE(closed) << "the server did not close the connection it was asked to";
  }
  // The server closed first, so its side of the connection is the one in TIME_WAIT.
  auto deadline = std::chrono::steady_clock::now() + kGenerous;
  while (!TimeWaitHoldsPort(port) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(TimeWaitHoldsPort(port)) << "no TIME_WAIT socket on the port: nothing is tested";
  first.reset();

  HttpServer::Options options = FastOptions();
  options.port = port;
  auto second = HttpServer::Start(options, Ok);
  ASSERT_TRUE(second.ok()) << second.status();
  RawClient client(port);
  client.Send(kGet);
  EXPECT_NE(client.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
}

struct MalformedCase {
  const char* name;
  std::string request;
  int status;
};

TEST(HttpServer, MalformedRequestsAreAnsweredAndClosed) {
  std::vector<MalformedCase> cases = {
      {"NUL in a header", std::string("GET /ok HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n", 40), 400},
      {"header without a colon", "GET /ok HTTP/1.1\r\nHost x\r\n\r\n", 400},
      {"bad Content-Length", "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
      {"duplicate Content-Length",
       "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi", 400},
      {"conflicting Content-Length",
       "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi", 400},
      {"chunked plus Content-Length",
       "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
       400},
      {"LF-only line endings", "GET /ok HTTP/1.1\nHost: x\n\n", 400},
      {"not HTTP at all", "HELLO\r\n\r\n", 400},
      {"headers over 16 KiB",
       "GET /ok HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(17 * 1024, 'a') + "\r\n\r\n", 431},
      {"declared body over the limit",
       "POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", 413},
      {"chunked body over the limit",
       "POST /ok HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
           std::string(0x800, 'a') + "\r\n0\r\n\r\n",
       413},
  };
  HttpServer::Options options = FastOptions();
  options.error_response = [](int status, const std::string& message) {
    HttpResponse response;
    response.status = status;
    response.body = "{\"error\": \"" + message + "\"}";
    return response;
  };
  auto server = StartServer(options, Ok);
  for (const MalformedCase& test : cases) {
    SCOPED_TRACE(test.name);
    RawClient client(server->port());
    client.Send(test.request);
    bool closed = false;
    std::string answer = client.ReadUntilClosed(kGenerous, &closed);
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 " + std::to_string(test.status)) << answer;
    EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
    EXPECT_NE(answer.find("{\"error\""), std::string::npos) << answer;
    EXPECT_TRUE(closed);
  }
}

TEST(HttpServer, ConnectionThatSendsNothingIsClosedAtTheHeaderDeadline) {
  auto server = StartServer(FastOptions(), Ok);
  RawClient client(server->port());
  bool closed = false;
  EXPECT_EQ(client.ReadUntilClosed(kGenerous, &closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpServer, PartialRequestLineIsClosedAtTheHeaderDeadline) {
  auto server = StartServer(FastOptions(), Ok);
  RawClient client(server->port());
  client.Send("POST /v1/ai-ev");
  bool closed = false;
  client.ReadUntilClosed(kGenerous, &closed);
  EXPECT_TRUE(closed);
}

TEST(HttpServer, SlowBodyIsClosedAtTheBodyDeadline) {
  HttpServer::Options options = FastOptions();
  options.header_timeout = milliseconds(10000);  // only the body deadline can end this one
  auto server = StartServer(options, Ok);
  RawClient client(server->port());
  client.Send("POST /ok HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b");
  bool closed = false;
  EXPECT_EQ(client.ReadUntilClosed(kGenerous, &closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpServer, IdleKeptAliveConnectionIsClosedAtTheIdleDeadline) {
  HttpServer::Options options = FastOptions();
  options.header_timeout = milliseconds(10000);  // only the idle deadline can end this one
  auto server = StartServer(options, Ok);
  RawClient client(server->port());
  client.Send(kGet);
  ASSERT_NE(client.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
  bool closed = false;
  EXPECT_EQ(client.ReadUntilClosed(kGenerous, &closed), "");
  EXPECT_TRUE(closed);
}

TEST(HttpServer, RequestSentInPiecesWithinItsDeadlinesIsServed) {
  HttpServer::Options options = FastOptions();
  options.header_timeout = milliseconds(5000);
  options.body_timeout = milliseconds(5000);
  auto server = StartServer(options, Ok);
  RawClient client(server->port());
  client.Send("POST /ok HTTP/1.1\r\nHo");
  std::this_thread::sleep_for(milliseconds(100));
  client.Send("st: x\r\nContent-Length: 4\r\n\r\nda");
  std::this_thread::sleep_for(milliseconds(100));
  client.Send("ta");
  EXPECT_NE(client.ReadUntil("ok data", kGenerous).find("ok data"), std::string::npos);
}

TEST(HttpServer, ExpectContinueGetsAnInterimAnswer) {
  auto server = StartServer(FastOptions(), Ok);
  RawClient client(server->port());
  client.Send("POST /ok HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
  EXPECT_NE(client.ReadUntil("100 Continue", kGenerous).find("HTTP/1.1 100 Continue"),
            std::string::npos);
  client.Send("body");
  EXPECT_NE(client.ReadUntil("ok body", kGenerous).find("ok body"), std::string::npos);
}

TEST(HttpServer, OverTheCapAnswers503WithoutBlockingNewConnections) {
  HttpServer::Options options = FastOptions();
  options.max_connections = 2;
  options.header_timeout = milliseconds(60000);  // the held connections stay open
  auto server = StartServer(options, Ok);
  auto first = std::make_unique<RawClient>(server->port());
  RawClient second(server->port());
  ASSERT_TRUE(first->connected() && second.connected());
  // Over the cap, and silent: it gets its 503 and must not hold up anyone else.
  RawClient silent(server->port());
  std::string refused = silent.ReadUntil("\r\n\r\n", kGenerous);
  EXPECT_EQ(refused.substr(0, 12), "HTTP/1.1 503") << refused;
  EXPECT_NE(Lower(refused).find("retry-after: 1"), std::string::npos) << refused;
  // A slot frees up: the next connection is served at once.
  first.reset();
  for (int attempt = 0; attempt < 100 && server->open_connections() > 1; ++attempt) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  RawClient next(server->port());
  next.Send(kGet);
  EXPECT_NE(next.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
}

TEST(HttpServer, HeldConnectionsDoNotCostThreads) {
  HttpServer::Options options = FastOptions();
  options.header_timeout = milliseconds(60000);
  auto server = StartServer(options, Ok);
  int threads = ThreadCount();
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 300; ++i) {
    held.push_back(std::make_unique<RawClient>(server->port()));
    if (i % 2 == 0) held.back()->Send("POST /ok HT");  // half send a partial request line
  }
  for (int attempt = 0; attempt < 200 && server->open_connections() < 300; ++attempt) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(server->open_connections(), 300);
  EXPECT_EQ(ThreadCount(), threads);
  RawClient normal(server->port());  // and an ordinary request is still served
  normal.Send(kGet);
  EXPECT_NE(normal.ReadUntil("ok ", kGenerous).find("200 OK"), std::string::npos);
}

TEST(HttpServer, HandlerMayAnswerFromAnotherThread) {
  std::vector<std::thread> answering;
  std::mutex mutex;
  auto server = HttpServer::Start(FastOptions(), [&](HttpRequest, HttpResponder respond) {
    std::lock_guard lock(mutex);
    answering.emplace_back([respond] {
      std::this_thread::sleep_for(milliseconds(50));
      HttpResponse response;
      response.body = "later";
      respond(response);
    });
  });
  ASSERT_TRUE(server.ok());
  RawClient client((*server)->port());
  client.Send(kGet);
  EXPECT_NE(client.ReadUntil("later", kGenerous).find("later"), std::string::npos);
  (*server)->Shutdown();
  for (std::thread& thread : answering) thread.join();
}

// A handler that holds every request until the test lets it go.
class HeldHandler {
 public:
  void Handle(HttpRequest request, HttpResponder respond) {
    std::lock_guard lock(mutex_);
    held_.push_back(std::move(respond));
    arrived_.notify_all();
  }
  bool WaitForRequests(size_t count) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, kGenerous, [&] { return held_.size() >= count; });
  }
  void ReleaseAll() {
    std::vector<HttpResponder> held;
    {
      std::lock_guard lock(mutex_);
      held.swap(held_);
    }
    for (HttpResponder& respond : held) {
      HttpResponse response;
      response.body = "finished";
      respond(response);
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<HttpResponder> held_;
};

TEST(HttpServer, ShutdownFinishesInFlightRequestsAndClosesTheRest) {
  HeldHandler handler;
  HttpServer::Options options = FastOptions();
  options.header_timeout = milliseconds(60000);
  options.idle_timeout = milliseconds(60000);
  options.drain_timeout = milliseconds(60000);
  auto started = HttpServer::Start(options, [&](HttpRequest request, HttpResponder respond) {
    handler.Handle(std::move(request), std::move(respond));
  });
  ASSERT_TRUE(started.ok());
  HttpServer& server = **started;
  RawClient idle(server.port());
  RawClient in_flight(server.port());
  in_flight.Send(kGet);
  ASSERT_TRUE(handler.WaitForRequests(1));

  auto stopped = std::async(std::launch::async, [&] { server.Shutdown(); });
  // The idle connection is closed at once, not after the drain period.
  bool closed = false;
  EXPECT_EQ(idle.ReadUntilClosed(kGenerous, &closed), "");
  EXPECT_TRUE(closed);
  // New connections are refused.
  bool refused = false;
  for (int attempt = 0; attempt < 100 && !refused; ++attempt) {
    RawClient late(server.port());
    refused = !late.connected();
    if (!refused) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(refused);
  EXPECT_EQ(stopped.wait_for(milliseconds(200)), std::future_status::timeout)
      << "Shutdown must wait for the request in flight";
  // The request in flight gets its whole answer, told that the connection ends.
  handler.ReleaseAll();
  std::string answer = in_flight.ReadUntilClosed(kGenerous, &closed);
  EXPECT_NE(answer.find("200 OK"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_NE(answer.find("finished"), std::string::npos) << answer;
  EXPECT_EQ(stopped.wait_for(kGenerous), std::future_status::ready);
}

TEST(HttpServer, DrainPeriodEndsWhateverHandlersDo) {
  HeldHandler handler;
  HttpServer::Options options = FastOptions();
  options.drain_timeout = milliseconds(300);
  std::atomic<bool> drain_timed_out = false;
  options.on_drain_timeout = [&] {
    drain_timed_out = true;
    handler.ReleaseAll();  // what the gateway does: cancel what the handlers wait for
  };
  auto started = HttpServer::Start(options, [&](HttpRequest request, HttpResponder respond) {
    handler.Handle(std::move(request), std::move(respond));
  });
  ASSERT_TRUE(started.ok());
  RawClient stuck((*started)->port());
  stuck.Send(kGet);
  ASSERT_TRUE(handler.WaitForRequests(1));
  auto stopped = std::async(std::launch::async, [&] { (*started)->Shutdown(); });
  EXPECT_EQ(stopped.wait_for(kGenerous), std::future_status::ready);
  EXPECT_TRUE(drain_timed_out);
  bool closed = false;
  stuck.ReadUntilClosed(kGenerous, &closed);
  EXPECT_TRUE(closed);
}

// A handler that answers every request with a stream and keeps hold of it.
struct StreamingHandler {
  std::mutex mutex;
  std::condition_variable changed;
  std::shared_ptr<HttpStream> stream;
  int ended = 0;

  HttpResponse Respond() {
    HttpResponse response;
    response.content_type = "text/event-stream";
    HttpStreaming streaming;
    streaming.started = [this](std::shared_ptr<HttpStream> started) {
      std::lock_guard lock(mutex);
      stream = std::move(started);
      changed.notify_all();
    };
    streaming.ended = [this] {
      std::lock_guard lock(mutex);
      ++ended;
      changed.notify_all();
    };
    response.streaming = std::move(streaming);
    return response;
  }
  std::shared_ptr<HttpStream> WaitForStream() {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, kGenerous, [&] { return stream != nullptr; });
    return stream;
  }
  bool WaitForEnded() {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, kGenerous, [&] { return ended > 0; });
  }
};

std::unique_ptr<HttpServer> StartStreaming(HttpServer::Options options, StreamingHandler& handler) {
  auto server = HttpServer::Start(
      std::move(options),
      [&handler](HttpRequest, HttpResponder respond) { respond(handler.Respond()); });
  EXPECT_TRUE(server.ok()) << server.status();
  return std::move(*server);
}

TEST(HttpServerStreaming, HeadThenChunksAsSentThenCloseOnEnd) {
  StreamingHandler handler;
  HttpServer::Options options = FastOptions();
  auto server = StartStreaming(options, handler);
  RawClient client(server->port());
  client.Send(kGet);
  std::shared_ptr<HttpStream> stream = handler.WaitForStream();
  ASSERT_NE(stream, nullptr);
  std::string head = client.ReadUntil("\r\n\r\n", kGenerous);
  EXPECT_NE(head.find("200 OK"), std::string::npos) << head;
  EXPECT_NE(Lower(head).find("connection: close"), std::string::npos) << head;
  EXPECT_EQ(Lower(head).find("content-length"), std::string::npos) << head;
  // Longer than the idle and header deadlines: a stream is not cut off for being quiet.
  std::this_thread::sleep_for(milliseconds(600));
  EXPECT_TRUE(stream->Send("first\n"));
  EXPECT_NE(client.ReadUntil("first", kGenerous).find("first"), std::string::npos);
  EXPECT_TRUE(stream->Send("second\n"));
  stream->End();
  bool closed = false;
  std::string rest = client.ReadUntilClosed(kGenerous, &closed);
  EXPECT_NE(rest.find("second"), std::string::npos) << "what was queued before End is sent";
  EXPECT_TRUE(closed);
  EXPECT_TRUE(handler.WaitForEnded());
  EXPECT_FALSE(stream->Send("late")) << "nothing is accepted after the end";
}

TEST(HttpServerStreaming, AClientThatGoesAwayEndsTheStream) {
  StreamingHandler handler;
  auto server = StartStreaming(FastOptions(), handler);
  {
    RawClient client(server->port());
    client.Send(kGet);
    ASSERT_NE(handler.WaitForStream(), nullptr);
  }  // closed
  EXPECT_TRUE(handler.WaitForEnded()) << "the handler is told, so it can stop its work";
  std::lock_guard lock(handler.mutex);
  EXPECT_EQ(handler.ended, 1);
}

TEST(HttpServerStreaming, ShutdownEndsOpenStreamsAtOnce) {
  StreamingHandler handler;
  HttpServer::Options options = FastOptions();
  options.drain_timeout = milliseconds(60000);
  auto server = StartStreaming(options, handler);
  RawClient client(server->port());
  client.Send(kGet);
  ASSERT_NE(handler.WaitForStream(), nullptr);
  auto stopped = std::async(std::launch::async, [&] { server->Shutdown(); });
  EXPECT_EQ(stopped.wait_for(milliseconds(5000)), std::future_status::ready)
      << "a stream has no natural end; the drain must not wait for one";
  EXPECT_TRUE(handler.WaitForEnded());
  bool closed = false;
  client.ReadUntilClosed(kGenerous, &closed);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace aievents
