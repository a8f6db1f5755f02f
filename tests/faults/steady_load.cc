#include "tests/faults/steady_load.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kiosk::testing {

SteadyLoad::SteadyLoad(double rate, int threads, Op op) : op_(std::move(op)) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, i, rate, threads] { Work(i, rate / threads); });
  }
}

SteadyLoad::~SteadyLoad() { Stop(); }

void SteadyLoad::Work(int worker, double rate) {
  const absl::Duration period = absl::Seconds(1.0 / rate);
  absl::Time next = absl::Now();
  for (int64_t n = 0; !stop_.load(); ++n) {
    absl::Time start = absl::Now();
    LoadCall call = op_(worker, n);
    LoadRecord record{std::move(call), start, absl::Now() - start};
    {
      std::lock_guard<std::mutex> lock(mu_);
      records_.push_back(std::move(record));
    }
    // Open-loop pacing, but a slow call does not cause a burst afterwards.
    next = std::max(next + period, absl::Now() - period);
    absl::SleepFor(next - absl::Now());
  }
}

std::vector<LoadRecord> SteadyLoad::Stop() {
  stop_.store(true);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

std::string Summarize(const std::vector<LoadRecord>& records, absl::Time from, absl::Time to) {
  struct Counts { int all = 0, ok = 0, c4 = 0, c5 = 0, none = 0; };
  std::map<std::string, Counts> by_kind;
  for (const LoadRecord& r : records) {
    if (r.start < from || r.start >= to) continue;
    Counts& c = by_kind[r.call.kind];
    ++c.all;
    int s = r.call.status;
    if (s >= 200 && s < 300) ++c.ok;
    else if (s >= 400 && s < 500) ++c.c4;
    else if (s >= 500) ++c.c5;
    else ++c.none;
  }
  std::string out;
  for (const auto& [kind, c] : by_kind) {
    absl::StrAppend(&out, kind, ": ", c.all, " calls, 2xx ", c.ok, ", 4xx ", c.c4, ", 5xx ",
                    c.c5, ", no answer ", c.none, "\n");
  }
  return out;
}

}  // namespace kiosk::testing
