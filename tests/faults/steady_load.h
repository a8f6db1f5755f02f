// Steady load for fault tests: `threads` workers call `op` at a combined
// `rate` per second until Stop(), each call recorded (what, HTTP status,
// when), so a test can say afterwards what was answered during the fault.
//
//   SteadyLoad load(200, 8, [&](int worker, int64_t n) { return LoadCall{"search", Get(...)}; });
//   ... fault ...
//   std::vector<LoadRecord> calls = load.Stop();
#ifndef KIOSK_TESTS_FAULTS_STEADY_LOAD_H_
#define KIOSK_TESTS_FAULTS_STEADY_LOAD_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace kiosk::testing {

struct LoadCall {
  std::string kind;  // "search", "create", ...
  int status = 0;    // HTTP status, 0 = no answer
  std::string detail{};  // what the op wants to check later (an id, a value)
};

struct LoadRecord {
  LoadCall call;
  absl::Time start;
  absl::Duration took;
};

class SteadyLoad {
 public:
  using Op = std::function<LoadCall(int worker, int64_t n)>;
  SteadyLoad(double rate, int threads, Op op);
  ~SteadyLoad();  // Stop()
  // Stops the workers (each finishes its call) and returns every record.
  std::vector<LoadRecord> Stop();

 private:
  void Work(int worker, double rate);
  Op op_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<LoadRecord> records_;
  std::vector<std::thread> threads_;
};

// "kind: N calls, 2xx A, 4xx B, 5xx C, no answer D" lines, one per kind.
std::string Summarize(const std::vector<LoadRecord>& records, absl::Time from, absl::Time to);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_STEADY_LOAD_H_
