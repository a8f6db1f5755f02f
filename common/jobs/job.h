// A background job as the queue stores it (one row of <schema>.jobs).
#ifndef KIOSK_COMMON_JOBS_JOB_H_
#define KIOSK_COMMON_JOBS_JOB_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace kiosk::jobs {

// queued -> running -> succeeded | failed (a retry waits) -> ... | dead (no
// attempt left); queued or failed -> cancelled by an admin.
inline constexpr const char* kStatuses[] = {"queued", "running", "succeeded",
                                            "failed", "dead",    "cancelled"};
bool IsJobStatus(const std::string& status);
// Kinds and schedule names: [a-z][a-z0-9_.-]{0,99}, e.g. "plex.sync".
bool IsJobKind(const std::string& kind);

struct Job {
  int64_t id = 0;
  std::string kind;
  std::string payload;  // JSON text
  std::string status;
  int attempts = 0;  // including the running one
  int max_attempts = 0;
  absl::Time run_after;
  std::optional<std::string> locked_by;
  std::optional<absl::Time> locked_until;
  std::optional<std::string> last_error;
  std::optional<std::string> dedupe_key;
  absl::Time created_at;
  std::optional<absl::Time> started_at;
  std::optional<absl::Time> finished_at;
  // How far the running (or last) attempt got, as its handler reported it
  // with JobQueue::ReportProgress; unset until it reports. Reset when an
  // attempt starts.
  std::optional<int64_t> progress_done;
  std::optional<int64_t> progress_total;  // unset: unknown total
  std::optional<std::string> progress_note;
};

struct EnqueueOptions {
  // Unset = now.
  std::optional<absl::Time> run_after;
  int max_attempts = 5;
  // At most one job with this key may be queued, running or waiting for a
  // retry; enqueueing another is a no-op.
  std::string dedupe_key;
};

}  // namespace kiosk::jobs

#endif  // KIOSK_COMMON_JOBS_JOB_H_
