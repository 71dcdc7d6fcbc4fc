// Subscribers' endpoints for the outbound webhook benchmark (bench/run-ingest-bench.sh
// --only=webhooks): one HTTP server on 127.0.0.1 where POST /fast/... answers 204 at once and
// POST /slow/... never answers (the suite's attempt times out after 15 s). Asynchronous (the
// suite's own Boost.Beast server), so a held request costs a socket, not a thread, and the
// sinks take as little of the machine's CPU as possible from what is measured.
// Prints "port N" once listening, then every 5 s the requests counted so far; runs until its
// standard input closes.
#include <atomic>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/http/http_server.h"

int main() {
  using aievents::HttpResponder;
  std::atomic<long> fast{0}, slow{0};
  std::mutex held_mutex;
  std::vector<HttpResponder> held;  // never answered
  aievents::HttpServer::Options options;
  options.threads = 1;
  options.max_connections = 20000;
  options.drain_timeout = std::chrono::milliseconds(100);
  auto server = aievents::HttpServer::Start(
      options, [&](aievents::HttpRequest request, HttpResponder respond) {
        if (request.path.rfind("/slow/", 0) == 0) {
          ++slow;
          std::lock_guard lock(held_mutex);
          held.push_back(std::move(respond));
          return;
        }
        ++fast;
        aievents::HttpResponse response;
        response.status = 204;
        respond(std::move(response));
      });
  if (!server.ok()) {
    std::cerr << "webhook_sinks: " << server.status() << "\n";
    return 1;
  }
  std::cout << "port " << (*server)->port() << std::endl;
  std::atomic<bool> done{false};
  std::thread reporter([&] {
    while (!done) {
      for (int i = 0; i < 50 && !done; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::cout << "fast " << fast << " slow " << slow << std::endl;
    }
  });
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  done = true;
  reporter.join();
  (*server)->Shutdown();
  return 0;
}
