// The gateway's gRPC side: one channel per upstream service, generic unary
// calls on raw wire bytes (no per-service stubs), a deadline on every call,
// and a background health watch for /readyz.
//
//   Upstreams upstreams({{"kiosk.users.v1.UsersService", "127.0.0.1:50051"}}, options);
//   upstreams.Call(route.method->service()->full_name(), route.rpc_path, wire, metadata,
//                  [](UpstreamReply reply) { ... });   // on a gRPC thread
//
// Channels connect lazily and reconnect within about a second once a service
// is back, so the gateway starts while upstreams are down and answers 503
// (UNAVAILABLE) for their routes meanwhile.
#ifndef KIOSK_GATEWAY_UPSTREAMS_H_
#define KIOSK_GATEWAY_UPSTREAMS_H_

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace kiosk::gateway {

struct UpstreamReply {
  grpc::Status status;
  std::string wire;                        // the reply message, when OK
  std::optional<int> retry_after_seconds;  // trailing metadata "retry-after"
  // UNAVAILABLE because the service could not be reached (its channel was not
  // connected), not an UNAVAILABLE the service answered itself.
  bool unreachable = false;
};

struct UpstreamOptions {
  absl::Duration deadline = absl::Seconds(30);
  absl::Duration health_interval = absl::Seconds(1);
};

class Upstreams {
 public:
  // service full name -> "host:port".
  Upstreams(std::map<std::string, std::string> addresses, UpstreamOptions options);
  ~Upstreams();
  Upstreams(const Upstreams&) = delete;
  Upstreams& operator=(const Upstreams&) = delete;

  bool Knows(const std::string& service) const { return channels_.count(service) > 0; }

  // `metadata` is sent as is (lower-case keys). `done` runs exactly once.
  void Call(const std::string& service, const std::string& rpc_path, std::string wire,
            const std::vector<std::pair<std::string, std::string>>& metadata,
            std::function<void(UpstreamReply)> done);

  // Last health answer of each service: true = SERVING.
  std::map<std::string, bool> Health() const;

 private:
  void WatchHealth();

  const UpstreamOptions options_;
  std::map<std::string, std::string> addresses_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, bool> serving_;
  std::thread watcher_;
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_UPSTREAMS_H_
