#include "gateway/upstreams.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace kiosk::gateway {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // Reconnect quickly once a service is back (gRPC's default backoff grows
  // to two minutes, during which every call fails).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

struct PendingCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  std::function<void(UpstreamReply)> done;
};

std::string ToString(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace

Upstreams::Upstreams(std::map<std::string, std::string> addresses, UpstreamOptions options)
    : options_(options), addresses_(std::move(addresses)) {
  for (const auto& [service, address] : addresses_) {
    channels_[service] = MakeChannel(address);
    serving_[service] = false;
  }
  watcher_ = std::thread([this] { WatchHealth(); });
}

Upstreams::~Upstreams() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  watcher_.join();
}

void Upstreams::Call(const std::string& service, const std::string& rpc_path, std::string wire,
                     const std::vector<std::pair<std::string, std::string>>& metadata,
                     std::function<void(UpstreamReply)> done) {
  auto channel = channels_.find(service);
  if (channel == channels_.end()) {
    done({grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no upstream for " + service), {}, {}});
    return;
  }
  auto* call = new PendingCall;
  call->done = std::move(done);
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + options_.deadline));
  for (const auto& [key, value] : metadata) call->context.AddMetadata(key, value);
  grpc::Slice slice(wire);
  call->request = grpc::ByteBuffer(&slice, 1);
  grpc::GenericStub stub(channel->second);
  stub.UnaryCall(
      &call->context, rpc_path, grpc::StubOptions(), &call->request, &call->response,
      [call, channel = channel->second](grpc::Status status) {
        std::unique_ptr<PendingCall> owned(call);
        UpstreamReply reply;
        reply.unreachable = status.error_code() == grpc::StatusCode::UNAVAILABLE &&
                            channel->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY;
        if (status.ok()) reply.wire = ToString(call->response);
        const auto& trailers = call->context.GetServerTrailingMetadata();
        auto retry = trailers.find("retry-after");
        int seconds = 0;
        if (retry != trailers.end() &&
            absl::SimpleAtoi(absl::string_view(retry->second.data(), retry->second.size()),
                             &seconds)) {
          reply.retry_after_seconds = seconds;
        }
        reply.status = std::move(status);
        owned->done(std::move(reply));
      });
}

std::map<std::string, bool> Upstreams::Health() const {
  std::lock_guard<std::mutex> lock(mu_);
  return serving_;
}

void Upstreams::WatchHealth() {
  std::map<std::string, std::unique_ptr<grpc::health::v1::Health::Stub>> stubs;
  for (const auto& [service, channel] : channels_) {
    stubs[service] = grpc::health::v1::Health::NewStub(channel);
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    std::map<std::string, bool> now;
    for (const auto& [service, stub] : stubs) {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Milliseconds(500)));
      grpc::health::v1::HealthCheckRequest request;
      request.set_service(service);
      grpc::health::v1::HealthCheckResponse response;
      grpc::Status status = stub->Check(&context, request, &response);
      now[service] =
          status.ok() && response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    }
    lock.lock();
    serving_ = std::move(now);
    wake_.wait_for(lock, absl::ToChronoMilliseconds(options_.health_interval),
                   [this] { return stopping_; });
  }
}

}  // namespace kiosk::gateway
