#include "tests/security/grpc_methods.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/generic/generic_stub.h>

#include <future>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "kiosk/downloads/v1/downloads_service.grpc.pb.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "kiosk/plex/v1/plex_service.grpc.pb.h"
#include "kiosk/users/v1/users_service.grpc.pb.h"

namespace kiosk::testing {

std::vector<GrpcMethod> AllKioskGrpcMethods() {
  std::vector<GrpcMethod> methods;
  // One message of each service's file: the file's descriptor, linked in.
  for (const google::protobuf::FileDescriptor* descriptor :
       {users::v1::User::descriptor()->file(), media::v1::MediaRequest::descriptor()->file(),
        downloads::v1::Download::descriptor()->file(),
        plex::v1::RefreshPathRequest::descriptor()->file()}) {
    if (descriptor == nullptr) continue;
    for (int s = 0; s < descriptor->service_count(); ++s) {
      const google::protobuf::ServiceDescriptor* service = descriptor->service(s);
      std::vector<std::string> package = absl::StrSplit(service->full_name(), '.');
      for (int m = 0; m < service->method_count(); ++m) {
        methods.push_back(
            {absl::StrCat("kiosk-", package[1]),
             absl::StrCat("/", service->full_name(), "/", service->method(m)->name())});
      }
    }
  }
  return methods;
}

grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& path,
                                  const std::multimap<std::string, std::string>& metadata) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  // An empty message: one empty slice (a default ByteBuffer is no message).
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, path, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  return done.get_future().get();
}

}  // namespace kiosk::testing
