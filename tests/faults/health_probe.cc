#include "tests/faults/health_probe.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "grpc/health/v1/health.grpc.pb.h"

namespace kiosk::testing {

Health CheckHealth(const std::string& address) {
  // One channel per address, reused: a probe must not cost a connection.
  static std::mutex mu;
  static auto* channels = new std::map<std::string, std::shared_ptr<grpc::Channel>>();
  std::shared_ptr<grpc::Channel> channel;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto& slot = (*channels)[address];
    if (!slot) slot = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    channel = slot;
  }
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  if (!stub->Check(&ctx, request, &response).ok()) return Health::kUnreachable;
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING ? Health::kServing
                                                                             : Health::kNotServing;
}

const char* HealthName(Health health) {
  switch (health) {
    case Health::kServing: return "SERVING";
    case Health::kNotServing: return "NOT_SERVING";
    case Health::kUnreachable: return "UNREACHABLE";
  }
  return "?";
}

}  // namespace kiosk::testing
