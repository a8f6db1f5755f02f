// One machine-readable line per headline figure of a benchmark, next to its
// human-readable output, so bench/run can gather every benchmark's figures
// into one table (and bench/RESULTS.md):
//
//   RESULT<TAB>plex full sync 50k films<TAB>2.84<TAB>s<TAB>< 5 s
//
// `target` is the goal an issue set ("" when none).
#ifndef KIOSK_COMMON_TESTING_BENCH_RESULT_H_
#define KIOSK_COMMON_TESTING_BENCH_RESULT_H_

#include <cstdio>
#include <string>

namespace kiosk::testing {

inline void PrintBenchResult(const std::string& metric, double value, const std::string& unit,
                             const std::string& target = "") {
  std::printf("RESULT\t%s\t%.4g\t%s\t%s\n", metric.c_str(), value, unit.c_str(), target.c_str());
  std::fflush(stdout);
}

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_BENCH_RESULT_H_
