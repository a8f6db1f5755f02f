// Every gRPC method of our services, from the descriptors linked into this
// binary (the protos every service is built from), and a raw call to one.
#ifndef KIOSK_TESTS_SECURITY_GRPC_METHODS_H_
#define KIOSK_TESTS_SECURITY_GRPC_METHODS_H_

#include <grpcpp/grpcpp.h>

#include <map>
#include <string>
#include <vector>

namespace kiosk::testing {

struct GrpcMethod {
  std::string binary;  // "kiosk-users"
  std::string path;    // "/kiosk.users.v1.UsersService/Me"
};

// Every method of every kiosk.*.v1 service (kiosk.users.v1 -> kiosk-users).
std::vector<GrpcMethod> AllKioskGrpcMethods();

// A unary call of `path` with an empty request and `metadata`; its status.
grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& path,
                                  const std::multimap<std::string, std::string>& metadata);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SECURITY_GRPC_METHODS_H_
