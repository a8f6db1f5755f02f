// Checks that the database answers, on a connection of its own (so a busy
// pool never makes a healthy database look down), and explains failures with
// what to do next.
//
//   DatabaseProbe probe(conninfo, "postgresql://kiosk@db:5432/plex_kiosk");
//   DatabaseCheck check = probe.Check();   // blocking, at most ~connect_timeout
#ifndef KIOSK_COMMON_DB_DATABASE_PROBE_H_
#define KIOSK_COMMON_DB_DATABASE_PROBE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <pqxx/connection>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"

namespace kiosk::db {

struct DatabaseCheck {
  bool reachable = false;
  std::string server_version;  // "15.18"
  int64_t round_trip_micros = 0;
  std::string error;           // with a hint; empty when reachable
};

class DatabaseProbe {
 public:
  // `conninfo` should carry a short connect_timeout (see ConnInfoWithDefaults).
  DatabaseProbe(std::string conninfo, std::string redacted_target);
  ~DatabaseProbe();

  DatabaseCheck Check();

 private:
  const std::string conninfo_;
  const std::string target_;
  std::mutex mu_;
  std::unique_ptr<pqxx::connection> connection_ ABSL_GUARDED_BY(mu_);
};

// "15.18" from libpq's 150018; "9.6.24" style for servers before 10.
std::string FormatServerVersion(int version);
// A person-readable reason with the next step, from a libpq error message.
std::string ExplainConnectionError(absl::string_view libpq_message, absl::string_view target);

}  // namespace kiosk::db

#endif  // KIOSK_COMMON_DB_DATABASE_PROBE_H_
