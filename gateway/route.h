// One REST route compiled from a google.api.http rule (or one of its
// additional_bindings): what the route table matches and what the
// transcoder and the OpenAPI generator read.
#ifndef KIOSK_GATEWAY_ROUTE_H_
#define KIOSK_GATEWAY_ROUTE_H_

#include <google/protobuf/descriptor.h>

#include <string>

#include "gateway/path_template.h"

namespace kiosk::gateway {

struct Route {
  std::string http_method;  // "GET", "POST", "PUT", "PATCH", "DELETE"
  PathTemplate path;
  const google::protobuf::MethodDescriptor* method = nullptr;
  // "" = no body, "*" = the whole request message, else a top-level field.
  std::string body;
  // "" = the whole response message, else a top-level field.
  std::string response_body;
  // "/kiosk.users.v1.UsersService/Login", as gRPC calls it.
  std::string rpc_path;
  // Index of the binding: 0 = the main rule, 1.. = additional_bindings.
  int binding_index = 0;
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_ROUTE_H_
