// Temporary folders and files for the transfer tests.
#ifndef KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_TEST_UTIL_H_
#define KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_TEST_UTIL_H_

#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

namespace kiosk::downloads::transfer::testing {

// A fresh folder under `parent`, removed with everything in it at the end.
class TempDir {
 public:
  explicit TempDir(const std::string& parent = "/tmp") {
    std::string pattern = parent + "/kiosk-transfer-XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& content) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

// `size` pseudo-random bytes (a seed per file, so two files differ).
inline void WriteRandomFile(const std::string& path, int64_t size, uint32_t seed = 1) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 random(seed);
  std::string block(1 << 20, '\0');
  for (int64_t done = 0; done < size;) {
    for (size_t i = 0; i + 8 <= block.size(); i += 8) {
      uint64_t word = random();
      std::memcpy(&block[i], &word, 8);
    }
    int64_t n = std::min<int64_t>(block.size(), size - done);
    out.write(block.data(), n);
    done += n;
  }
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::string content(static_cast<size_t>(in.tellg()), '\0');
  in.seekg(0);
  in.read(content.data(), static_cast<std::streamsize>(content.size()));
  return content;
}

inline bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

inline ino_t Inode(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

inline dev_t Device(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_dev : 0;
}

}  // namespace kiosk::downloads::transfer::testing

#endif  // KIOSK_SERVICES_DOWNLOADS_TRANSFER_TRANSFER_TEST_UTIL_H_
