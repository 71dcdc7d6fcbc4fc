// machine_probe: what this machine charges for the things the request path does most: a system
// call, and a round trip between two threads over loopback TCP (a message to another process
// and its answer, the unit of every gRPC and PostgreSQL exchange). docs/performance.md explains
// why these two numbers bound the suite's throughput on a given machine.
//
//   machine_probe [--round-trips=20000]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/runtime/config_source.h"

namespace {

using Clock = std::chrono::steady_clock;

double MicrosSince(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

int Socket() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

}  // namespace

int main(int argc, char** argv) {
  aievents::ConfigSource source = aievents::ConfigSource::FromProcess(argc, argv);
  int round_trips = source.Int("round-trips", 20000, 1, 10000000, "loopback round trips to time");
  if (auto status = source.Finish(); !status.ok()) {
    std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
    return 2;
  }
  constexpr int kSyscalls = 1000000;
  auto start = Clock::now();
  for (int i = 0; i < kSyscalls; ++i) syscall(SYS_getppid);
  std::printf("system call: %.3f us\n", MicrosSince(start) / kSyscalls);

  int listener = Socket();
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    std::perror("listen");
    return 1;
  }
  std::thread echo([listener] {
    int peer = accept(listener, nullptr, nullptr);
    int one = 1;
    setsockopt(peer, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    char buffer[64];
    while (read(peer, buffer, sizeof(buffer)) > 0) (void)write(peer, buffer, sizeof(buffer));
    close(peer);
  });
  int client = Socket();
  if (connect(client, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    std::perror("connect");
    return 1;
  }
  char message[64] = {};
  start = Clock::now();
  for (int i = 0; i < round_trips; ++i) {
    (void)write(client, message, sizeof(message));
    size_t got = 0;
    while (got < sizeof(message)) {
      ssize_t n = read(client, message + got, sizeof(message) - got);
      if (n <= 0) return 1;
      got += static_cast<size_t>(n);
    }
  }
  std::printf("loopback TCP round trip between two threads: %.1f us\n",
              MicrosSince(start) / round_trips);
  close(client);
  echo.join();
  close(listener);
  return 0;
}
