// A fixed set of threads with a bounded queue, for the blocking work
// (database calls) that gRPC callback handlers must not do on gRPC's threads.
//
//   Executor executor("db", /*threads=*/10, /*queue_limit=*/1000);
//   if (!executor.TrySubmit([=] { ...; reactor->Finish(status); })) {
//     reactor->Finish(grpc::Status(grpc::RESOURCE_EXHAUSTED, "server busy"));
//   }
//
// Shutdown() refuses new work, runs what is queued, and joins the threads.
#ifndef KIOSK_COMMON_SERVER_EXECUTOR_H_
#define KIOSK_COMMON_SERVER_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace kiosk::server {

class Executor {
 public:
  Executor(std::string name, int threads, size_t queue_limit);
  ~Executor();  // calls Shutdown()
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // False when the queue is full or the executor is shut down; the task is dropped.
  bool TrySubmit(std::function<void()> task);
  void Shutdown();

 private:
  void Loop();

  const std::string name_;
  const size_t queue_limit_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_EXECUTOR_H_
