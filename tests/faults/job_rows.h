// Reads a service's jobs table directly, to see what the queue did during a
// fault: attempts, status, the last error, when each attempt started.
#ifndef KIOSK_TESTS_FAULTS_JOB_ROWS_H_
#define KIOSK_TESTS_FAULTS_JOB_ROWS_H_

#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kiosk::testing {

struct JobRow {
  int64_t id = 0;
  std::string status;
  int attempts = 0;
  std::string last_error;
};

// The newest job of `kind` in `schema` ("downloads"), if any.
inline std::optional<JobRow> NewestJob(const std::string& conninfo, const std::string& schema,
                                       const std::string& kind) {
  pqxx::connection db(conninfo);
  pqxx::work tx(db);
  pqxx::result r = tx.exec_params(
      absl::StrCat("SELECT id, status, attempts, coalesce(last_error, '') FROM ", schema,
                   ".jobs WHERE kind = $1 ORDER BY id DESC LIMIT 1"),
      kind);
  if (r.empty()) return std::nullopt;
  return JobRow{r[0][0].as<int64_t>(), r[0][1].as<std::string>(), r[0][2].as<int>(),
                r[0][3].as<std::string>()};
}

// Watches the newest job of `kind` until its attempts reach `attempts` (or
// `timeout`); the times at which each new attempt count was first seen are
// appended to `seen_at`.
inline std::optional<JobRow> WaitAttempts(const std::string& conninfo, const std::string& schema,
                                          const std::string& kind, int attempts,
                                          absl::Duration timeout,
                                          std::vector<absl::Time>* seen_at) {
  std::optional<JobRow> row;
  for (absl::Time end = absl::Now() + timeout; absl::Now() < end;) {
    row = NewestJob(conninfo, schema, kind);
    if (row && seen_at != nullptr && row->attempts > static_cast<int>(seen_at->size())) {
      while (static_cast<int>(seen_at->size()) < row->attempts) seen_at->push_back(absl::Now());
    }
    if (row && row->attempts >= attempts && row->status != "running") return row;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return row;
}

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FAULTS_JOB_ROWS_H_
