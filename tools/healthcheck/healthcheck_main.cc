// kiosk-healthcheck: asks a gRPC server's grpc.health.v1 service whether it
// serves, like grpc_health_probe (which Debian does not ship). Used by
// `./kiosk up/status` and container HEALTHCHECKs.
//
//   kiosk-healthcheck --addr=127.0.0.1:50051 [--service=NAME] [--timeout-ms=1000]
//
// Exit codes: 0 SERVING, 1 NOT_SERVING (or unknown service), 2 unreachable or
// bad arguments.
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
    "exit codes: 0 SERVING, 1 NOT_SERVING, 2 unreachable or bad arguments\n";

bool TakeValue(const char* arg, const char* flag, std::string* out) {
  size_t n = std::strlen(flag);
  if (std::strncmp(arg, flag, n) != 0 || arg[n] != '=') return false;
  *out = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string addr, service, timeout_text = "1000";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (!TakeValue(argv[i], "--addr", &addr) && !TakeValue(argv[i], "--service", &service) &&
        !TakeValue(argv[i], "--timeout-ms", &timeout_text)) {
      std::fprintf(stderr, "kiosk-healthcheck: unknown argument %s\n%s", argv[i], kUsage);
      return 2;
    }
  }
  char* end = nullptr;
  long timeout_ms = std::strtol(timeout_text.c_str(), &end, 10);
  if (addr.empty() || *end != '\0' || timeout_ms <= 0) {
    std::fputs(kUsage, stderr);
    return 2;
  }

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
