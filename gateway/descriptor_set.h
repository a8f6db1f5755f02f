// The product API's descriptors, compiled into kiosk-gateway so the container
// needs no files: the FileDescriptorSet that proto/CMakeLists.txt writes with
// `protoc --include_imports --include_source_info` (comments included, for
// /openapi.json).
//
//   ASSIGN_OR_RETURN(std::vector<const ServiceDescriptor*> services,
//                    LoadServices(EmbeddedDescriptorSet(), "kiosk.", &pool));
#ifndef KIOSK_GATEWAY_DESCRIPTOR_SET_H_
#define KIOSK_GATEWAY_DESCRIPTOR_SET_H_

#include <google/protobuf/descriptor.h>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::gateway {

absl::string_view EmbeddedDescriptorSet();

// Builds every file of the serialized FileDescriptorSet into `pool` (files
// in dependency order, as protoc writes them) and returns the services whose
// full name starts with `service_prefix`.
absl::StatusOr<std::vector<const google::protobuf::ServiceDescriptor*>> LoadServices(
    absl::string_view descriptor_set, absl::string_view service_prefix,
    google::protobuf::DescriptorPool* pool);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_DESCRIPTOR_SET_H_
