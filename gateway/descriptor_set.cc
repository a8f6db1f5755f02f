#include "gateway/descriptor_set.h"

#include <google/protobuf/descriptor.pb.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern const unsigned char kKioskDescriptorSet[];
extern const std::size_t kKioskDescriptorSet_size;

namespace kiosk::gateway {

absl::string_view EmbeddedDescriptorSet() {
  return absl::string_view(reinterpret_cast<const char*>(kKioskDescriptorSet),
                           kKioskDescriptorSet_size);
}

absl::StatusOr<std::vector<const google::protobuf::ServiceDescriptor*>> LoadServices(
    absl::string_view descriptor_set, absl::string_view service_prefix,
    google::protobuf::DescriptorPool* pool) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(descriptor_set.data(), static_cast<int>(descriptor_set.size()))) {
    return absl::InvalidArgumentError("the descriptor set is not a FileDescriptorSet");
  }
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const google::protobuf::FileDescriptorProto& proto : set.file()) {
    const google::protobuf::FileDescriptor* file = pool->BuildFile(proto);
    if (file == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("descriptor set: cannot build ", proto.name(), " (missing imports?)"));
    }
    for (int i = 0; i < file->service_count(); ++i) {
      if (absl::StartsWith(file->service(i)->full_name(), service_prefix)) {
        services.push_back(file->service(i));
      }
    }
  }
  return services;
}

}  // namespace kiosk::gateway
