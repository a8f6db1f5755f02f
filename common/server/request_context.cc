#include "common/server/request_context.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/log/log.h"

namespace kiosk::server {
namespace {

namespace gx = grpc::experimental;

// Probes call health every few hundred milliseconds: keep them out of info logs.
bool IsHousekeeping(absl::string_view method) {
  return absl::StartsWith(method, "/grpc.health.") || absl::StartsWith(method, "/grpc.reflection.");
}

class RequestContextInterceptor final : public gx::Interceptor {
 public:
  explicit RequestContextInterceptor(gx::ServerRpcInfo* info)
      : method_(info->method() == nullptr ? "" : info->method()), start_(absl::Now()) {}

  void Intercept(gx::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      auto it = metadata->find(kRequestIdHeader);
      if (it != metadata->end() &&
          IsAcceptableRequestId(absl::string_view(it->second.data(), it->second.size()))) {
        request_id_.assign(it->second.data(), it->second.size());
      } else {
        // The map holds string_refs: point them at strings this object owns,
        // which live as long as the call.
        request_id_ = NewRequestId();
        if (it != metadata->end()) metadata->erase(it);
        metadata->emplace(grpc::string_ref(kRequestIdHeader), grpc::string_ref(request_id_));
      }
    }
    if (methods->QueryInterceptionHookPoint(
            gx::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      methods->GetSendInitialMetadata()->emplace(kRequestIdHeader, request_id_);
    }
    if (methods->QueryInterceptionHookPoint(gx::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      log::Level level = IsHousekeeping(method_) ? log::Level::kDebug
                         : status.error_code() == grpc::StatusCode::INTERNAL ||
                                 status.error_code() == grpc::StatusCode::UNKNOWN ||
                                 status.error_code() == grpc::StatusCode::DATA_LOSS
                             ? log::Level::kError
                             : log::Level::kInfo;
      log::Event event(level, "rpc");
      event.With("method", method_)
          .With("code",
                absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())))
          .With("duration_ms", absl::ToDoubleMilliseconds(absl::Now() - start_))
          .With("request_id", request_id_);
      if (!status.ok()) event.With("error", status.error_message());
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  absl::Time start_;
  std::string request_id_;
};

class RequestContextInterceptorFactory final : public gx::ServerInterceptorFactoryInterface {
 public:
  gx::Interceptor* CreateServerInterceptor(gx::ServerRpcInfo* info) override {
    return new RequestContextInterceptor(info);
  }
};

}  // namespace

std::vector<std::unique_ptr<gx::ServerInterceptorFactoryInterface>> RequestContextInterceptors() {
  std::vector<std::unique_ptr<gx::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<RequestContextInterceptorFactory>());
  return factories;
}

std::string RequestId(const grpc::ServerContextBase& ctx) {
  const auto& metadata = ctx.client_metadata();
  auto it = metadata.find(kRequestIdHeader);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

std::unique_ptr<grpc::ClientContext> OutboundContext(const grpc::ServerContextBase* incoming,
                                                     absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  std::string id = incoming != nullptr ? RequestId(*incoming) : "";
  ctx->AddMetadata(kRequestIdHeader, id.empty() ? NewRequestId() : id);
  // The next service checks the same caller: pass the credentials on.
  if (incoming != nullptr) {
    for (const char* header : {"authorization", "x-api-key"}) {
      auto it = incoming->client_metadata().find(header);
      if (it != incoming->client_metadata().end()) {
        ctx->AddMetadata(header, std::string(it->second.data(), it->second.size()));
      }
    }
  }
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return ctx;
}

}  // namespace kiosk::server
