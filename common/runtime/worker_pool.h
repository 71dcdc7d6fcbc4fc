// A fixed number of threads that run submitted tasks in order of arrival: for blocking work
// (database transactions) that must not run on gRPC or HTTP I/O threads. The thread count
// bounds how much of that work runs at once.
#ifndef AIEVENTS_COMMON_RUNTIME_WORKER_POOL_H_
#define AIEVENTS_COMMON_RUNTIME_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aievents {

class WorkerPool {
 public:
  // `on_start` runs first on each thread (e.g. to lower its priority).
  explicit WorkerPool(int threads, std::function<void()> on_start = nullptr);
  // Runs what was submitted, then joins the threads.
  ~WorkerPool();

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; it runs on one of the pool's threads.
  void Submit(std::function<void()> task);

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable available_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace aievents

#endif  // AIEVENTS_COMMON_RUNTIME_WORKER_POOL_H_
