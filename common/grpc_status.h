// absl::Status <-> grpc::Status, in one place. The canonical codes are the
// same numbers in both, so the translation keeps code and message as they are.
#ifndef KIOSK_COMMON_GRPC_STATUS_H_
#define KIOSK_COMMON_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace kiosk {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace kiosk

#endif  // KIOSK_COMMON_GRPC_STATUS_H_
