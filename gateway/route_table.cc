#include "gateway/route_table.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;

absl::Status RuleError(const gp::MethodDescriptor& method, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("google.api.http rule of ", method.full_name(), ": ", problem));
}

// The rule's options as the generated google::api::HttpRule: the method may
// come from a pool built from a descriptor set, whose options are then a
// different message class; a round trip through the wire format reads them.
google::api::HttpRule ReadRule(const gp::MethodDescriptor& method, bool* present) {
  gp::MethodOptions options;
  options.ParseFromString(method.options().SerializeAsString());
  *present = options.HasExtension(google::api::http);
  return options.GetExtension(google::api::http);
}

absl::Status CheckVariableField(const gp::MethodDescriptor& method, absl::string_view path) {
  absl::StatusOr<const gp::FieldDescriptor*> field = FindFieldByPath(*method.input_type(), path);
  if (!field.ok()) {
    return RuleError(method,
                     absl::StrCat("path variable {", path, "}: ", field.status().message()));
  }
  if ((*field)->is_repeated() || (*field)->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) {
    return RuleError(
        method, absl::StrCat("path variable {", path, "} must name a single scalar field, not a ",
                             (*field)->is_repeated() ? "repeated" : "message", " field"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Route> CompileRule(const gp::MethodDescriptor& method,
                                  const google::api::HttpRule& rule, int binding_index) {
  Route route;
  route.method = &method;
  route.binding_index = binding_index;
  route.rpc_path = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  std::string path;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      path = rule.get();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      path = rule.post();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT";
      path = rule.put();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH";
      path = rule.patch();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE";
      path = rule.delete_();
      break;
    case google::api::HttpRule::kCustom:
      return RuleError(method, absl::StrCat("custom pattern \"", rule.custom().kind(),
                                            "\" is not supported; use get/post/put/patch/delete"));
    default:
      return RuleError(method, "no pattern (get, post, put, patch or delete)");
  }
  absl::StatusOr<PathTemplate> parsed = PathTemplate::Parse(path);
  if (!parsed.ok()) return RuleError(method, parsed.status().message());
  route.path = *std::move(parsed);
  for (const std::string& variable : route.path.FieldPaths()) {
    absl::Status ok = CheckVariableField(method, variable);
    if (!ok.ok()) return ok;
  }
  route.body = rule.body();
  if (!route.body.empty()) {
    if (route.http_method == "GET") return RuleError(method, "a GET rule cannot have a body");
    if (route.body != "*" && method.input_type()->FindFieldByName(route.body) == nullptr) {
      return RuleError(method, absl::StrCat("body \"", route.body, "\" is not a field of ",
                                            method.input_type()->full_name()));
    }
  }
  route.response_body = rule.response_body();
  if (!route.response_body.empty() &&
      method.output_type()->FindFieldByName(route.response_body) == nullptr) {
    return RuleError(method,
                     absl::StrCat("response_body \"", route.response_body, "\" is not a field of ",
                                  method.output_type()->full_name()));
  }
  if (method.client_streaming() || method.server_streaming()) {
    return RuleError(method, "streaming methods cannot be transcoded");
  }
  return route;
}

// Sort key: per segment 2 = literal, 1 = "*", 0 = "**"; higher first.
std::vector<int> Specificity(const Route& route) {
  std::vector<int> key;
  for (absl::string_view segment : absl::StrSplit(route.path.Shape(), '/')) {
    key.push_back(segment == "**" ? 0 : segment == "*" ? 1 : 2);
  }
  return key;
}

}  // namespace

absl::StatusOr<const gp::FieldDescriptor*> FindFieldByPath(const gp::Descriptor& message,
                                                           absl::string_view path) {
  const gp::Descriptor* current = &message;
  const gp::FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (current == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", field->name(), "\" is not a message, so \"", path, "\" names no field"));
    }
    field = current->FindFieldByName(std::string(part));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("no field \"", part, "\" in ", current->full_name()));
    }
    current = field->is_repeated() ? nullptr : field->message_type();
  }
  return field;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const gp::ServiceDescriptor*>& services) {
  RouteTable table;
  for (const gp::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const gp::MethodDescriptor& method = *service->method(i);
      bool present = false;
      google::api::HttpRule rule = ReadRule(method, &present);
      if (!present) continue;
      absl::StatusOr<Route> main = CompileRule(method, rule, 0);
      if (!main.ok()) return main.status();
      table.routes_.push_back(*std::move(main));
      for (int b = 0; b < rule.additional_bindings_size(); ++b) {
        const google::api::HttpRule& extra = rule.additional_bindings(b);
        if (extra.additional_bindings_size() > 0) {
          return RuleError(method, "additional_bindings cannot nest");
        }
        absl::StatusOr<Route> route = CompileRule(method, extra, b + 1);
        if (!route.ok()) return route.status();
        table.routes_.push_back(*std::move(route));
      }
    }
  }
  // Conflicts: one (method, shape) may belong to one rule only.
  std::map<std::pair<std::string, std::string>, const Route*> seen;
  for (const Route& route : table.routes_) {
    auto [it, inserted] =
        seen.emplace(std::make_pair(route.http_method, route.path.Shape()), &route);
    if (!inserted) {
      return RuleError(
          *route.method,
          absl::StrCat(route.http_method, " ", route.path.text(), " conflicts with the rule of ",
                       it->second->method->full_name(), " (", it->second->http_method, " ",
                       it->second->path.text(), ")"));
    }
  }
  std::stable_sort(table.routes_.begin(), table.routes_.end(),
                   [](const Route& a, const Route& b) { return Specificity(a) > Specificity(b); });
  return table;
}

RouteTable::Lookup RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  Lookup found;
  std::vector<PathBinding> bindings;
  for (const Route& route : routes_) {
    if (route.http_method == http_method) {
      if (found.route == nullptr && route.path.Match(path, &bindings)) {
        found.route = &route;
        found.bindings = std::move(bindings);
        found.allowed_methods.clear();
        return found;
      }
    } else if (route.path.Match(path, &bindings) &&
               std::find(found.allowed_methods.begin(), found.allowed_methods.end(),
                         route.http_method) == found.allowed_methods.end()) {
      found.allowed_methods.push_back(route.http_method);
    }
  }
  return found;
}

}  // namespace kiosk::gateway
