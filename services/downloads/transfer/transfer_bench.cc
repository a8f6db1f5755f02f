// Copy throughput of Transfer (copy_file_range + fsync + rename) against
// `cp` for one large file in the same folders, and the time of a hardlink.
// Prints numbers; run via ./kiosk bench. Environment:
//   TRANSFER_BENCH_DIR  folder to work in (default /tmp; the library and the
//                       downloads are both under it, so one filesystem)
//   TRANSFER_BENCH_MIB  file size in MiB (default 1024)
// The page cache is dropped before each cold run when /proc/sys/vm/drop_caches
// is writable (root outside a container); the output says whether it was.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/downloads/transfer/transfer.h"
#include "common/testing/bench_result.h"

namespace {

namespace transfer = kiosk::downloads::transfer;

std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

bool DropCaches() {
  ::sync();
  int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool ok = ::write(fd, "3", 1) == 1;
  ::close(fd);
  return ok;
}

bool WriteSource(const std::string& path, int64_t bytes) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::vector<uint64_t> block((8 << 20) / 8);
  std::mt19937_64 random(1);
  for (int64_t done = 0; done < bytes;) {
    for (uint64_t& word : block) word = random();
    size_t n = static_cast<size_t>(std::min<int64_t>(block.size() * 8, bytes - done));
    if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) return false;
    done += n;
  }
  bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

// Runs `cp source destination`, then (when `sync`) fsyncs the copy, as
// Transfer does; returns seconds.
double RunCp(const std::string& source, const std::string& destination, bool sync) {
  absl::Time start = absl::Now();
  pid_t child = ::fork();
  if (child == 0) {
    ::execlp("cp", "cp", source.c_str(), destination.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  if (sync) {
    int fd = ::open(destination.c_str(), O_RDONLY | O_CLOEXEC);
    ::fsync(fd);
    ::close(fd);
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? seconds : -1;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

}  // namespace

int main() {
  const std::string base = Env("TRANSFER_BENCH_DIR", "/tmp");
  const int64_t mib = std::atoll(Env("TRANSFER_BENCH_MIB", "1024").c_str());
  const int64_t bytes = mib << 20;
  std::string pattern = base + "/transfer-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    std::fprintf(stderr, "transfer_bench: cannot create a folder in %s: %s\n", base.c_str(),
                 std::strerror(errno));
    return 1;
  }
  const std::string dir = pattern;
  const std::string downloads = dir + "/downloads";
  const std::string library = dir + "/library";
  std::filesystem::create_directories(downloads);
  std::filesystem::create_directories(library);
  const std::string source = downloads + "/Movie.2019.1080p.BluRay.x264-GRP.mkv";
  if (!WriteSource(source, bytes)) {
    std::fprintf(stderr, "transfer_bench: cannot write %lld MiB in %s\n",
                 static_cast<long long>(mib), dir.c_str());
    std::filesystem::remove_all(dir);
    return 1;
  }
  const bool can_drop = DropCaches();
  std::printf("transfer_bench: %lld MiB file in %s; page cache %s\n", static_cast<long long>(mib),
              dir.c_str(),
              can_drop ? "dropped before cold runs"
                       : "NOT droppable here (all runs are warm: source in cache)");

  constexpr int kRuns = 3;
  std::vector<double> ours_warm, ours_cold, cp_warm, cp_cold, cp_sync_warm;
  int failures = 0;
  for (int run = 0; run < kRuns; ++run) {
    for (bool cold : {false, true}) {
      if (cold && !can_drop) continue;
      // Ours: copy_file_range into the partial, fsync, rename, fsync folder.
      std::filesystem::remove_all(library + "/Movie (2019)");
      if (cold) DropCaches();
      absl::StatusOr<transfer::TransferResult> result =
          transfer::Transfer({.source = source,
                              .library_root = library,
                              .relative_destination = "Movie (2019)/Movie (2019).mkv",
                              .mode = transfer::TransferMode::kCopy},
                             nullptr);
      if (!result.ok()) {
        std::fprintf(stderr, "transfer_bench: %s\n", result.status().ToString().c_str());
        ++failures;
        continue;
      }
      (cold ? ours_cold : ours_warm).push_back(absl::ToDoubleSeconds(result->duration));
      // cp into the same folder (no fsync: what `cp` alone costs).
      std::string cp_dest = library + "/Movie (2019)/cp.mkv";
      std::filesystem::remove(cp_dest);
      ::sync();
      if (cold) DropCaches();
      double cp_seconds = RunCp(source, cp_dest, /*sync=*/false);
      ::sync();
      if (cp_seconds > 0) (cold ? cp_cold : cp_warm).push_back(cp_seconds);
      if (!cold) {
        std::filesystem::remove(cp_dest);
        ::sync();
        double synced = RunCp(source, cp_dest, /*sync=*/true);
        if (synced > 0) cp_sync_warm.push_back(synced);
      }
      std::filesystem::remove(cp_dest);
    }
  }
  auto line = [&](const char* what, const std::vector<double>& seconds) {
    if (seconds.empty()) return;
    double s = Median(seconds);
    std::printf("  %-40s %8.3f s  %8.1f MiB/s  (median of %zu)\n", what, s,
                static_cast<double>(mib) / s, seconds.size());
    kiosk::testing::PrintBenchResult(absl::StrCat(what, ", ", mib, " MiB"), s, "s");
  };
  std::printf("copy of %lld MiB, same filesystem:\n", static_cast<long long>(mib));
  line("Transfer copy, warm (incl. fsync+rename)", ours_warm);
  line("cp, warm (no fsync)", cp_warm);
  line("cp + fsync, warm", cp_sync_warm);
  line("Transfer copy, cold (incl. fsync+rename)", ours_cold);
  line("cp, cold (no fsync)", cp_cold);

  // Hardlink: the whole Transfer call (checks, linkat, folder fsync).
  std::vector<double> link_us;
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<transfer::TransferResult> result =
        transfer::Transfer({.source = source,
                            .library_root = library,
                            .relative_destination = absl::StrCat("Links/Movie ", i, ".mkv"),
                            .mode = transfer::TransferMode::kHardlink},
                           nullptr);
    if (!result.ok()) {
      std::fprintf(stderr, "transfer_bench: hardlink: %s\n", result.status().ToString().c_str());
      ++failures;
      break;
    }
    link_us.push_back(absl::ToDoubleMicroseconds(result->duration));
  }
  if (!link_us.empty()) {
    std::sort(link_us.begin(), link_us.end());
    std::printf(
        "hardlink Transfer of the same file: p50 %.0f us  p99 %.0f us  (%zu links, incl. folder "
        "fsync)\n",
        link_us[link_us.size() / 2],
        link_us[std::min(link_us.size() - 1, link_us.size() * 99 / 100)], link_us.size());
    kiosk::testing::PrintBenchResult("hardlink Transfer p50", link_us[link_us.size() / 2] / 1000, "ms");
  }
  std::filesystem::remove_all(dir);
  return failures == 0 ? 0 : 1;
}
