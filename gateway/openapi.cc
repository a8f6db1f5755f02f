#include "gateway/openapi.h"

#include <google/protobuf/descriptor.pb.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gateway/openapi_schema.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;
using nlohmann::json;

constexpr char kJsonMediaType[] = "application/json";
constexpr char kErrorSchema[] = "Error";

// The variables of a template that have an explicit pattern:
// "/v1/{name=shelves/*}/{id}" -> {"name": "shelves/*"}.
std::map<std::string, std::string> VariablePatterns(const std::string& text) {
  std::map<std::string, std::string> patterns;
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open)) {
    const size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    const std::string variable = text.substr(open + 1, close - open - 1);
    const size_t eq = variable.find('=');
    if (eq != std::string::npos) patterns[variable.substr(0, eq)] = variable.substr(eq + 1);
    open = close;
  }
  return patterns;
}

// The field a dotted path ("book.id") names in `message`; null if none.
const gp::FieldDescriptor* FindFieldByDottedPath(const gp::Descriptor& message,
                                                 const std::string& path) {
  const gp::Descriptor* current = &message;
  const gp::FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (current == nullptr) return nullptr;
    field = current->FindFieldByName(std::string(part));
    if (field == nullptr) return nullptr;
    current = field->message_type();
  }
  return field;
}

std::string CollapseWhitespace(const std::string& text) {
  return absl::StrJoin(absl::StrSplit(text, absl::ByAnyChar(" \n\t"), absl::SkipEmpty()), " ");
}

json PathParameters(const Route& route, OpenApiSchemas& schemas) {
  json parameters = json::array();
  const std::map<std::string, std::string> patterns = VariablePatterns(route.path.text());
  for (const std::string& field_path : route.path.FieldPaths()) {
    const gp::FieldDescriptor* field =
        FindFieldByDottedPath(*route.method->input_type(), field_path);
    json parameter = {{"name", field_path}, {"in", "path"}, {"required", true}};
    parameter["schema"] = field != nullptr ? schemas.ValueSchema(*field) : json{{"type", "string"}};
    std::string description = field != nullptr ? CommentOf(*field) : "";
    auto pattern = patterns.find(field_path);
    if (pattern != patterns.end() && pattern->second != "*") {
      absl::StrAppend(&description, description.empty() ? "" : "\n\n", "Path pattern: `",
                      pattern->second, "`.");
    }
    if (!description.empty()) parameter["description"] = description;
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

json QueryParameter(const gp::FieldDescriptor& field, const std::string& name,
                    OpenApiSchemas& schemas) {
  json parameter = {{"name", name}, {"in", "query"}};
  if (field.is_repeated()) {
    // ?ids=1&ids=2
    parameter["schema"] = {{"type", "array"}, {"items", schemas.ValueSchema(field)}};
    parameter["style"] = "form";
    parameter["explode"] = true;
  } else {
    parameter["schema"] = schemas.ValueSchema(field);
  }
  const std::string comment = CommentOf(field);
  if (!comment.empty()) parameter["description"] = comment;
  if (field.options().deprecated()) parameter["deprecated"] = true;
  return parameter;
}

// Appends the query parameters of `message`'s fields: scalars, enums, scalar
// well-known types and repeated ones, recursing through singular messages
// (`stack` stops recursive messages). Skips maps, repeated messages, other
// well-known types and the field paths in `excluded` (bound by the path or
// the body).
void AppendQueryParameters(const gp::Descriptor& message, const std::string& proto_prefix,
                           const std::string& json_prefix, const std::set<std::string>& excluded,
                           std::vector<const gp::Descriptor*>& stack, OpenApiSchemas& schemas,
                           json& parameters) {
  for (int i = 0; i < message.field_count(); ++i) {
    const gp::FieldDescriptor& field = *message.field(i);
    const std::string proto_path = proto_prefix + field.name();
    const std::string json_path = json_prefix + field.json_name();
    if (excluded.count(proto_path) > 0 || field.is_map()) continue;
    const gp::Descriptor* nested = field.message_type();
    if (nested == nullptr || IsScalarWellKnownType(*nested)) {
      parameters.push_back(QueryParameter(field, json_path, schemas));
      continue;
    }
    if (field.is_repeated() || WellKnownTypeSchema(*nested).has_value()) continue;
    bool recursive = false;
    for (const gp::Descriptor* seen : stack) recursive = recursive || seen == nested;
    if (recursive) continue;
    stack.push_back(nested);
    AppendQueryParameters(*nested, proto_path + ".", json_path + ".", excluded, stack, schemas,
                          parameters);
    stack.pop_back();
  }
}

json Parameters(const Route& route, OpenApiSchemas& schemas) {
  json parameters = PathParameters(route, schemas);
  if (route.body == "*") return parameters;
  const std::vector<std::string> path_fields = route.path.FieldPaths();
  std::set<std::string> excluded(path_fields.begin(), path_fields.end());
  if (!route.body.empty()) excluded.insert(route.body);
  std::vector<const gp::Descriptor*> stack = {route.method->input_type()};
  AppendQueryParameters(*route.method->input_type(), "", "", excluded, stack, schemas, parameters);
  return parameters;
}

// Schema of the whole message, or of its top-level field `field_name` ("" =
// whole); null when the field does not exist.
json BodySchema(const gp::Descriptor& message, const std::string& field_name,
                OpenApiSchemas& schemas) {
  if (field_name.empty() || field_name == "*") return schemas.MessageSchema(message);
  const gp::FieldDescriptor* field = message.FindFieldByName(field_name);
  if (field == nullptr) return nullptr;
  return schemas.FieldSchema(*field);
}

json JsonContent(json schema) { return {{kJsonMediaType, {{"schema", std::move(schema)}}}}; }

json Operation(const Route& route, const OpenApiInfo& info, const std::string& operation_id,
               OpenApiSchemas& schemas) {
  const gp::MethodDescriptor& method = *route.method;
  json operation = {{"operationId", operation_id},
                    {"tags", json::array({method.service()->name()})}};
  const std::string comment = CommentOf(method);
  if (!comment.empty()) {
    const std::string summary = FirstSentence(comment);
    operation["summary"] = summary;
    if (summary != CollapseWhitespace(comment)) operation["description"] = comment;
  }
  json parameters = Parameters(route, schemas);
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);
  if (!route.body.empty()) {
    json schema = BodySchema(*method.input_type(), route.body, schemas);
    if (!schema.is_null()) {
      operation["requestBody"] = {{"required", true}, {"content", JsonContent(std::move(schema))}};
    }
  }
  json ok = {{"description", "OK"}};
  json response = BodySchema(*method.output_type(), route.response_body, schemas);
  if (!response.is_null()) ok["content"] = JsonContent(std::move(response));
  operation["responses"] = {
      {"200", std::move(ok)},
      {"default",
       {{"description", "An error: the gRPC status code, a message and details."},
        {"content",
         JsonContent({{"$ref", absl::StrCat("#/components/schemas/", kErrorSchema)}})}}}};
  if (info.public_rpcs.count(route.rpc_path) > 0) operation["security"] = json::array();
  return operation;
}

std::string UniqueOperationId(const Route& route, std::set<std::string>& used) {
  std::string id = absl::StrCat(route.method->service()->name(), "_", route.method->name());
  if (route.binding_index > 0) absl::StrAppend(&id, "_", route.binding_index);
  // Two services of one short name in different packages.
  std::string unique = id;
  for (int n = 2; used.count(unique) > 0; ++n) unique = absl::StrCat(id, "_", n);
  used.insert(unique);
  return unique;
}

json ErrorSchema() {
  return {{"type", "object"},
          {"description", "The JSON body of every error answer (a google.rpc.Status)."},
          {"properties",
           {{"code",
             {{"type", "integer"},
              {"format", "int32"},
              {"description", "The gRPC status code, e.g. 5 for NOT_FOUND."}}},
            {"message", {{"type", "string"}, {"description", "What went wrong, for a developer."}}},
            {"details",
             {{"type", "array"},
              {"description", "Typed details (google.protobuf.Any), e.g. google.rpc.RetryInfo."},
              {"items",
               {{"type", "object"},
                {"properties", {{"@type", {{"type", "string"}}}}},
                {"additionalProperties", true}}}}}}}};
}

json SecuritySchemes() {
  return {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"}}},
          {"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Api-Key"}}}};
}

}  // namespace

