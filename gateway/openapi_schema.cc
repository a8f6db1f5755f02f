#include "gateway/openapi_schema.h"

#include <google/protobuf/descriptor.pb.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;
using nlohmann::json;

constexpr char kRefPrefix[] = "#/components/schemas/";

json ScalarSchema(gp::FieldDescriptor::Type type) {
  switch (type) {
    case gp::FieldDescriptor::TYPE_INT32:
    case gp::FieldDescriptor::TYPE_SINT32:
    case gp::FieldDescriptor::TYPE_SFIXED32:
      return {{"type", "integer"}, {"format", "int32"}};
    case gp::FieldDescriptor::TYPE_UINT32:
    case gp::FieldDescriptor::TYPE_FIXED32:
      // Up to 2^32-1: more than an int32 holds.
      return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
    // The JSON mapping prints 64-bit integers as strings (JavaScript numbers
    // lose precision past 2^53); numbers are accepted on input.
    case gp::FieldDescriptor::TYPE_INT64:
    case gp::FieldDescriptor::TYPE_SINT64:
    case gp::FieldDescriptor::TYPE_SFIXED64:
      return {{"type", "string"}, {"format", "int64"}};
    case gp::FieldDescriptor::TYPE_UINT64:
    case gp::FieldDescriptor::TYPE_FIXED64:
      return {{"type", "string"}, {"format", "uint64"}};
    case gp::FieldDescriptor::TYPE_DOUBLE:
      return {{"type", "number"}, {"format", "double"}};
    case gp::FieldDescriptor::TYPE_FLOAT:
      return {{"type", "number"}, {"format", "float"}};
    case gp::FieldDescriptor::TYPE_BOOL:
      return {{"type", "boolean"}};
    case gp::FieldDescriptor::TYPE_BYTES:
      return {{"type", "string"}, {"format", "byte"}};
    case gp::FieldDescriptor::TYPE_STRING:
    default:
      return {{"type", "string"}};
  }
}

json EnumSchema(const gp::EnumDescriptor& enum_type) {
  json names = json::array();
  for (int i = 0; i < enum_type.value_count(); ++i) names.push_back(enum_type.value(i)->name());
  return {{"type", "string"}, {"enum", names}};
}

bool IsWrapper(const std::string& full_name) {
  static const std::set<std::string>* const kWrappers = new std::set<std::string>{
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue",   "google.protobuf.StringValue", "google.protobuf.BytesValue"};
  return kWrappers->count(full_name) > 0;
}

// protoc keeps the text after "//" (usually a leading space) and the newline.
std::string NormalizeComment(const std::string& raw) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    if (absl::StartsWith(line, " ")) line.remove_prefix(1);
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  return absl::StrJoin(lines.begin() + first, lines.end(), "\n");
}

template <typename D>
std::string CommentOfImpl(const D& d) {
  gp::SourceLocation location;
  if (!d.GetSourceLocation(&location)) return "";
  std::string comment = NormalizeComment(location.leading_comments);
  if (comment.empty()) comment = NormalizeComment(location.trailing_comments);
  return comment;
}

}  // namespace

std::optional<json> WellKnownTypeSchema(const gp::Descriptor& message) {
  const std::string& name = message.full_name();
  if (name == "google.protobuf.Timestamp") return json{{"type", "string"}, {"format", "date-time"}};
  if (name == "google.protobuf.Duration") return json{{"type", "string"}, {"example", "1.5s"}};
  if (name == "google.protobuf.FieldMask") return json{{"type", "string"}};
  if (name == "google.protobuf.Struct") {
    return json{{"type", "object"}, {"additionalProperties", true}};
  }
  if (name == "google.protobuf.Value") return json::object();  // any JSON value
  if (name == "google.protobuf.ListValue") {
    return json{{"type", "array"}, {"items", json::object()}};
  }
  if (name == "google.protobuf.Empty") return json{{"type", "object"}};
  if (name == "google.protobuf.Any") {
    return json{{"type", "object"},
                {"required", json::array({"@type"})},
                {"properties", {{"@type", {{"type", "string"}}}}},
                {"additionalProperties", true}};
  }
  if (IsWrapper(name)) {
    const gp::FieldDescriptor* value = message.FindFieldByName("value");
    if (value != nullptr) return ScalarSchema(value->type());
  }
  return std::nullopt;
}

