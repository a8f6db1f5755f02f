#include "gateway/openapi_testing.h"

#include <google/protobuf/descriptor.pb.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;

// The rule of `method`, read through the generated MethodOptions so the
// extension is known whatever pool the descriptor comes from.
bool HttpRuleOf(const gp::MethodDescriptor& method, google::api::HttpRule* rule) {
  gp::MethodOptions options;
  if (!options.ParseFromString(method.options().SerializeAsString())) return false;
  if (!options.HasExtension(google::api::http)) return false;
  *rule = options.GetExtension(google::api::http);
  return true;
}

absl::Status AppendRoute(const gp::MethodDescriptor& method, const google::api::HttpRule& rule,
                         int binding_index, std::vector<Route>& routes) {
  Route route;
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET", path = rule.get();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT", path = rule.put();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST", path = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE", path = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH", path = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = absl::AsciiStrToUpper(rule.custom().kind()), path = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(method.full_name(), ": no pattern"));
  }
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method.full_name(), ": ", parsed.status().message()));
  }
  route.path = *std::move(parsed);
  route.method = &method;
  route.body = rule.body();
  route.response_body = rule.response_body();
  route.rpc_path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  route.binding_index = binding_index;
  routes.push_back(std::move(route));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<const gp::FileDescriptor*>> LoadDescriptorSet(const std::string& path,
                                                                         gp::DescriptorPool& pool) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  gp::FileDescriptorSet set;
  if (!set.ParseFromString(bytes.str())) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a FileDescriptorSet"));
  }
  std::vector<const gp::FileDescriptor*> files;
  for (const gp::FileDescriptorProto& proto : set.file()) {
    const gp::FileDescriptor* file = pool.BuildFile(proto);
    if (file == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": cannot build ", proto.name()));
    }
    files.push_back(file);
  }
  return files;
}

absl::StatusOr<std::vector<Route>> RoutesOfFiles(
    const std::vector<const gp::FileDescriptor*>& files) {
  std::vector<Route> routes;
  for (const gp::FileDescriptor* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      const gp::ServiceDescriptor& service = *file->service(s);
      for (int m = 0; m < service.method_count(); ++m) {
        const gp::MethodDescriptor& method = *service.method(m);
        google::api::HttpRule rule;
        if (!HttpRuleOf(method, &rule)) continue;
        absl::Status added = AppendRoute(method, rule, 0, routes);
        for (int b = 0; added.ok() && b < rule.additional_bindings_size(); ++b) {
          added = AppendRoute(method, rule.additional_bindings(b), b + 1, routes);
        }
        if (!added.ok()) return added;
      }
    }
  }
  return routes;
}

}  // namespace kiosk::gateway
