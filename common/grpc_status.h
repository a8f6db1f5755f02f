// absl::Status <-> grpc::Status, in one place. The canonical codes are the
// same numbers in both, so the translation keeps code and message as they are.
#ifndef KIOSK_COMMON_GRPC_STATUS_H_
#define KIOSK_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kiosk {

grpc::Status ToGrpcStatus(const absl::Status& status);
// The canonical name of a gRPC code ("NOT_FOUND"); "UNKNOWN" outside 0..16.
absl::string_view GrpcCodeName(int code);
inline constexpr int kGrpcCodeCount = 17;
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace kiosk

#endif  // KIOSK_COMMON_GRPC_STATUS_H_
