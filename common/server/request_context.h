// Request ids and RPC logging for every gRPC server, and outbound contexts
// that carry the id on to the next service.
//
// The server interceptor reads `x-request-id` from the caller's metadata (or
// generates one when absent or malformed), makes it visible through
// RequestId(ctx), echoes it in the response metadata, and logs one line per
// RPC with method, status code, duration and request id.
//
//   builder.experimental().SetInterceptorCreators(RequestContextInterceptors());
//   ...
//   std::unique_ptr<grpc::ClientContext> out = OutboundContext(ctx, absl::Seconds(5));
//   stub->Call(out.get(), request, &response);   // same x-request-id and caller, a deadline
#ifndef KIOSK_COMMON_SERVER_REQUEST_CONTEXT_H_
#define KIOSK_COMMON_SERVER_REQUEST_CONTEXT_H_

#include <grpcpp/client_context.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/request_id.h"

namespace kiosk::server {

using ::kiosk::IsAcceptableRequestId;
using ::kiosk::kRequestIdHeader;
using ::kiosk::NewRequestId;

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
RequestContextInterceptors();

// The request id of an incoming call ("" only if the interceptor is not installed).
std::string RequestId(const grpc::ServerContextBase& ctx);

// A client context with the caller's request id (or a new one when
// `incoming` is null), the caller's credentials (authorization, x-api-key),
// and a deadline `timeout` from now.
std::unique_ptr<grpc::ClientContext> OutboundContext(const grpc::ServerContextBase* incoming,
                                                     absl::Duration timeout);


}  // namespace kiosk::server

#endif  // KIOSK_COMMON_SERVER_REQUEST_CONTEXT_H_
