#include "gateway/testing/http_test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::gateway::testing {
namespace {

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{.tv_sec = 30, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool WriteAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

// Parses one answer from the front of `buffer`; false when incomplete.
bool ParseOne(std::string& buffer, HttpTestResponse* out) {
  size_t end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  std::vector<std::string> lines = absl::StrSplit(buffer.substr(0, end), "\r\n");
  HttpTestResponse response;
  std::vector<std::string> status_line = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  if (status_line.size() < 2 || !absl::SimpleAtoi(status_line[1], &response.status)) return false;
  size_t length = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    size_t colon = lines[i].find(':');
    if (colon == std::string::npos) continue;
    std::string name = absl::AsciiStrToLower(lines[i].substr(0, colon));
    std::string value(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
    if (name == "content-length") absl::SimpleAtoi(value, &length);
    response.headers[name] = value;
  }
  if (buffer.size() < end + 4 + length) return false;
  response.body = buffer.substr(end + 4, length);
  buffer.erase(0, end + 4 + length);
  *out = std::move(response);
  return true;
}

}  // namespace

std::vector<HttpTestResponse> HttpRaw(int port, const std::string& raw, int responses) {
  std::vector<HttpTestResponse> answers;
  int fd = Connect(port);
  if (fd < 0) return answers;
  WriteAll(fd, raw);  // the server may answer (413) before reading everything
  std::string buffer;
  char chunk[65536];
  while (static_cast<int>(answers.size()) < responses) {
    HttpTestResponse parsed;
    if (ParseOne(buffer, &parsed)) {
      answers.push_back(std::move(parsed));
      continue;
    }
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buffer.append(chunk, static_cast<size_t>(n));
  }
  close(fd);
  return answers;
}

HttpTestResponse HttpCall(int port, const std::string& method, const std::string& target,
                          const std::string& body, const std::vector<std::string>& headers) {
  std::string raw = absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                 "Connection: close\r\n");
  for (const std::string& header : headers) absl::StrAppend(&raw, header, "\r\n");
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    absl::StrAppend(&raw, "Content-Type: application/json\r\nContent-Length: ", body.size(),
                    "\r\n");
  }
  absl::StrAppend(&raw, "\r\n", body);
  std::vector<HttpTestResponse> answers = HttpRaw(port, raw, 1);
  return answers.empty() ? HttpTestResponse{} : answers[0];
}

}  // namespace kiosk::gateway::testing
