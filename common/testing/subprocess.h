// A child process for cross-binary tests: started with extra environment,
// output captured to a file, signalled and waited for.
//
//   Subprocess proc = *Subprocess::Start({bin, "--flag"}, {{"LISTEN_ADDR", "127.0.0.1:0"}});
//   proc.WaitForOutput("event=listening", absl::Seconds(10));
//   proc.Signal(SIGTERM);
//   EXPECT_EQ(proc.Wait(absl::Seconds(15)), 0);
#ifndef KIOSK_COMMON_TESTING_SUBPROCESS_H_
#define KIOSK_COMMON_TESTING_SUBPROCESS_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kiosk::testing {

class Subprocess {
 public:
  static absl::StatusOr<Subprocess> Start(std::vector<std::string> argv,
                                          std::map<std::string, std::string> extra_env);
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&&) = delete;
  ~Subprocess();  // SIGKILLs a child still running

  pid_t pid() const { return pid_; }
  void Signal(int sig) const;
  // Exit code, 128+signal when killed, or nullopt on timeout.
  std::optional<int> Wait(absl::Duration timeout);
  // Everything written to stdout and stderr so far.
  std::string Output() const;
  // The first output line containing `needle`, or nullopt on timeout/exit.
  std::optional<std::string> WaitForOutput(const std::string& needle, absl::Duration timeout);

 private:
  Subprocess(pid_t pid, std::string output_path)
      : pid_(pid), output_path_(std::move(output_path)) {}
  pid_t pid_;
  std::string output_path_;
  std::optional<int> exit_code_;
};

// The port a kiosk binary logged in its `event=listening ... port=N` line
// (it listens on port 0 in tests), or 0 when it did not within `timeout`.
int WaitForListeningPort(Subprocess& proc, absl::Duration timeout = absl::Seconds(20));

}  // namespace kiosk::testing

#endif  // KIOSK_COMMON_TESTING_SUBPROCESS_H_
