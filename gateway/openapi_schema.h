// OpenAPI 3.0 schemas for protobuf messages and fields under the proto3 JSON
// mapping, for the OpenAPI generator (openapi.h):
//
//   OpenApiSchemas schemas;
//   nlohmann::json body = schemas.MessageSchema(*method->input_type());
//   // {"$ref": "#/components/schemas/kiosk.users.v1.LoginRequest"}
//   nlohmann::json field = schemas.FieldSchema(*field);  // with its comment
//   doc["components"]["schemas"] = schemas.components();
//
// Messages become components named by full name and are referenced with
// $ref, so recursive messages do not loop; well-known types (Timestamp,
// Duration, Struct, Value, wrappers...) are inlined as their JSON forms.
// int32-like fields are integers, 64-bit ones strings (format int64/uint64),
// enums strings listing their value names, maps objects with
// additionalProperties.
#ifndef KIOSK_GATEWAY_OPENAPI_SCHEMA_H_
#define KIOSK_GATEWAY_OPENAPI_SCHEMA_H_

#include <google/protobuf/descriptor.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

namespace kiosk::gateway {

class OpenApiSchemas {
 public:
  // A value of `message`: a $ref to its component (added, with every message
  // it reaches, to components()), or the inline schema of a well-known type.
  nlohmann::json MessageSchema(const google::protobuf::Descriptor& message);
  // The whole field: arrays for repeated fields, objects for maps, and the
  // field's comment as description (a $ref is then wrapped in allOf, since
  // OpenAPI 3.0 ignores siblings of $ref).
  nlohmann::json FieldSchema(const google::protobuf::FieldDescriptor& field);
  // One element of the field (ignores repeated and the comment).
  nlohmann::json ValueSchema(const google::protobuf::FieldDescriptor& field);

  // Every message schema added so far, by full name.
  const nlohmann::json& components() const { return components_; }

 private:
  void AddComponent(const google::protobuf::Descriptor& message);

  nlohmann::json components_ = nlohmann::json::object();
  std::set<std::string> added_;
};

// The inline schema of a well-known type (google.protobuf.Timestamp -> string
// date-time, Int32Value -> integer, ...); nullopt for other messages.
std::optional<nlohmann::json> WellKnownTypeSchema(const google::protobuf::Descriptor& message);

// True for the well-known types the gateway reads from a query string as one
// value: Timestamp, Duration and the wrappers.
bool IsScalarWellKnownType(const google::protobuf::Descriptor& message);

// The leading comment of a declaration, else its trailing comment, without
// the "//" indentation; "" when there is none (or no source info).
std::string CommentOf(const google::protobuf::Descriptor& d);
std::string CommentOf(const google::protobuf::FieldDescriptor& d);
std::string CommentOf(const google::protobuf::EnumDescriptor& d);
std::string CommentOf(const google::protobuf::ServiceDescriptor& d);
std::string CommentOf(const google::protobuf::MethodDescriptor& d);

// The first sentence of a comment's first paragraph, on one line ("Logs in
// with a username or an email." from "Logs in with a username or\nan email.
// Answers ..."): the operation summary. "e.g. " and "i.e. " end no sentence.
std::string FirstSentence(const std::string& comment);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_OPENAPI_SCHEMA_H_
