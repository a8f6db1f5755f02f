#include "common/testing/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

extern char** environ;

namespace kiosk::testing {

absl::StatusOr<Subprocess> Subprocess::Start(std::vector<std::string> argv,
                                             std::map<std::string, std::string> extra_env) {
  char path_template[] = "/tmp/kiosk-subprocess-XXXXXX";
  int fd = mkstemp(path_template);
  if (fd < 0) return absl::InternalError("mkstemp failed");

  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    if (extra_env.count(key) == 0) env_strings.push_back(entry);
  }
  for (const auto& [key, value] : extra_env) env_strings.push_back(absl::StrCat(key, "=", value));
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<char*> args;
  for (std::string& s : argv) args.push_back(s.data());
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fd, STDERR_FILENO);
  // Nothing else of ours leaks into the child: a test's listening sockets
  // (Boost.Asio does not set close-on-exec) would otherwise stay open in
  // every service and PostgreSQL it starts, and keep answering after the test
  // closed them.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  // The child must not inherit our blocked-signal mask (gtest may block none,
  // but be explicit so SIGTERM reaches the child's own handling).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(fd);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(rc)));
  }
  return Subprocess(pid, path_template);
}

Subprocess::Subprocess(Subprocess&& other) noexcept
    : pid_(other.pid_), output_path_(std::move(other.output_path_)), exit_code_(other.exit_code_) {
  other.pid_ = -1;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !exit_code_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (pid_ > 0) unlink(output_path_.c_str());
}

void Subprocess::Signal(int sig) const {
  if (pid_ > 0 && !exit_code_) kill(pid_, sig);
}

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!exit_code_) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (absl::Now() > deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return exit_code_;
}

std::string Subprocess::Output() const {
  std::ifstream in(output_path_);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

std::optional<std::string> Subprocess::WaitForOutput(const std::string& needle,
                                                     absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  for (;;) {
    for (absl::string_view line : absl::StrSplit(Output(), '\n')) {
      if (line.find(needle) != absl::string_view::npos) return std::string(line);
    }
    if (absl::Now() > deadline || Wait(absl::ZeroDuration()).has_value()) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

int WaitForListeningPort(Subprocess& proc, absl::Duration timeout) {
  std::optional<std::string> line = proc.WaitForOutput("event=listening", timeout);
  if (!line) return 0;
  size_t at = line->find(" port=");
  if (at == std::string::npos) return 0;
  std::string digits = line->substr(at + 6);
  digits = digits.substr(0, digits.find_first_not_of("0123456789"));
  int port = 0;
  return absl::SimpleAtoi(digits, &port) ? port : 0;
}

}  // namespace kiosk::testing
