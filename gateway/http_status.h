// The one table from gRPC status codes to HTTP statuses (as grpc-gateway and
// Envoy's transcoder map them), and the JSON error body every error answer
// carries: {"code": <grpc code>, "message": "...", "details": [...]}.
//
//   int http = HttpStatusForGrpcCode(grpc::StatusCode::NOT_FOUND);   // 404
//   std::string body = ErrorBody(grpc::StatusCode::NOT_FOUND, "no user 7");
#ifndef KIOSK_GATEWAY_HTTP_STATUS_H_
#define KIOSK_GATEWAY_HTTP_STATUS_H_

#include <grpcpp/support/status_code_enum.h>

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "common/grpc_status.h"

namespace kiosk::gateway {

int HttpStatusForGrpcCode(grpc::StatusCode code);

// The JSON error body. `retry_after_seconds` adds a google.rpc.RetryInfo
// detail (the HTTP answer also gets a Retry-After header).
std::string ErrorBody(grpc::StatusCode code, absl::string_view message,
                      std::optional<int> retry_after_seconds = std::nullopt);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_HTTP_STATUS_H_
