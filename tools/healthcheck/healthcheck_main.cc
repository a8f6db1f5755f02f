// kiosk-healthcheck: asks a gRPC server's grpc.health.v1 service whether it
// serves, like grpc_health_probe (which Debian does not ship), or an HTTP
// endpoint whether it answers 2xx (the gateway's /readyz). Used by
// `./kiosk up/status` and the container images' HEALTHCHECKs, which have no
// curl or shell.
//
//   kiosk-healthcheck --addr=127.0.0.1:50051 [--service=NAME] [--timeout-ms=1000]
//   kiosk-healthcheck --http=http://127.0.0.1:8765/readyz [--timeout-ms=1000]
//
// Exit codes: 0 SERVING (HTTP 2xx), 1 NOT_SERVING (or unknown service, or
// another HTTP status), 2 unreachable or bad arguments.
#include <curl/curl.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"

namespace {

constexpr char kUsage[] =
    "usage: kiosk-healthcheck --addr=HOST:PORT [--service=NAME] [--timeout-ms=N]\n"
    "       kiosk-healthcheck --http=URL [--timeout-ms=N]\n"
    "exit codes: 0 SERVING (HTTP 2xx), 1 NOT_SERVING (other HTTP status), 2 unreachable or bad "
    "arguments\n";

bool TakeValue(const char* arg, const char* flag, std::string* out) {
  size_t n = std::strlen(flag);
  if (std::strncmp(arg, flag, n) != 0 || arg[n] != '=') return false;
  *out = arg + n + 1;
  return true;
}

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

int CheckHttp(const std::string& url, long timeout_ms) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return 2;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    std::printf("%s: unreachable: %s\n", url.c_str(), curl_easy_strerror(rc));
    return 2;
  }
  std::printf("%s: HTTP %ld\n", url.c_str(), code);
  return code >= 200 && code < 300 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string addr, service, http, timeout_text = "1000";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (!TakeValue(argv[i], "--addr", &addr) && !TakeValue(argv[i], "--service", &service) &&
        !TakeValue(argv[i], "--http", &http) && !TakeValue(argv[i], "--timeout-ms", &timeout_text)) {
      std::fprintf(stderr, "kiosk-healthcheck: unknown argument %s\n%s", argv[i], kUsage);
      return 2;
    }
  }
  char* end = nullptr;
  long timeout_ms = std::strtol(timeout_text.c_str(), &end, 10);
  if (addr.empty() == http.empty() || *end != '\0' || timeout_ms <= 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  if (!http.empty()) return CheckHttp(http, timeout_ms);

  auto channel = grpc::CreateChannel(addr, grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(timeout_ms));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(service);
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub->Check(&ctx, request, &response);
  const char* label = service.empty() ? "(server)" : service.c_str();
  if (!status.ok()) {
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
      std::printf("%s %s: unknown service\n", addr.c_str(), label);
      return 1;
    }
    std::printf("%s %s: unreachable: %s\n", addr.c_str(), label, status.error_message().c_str());
    return 2;
  }
  std::printf("%s %s: %s\n", addr.c_str(), label,
              grpc::health::v1::HealthCheckResponse::ServingStatus_Name(response.status()).c_str());
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}