bool IsScalarWellKnownType(const gp::Descriptor& message) {
  const std::string& name = message.full_name();
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration" ||
         IsWrapper(name);
}

json OpenApiSchemas::MessageSchema(const gp::Descriptor& message) {
  if (std::optional<json> wkt = WellKnownTypeSchema(message)) return *std::move(wkt);
  AddComponent(message);
  return {{"$ref", kRefPrefix + message.full_name()}};
}

json OpenApiSchemas::ValueSchema(const gp::FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageSchema(*field.message_type());
    case gp::FieldDescriptor::CPPTYPE_ENUM:
      return EnumSchema(*field.enum_type());
    default:
      return ScalarSchema(field.type());
  }
}

json OpenApiSchemas::FieldSchema(const gp::FieldDescriptor& field) {
  json schema;
  if (field.is_map()) {
    // JSON object keys are strings whatever the key type.
    schema = {{"type", "object"},
              {"additionalProperties", ValueSchema(*field.message_type()->map_value())}};
  } else if (field.is_repeated()) {
    schema = {{"type", "array"}, {"items", ValueSchema(field)}};
  } else {
    schema = ValueSchema(field);
  }
  const std::string comment = CommentOf(field);
  const bool deprecated = field.options().deprecated();
  if (comment.empty() && !deprecated) return schema;
  if (schema.contains("$ref")) schema = {{"allOf", json::array({schema})}};
  if (!comment.empty()) schema["description"] = comment;
  if (deprecated) schema["deprecated"] = true;
  return schema;
}

void OpenApiSchemas::AddComponent(const gp::Descriptor& message) {
  // Mark first: a message reaching itself then stops at its $ref.
  if (!added_.insert(message.full_name()).second) return;
  json properties = json::object();
  for (int i = 0; i < message.field_count(); ++i) {
    const gp::FieldDescriptor& field = *message.field(i);
    properties[field.json_name()] = FieldSchema(field);
  }
  json schema = {{"type", "object"}};
  if (!properties.empty()) schema["properties"] = std::move(properties);
  const std::string comment = CommentOf(message);
  if (!comment.empty()) schema["description"] = comment;
  components_[message.full_name()] = std::move(schema);
}

std::string CommentOf(const gp::Descriptor& d) { return CommentOfImpl(d); }
std::string CommentOf(const gp::FieldDescriptor& d) { return CommentOfImpl(d); }
std::string CommentOf(const gp::EnumDescriptor& d) { return CommentOfImpl(d); }
std::string CommentOf(const gp::ServiceDescriptor& d) { return CommentOfImpl(d); }
std::string CommentOf(const gp::MethodDescriptor& d) { return CommentOfImpl(d); }

std::string FirstSentence(const std::string& comment) {
  // The first paragraph, on one line.
  std::vector<std::string> words;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) {
      if (words.empty()) continue;
      break;
    }
    words.emplace_back(line);
  }
  const std::string paragraph = absl::StrJoin(words, " ");
  // Up to the first ". " that is not "e.g. " or "i.e. ".
  for (size_t dot = paragraph.find(". "); dot != std::string::npos;
       dot = paragraph.find(". ", dot + 1)) {
    const absl::string_view before = absl::string_view(paragraph).substr(0, dot);
    if (absl::EndsWith(before, "e.g") || absl::EndsWith(before, "i.e")) continue;
    return paragraph.substr(0, dot + 1);
  }
  return paragraph;
}

}  // namespace kiosk::gateway
