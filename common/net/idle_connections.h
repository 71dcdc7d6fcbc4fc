// Open connections kept between outbound attempts (HTTP/1.1 keep-alive), so that a busy
// endpoint costs one TCP connection (and one TLS handshake), not one per message. A connection
// is handed out again only for the same scheme, host and port, and only when its address is
// among those the new attempt's checked resolution allows (no way round the SSRF checks).
// Bounded per target and in all; a connection idle too long, closed by its server or carrying
// unexpected bytes is dropped instead of handed out.
#ifndef AIEVENTS_COMMON_NET_IDLE_CONNECTIONS_H_
#define AIEVENTS_COMMON_NET_IDLE_CONNECTIONS_H_

#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <cerrno>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace aievents {

struct IdleConnectionLimits {
  size_t per_target = 16;  // at least the deliveries one endpoint may have in flight
  size_t total = 1024;
  // Below the shortest keep-alive timeout servers commonly use (Node's 5 s), so that few
  // connections are closed by the server just as they are reused.
  absl::Duration max_idle = absl::Seconds(4);
};

template <typename Stream>
class IdleConnections {
 public:
  using Endpoint = boost::asio::ip::tcp::endpoint;

  explicit IdleConnections(IdleConnectionLimits limits = {}) : limits_(limits) {}

  // An open connection for `target` to one of `allowed`, or nullptr; `remote` gets its address.
  std::unique_ptr<Stream> Take(const std::string& target, const std::vector<Endpoint>& allowed,
                               Endpoint* remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = idle_.find(target);
    if (found == idle_.end()) return nullptr;
    std::vector<Idle>& idle = found->second;
    absl::Time now = absl::Now();
    // Newest first: the most recently used connection is the likeliest to be open still.
    for (size_t i = idle.size(); i-- > 0;) {
      if (now - idle[i].since > limits_.max_idle || !StillOpen(*idle[i].stream)) {
        Erase(idle, i);
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), idle[i].remote) == allowed.end()) continue;
      std::unique_ptr<Stream> stream = std::move(idle[i].stream);
      *remote = idle[i].remote;
      Erase(idle, i);
      if (idle.empty()) idle_.erase(found);
      return stream;
    }
    if (idle.empty()) idle_.erase(found);
    return nullptr;
  }

  // Keeps `stream` for later attempts to `target`, unless the limits are reached (it is then
  // closed).
  void Give(const std::string& target, std::unique_ptr<Stream> stream, Endpoint remote) {
    std::lock_guard<std::mutex> lock(mutex_);
    absl::Time now = absl::Now();
    std::vector<Idle>& idle = idle_[target];
    if (idle.size() >= limits_.per_target || total_ >= limits_.total) return;
    idle.push_back(Idle{std::move(stream), remote, now});
    ++total_;
  }

  // Closes what has been idle too long and what its server closed; to be called about every
  // second. Promptly, because some servers wait for the client's close (a TLS close_notify
  // answered) before they serve another connection.
  void Sweep() {
    std::lock_guard<std::mutex> lock(mutex_);
    absl::Time now = absl::Now();
    for (auto it = idle_.begin(); it != idle_.end();) {
      std::vector<Idle>& idle = it->second;
      for (size_t i = idle.size(); i-- > 0;) {
        if (now - idle[i].since > limits_.max_idle || !StillOpen(*idle[i].stream)) Erase(idle, i);
      }
      if (idle.empty()) {
        idle_.erase(it++);
      } else {
        ++it;
      }
    }
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return total_;
  }

 private:
  struct Idle {
    std::unique_ptr<Stream> stream;
    Endpoint remote;
    absl::Time since;
  };

  // True while the server has neither closed the connection nor sent anything unasked (a peek
  // that would block); a TLS close_notify is such an unasked byte.
  static bool StillOpen(Stream& stream) {
    char byte;
    int fd = boost::beast::get_lowest_layer(stream).socket().native_handle();
    ssize_t got = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void Erase(std::vector<Idle>& idle, size_t i) {
    idle.erase(idle.begin() + static_cast<std::ptrdiff_t>(i));
    --total_;
  }

  const IdleConnectionLimits limits_;
  // std::mutex, not absl::Mutex: Debian's Abseil is not built for ThreadSanitizer, which then
  // cannot see absl::Mutex hand-offs and reports races that are not there.
  std::mutex mutex_;  // guards idle_ and total_
  absl::flat_hash_map<std::string, std::vector<Idle>> idle_;
  size_t total_ = 0;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_NET_IDLE_CONNECTIONS_H_
