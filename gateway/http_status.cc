#include "gateway/http_status.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace kiosk::gateway {

int HttpStatusForGrpcCode(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;  // client closed request
    case grpc::StatusCode::UNKNOWN:
      return 500;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
      return 409;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::FAILED_PRECONDITION:
      return 400;  // as grpc-gateway: the request cannot run in the current state
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::INTERNAL:
      return 500;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DATA_LOSS:
      return 500;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}

std::string ErrorBody(grpc::StatusCode code, absl::string_view message,
                      std::optional<int> retry_after_seconds) {
  nlohmann::json details = nlohmann::json::array();
  if (retry_after_seconds) {
    details.push_back({{"@type", "type.googleapis.com/google.rpc.RetryInfo"},
                       {"retryDelay", absl::StrCat(*retry_after_seconds, "s")}});
  }
  nlohmann::json body = {{"code", static_cast<int>(code)},
                         {"message", std::string(message)},
                         {"details", std::move(details)}};
  // Replacement keeps invalid UTF-8 from an upstream message from throwing.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kiosk::gateway
