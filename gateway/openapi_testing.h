// Test support for the OpenAPI generator: loads a descriptor set written by
// `protoc --include_imports --include_source_info` into a DescriptorPool
// (comments included) and compiles the google.api.http rules of its services
// into Routes, additional_bindings included:
//
//   google::protobuf::DescriptorPool pool;
//   ASSIGN_OR_RETURN(std::vector<const google::protobuf::FileDescriptor*> files,
//                    LoadDescriptorSet(path, pool));
//   ASSIGN_OR_RETURN(std::vector<Route> routes, RoutesOfFiles(files));
//
// A stand-in for the gateway's route table so the generator can be tested on
// its own; it checks nothing beyond parsing the path templates.
#ifndef KIOSK_GATEWAY_OPENAPI_TESTING_H_
#define KIOSK_GATEWAY_OPENAPI_TESTING_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/route.h"

namespace kiosk::gateway {

// The files of the set, built into `pool` in order (dependencies first).
absl::StatusOr<std::vector<const google::protobuf::FileDescriptor*>> LoadDescriptorSet(
    const std::string& path, google::protobuf::DescriptorPool& pool);

// One Route per rule and additional binding of every annotated method of the
// files' services, in declaration order.
absl::StatusOr<std::vector<Route>> RoutesOfFiles(
    const std::vector<const google::protobuf::FileDescriptor*>& files);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_OPENAPI_TESTING_H_