std::string BuildOpenApiDocument(const std::vector<Route>& routes, const OpenApiInfo& info) {
  static const std::set<std::string>* const kMethods = new std::set<std::string>{
      "get", "put", "post", "delete", "options", "head", "patch", "trace"};
  OpenApiSchemas schemas;
  json paths = json::object();
  std::set<std::string> operation_ids;
  std::map<std::string, std::string> tags;  // service short name -> comment
  for (const Route& route : routes) {
    if (route.method == nullptr) continue;
    const std::string method = absl::AsciiStrToLower(route.http_method);
    if (kMethods->count(method) == 0) continue;
    json& path_item = paths[route.path.OpenApiPath()];
    if (path_item.contains(method)) continue;
    path_item[method] = Operation(route, info, UniqueOperationId(route, operation_ids), schemas);
    tags.emplace(route.method->service()->name(), CommentOf(*route.method->service()));
  }

  json tag_list = json::array();
  for (const auto& [name, description] : tags) {
    json tag = {{"name", name}};
    if (!description.empty()) tag["description"] = description;
    tag_list.push_back(std::move(tag));
  }
  json info_object = {{"title", info.title},
                      {"version", info.version.empty() ? "0.0.0" : info.version}};
  if (!info.description.empty()) info_object["description"] = info.description;
  json component_schemas = schemas.components();
  component_schemas[kErrorSchema] = ErrorSchema();

  const json document = {
      {"openapi", "3.0.3"},
      {"info", std::move(info_object)},
      {"tags", std::move(tag_list)},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", std::move(component_schemas)}, {"securitySchemes", SecuritySchemes()}}},
      {"security", json::array({{{"bearerAuth", json::array()}}, {{"apiKey", json::array()}}})}};
  return document.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace kiosk::gateway
