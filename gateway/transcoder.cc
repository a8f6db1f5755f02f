#include "gateway/transcoder.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;
using gp::FieldDescriptor;

constexpr char kTypeUrlPrefix[] = "type.googleapis.com";

std::string TypeUrl(const gp::Descriptor& type) {
  return absl::StrCat(kTypeUrlPrefix, "/", type.full_name());
}

absl::Status BadValue(absl::string_view name, absl::string_view value, absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat("parameter \"", name, "\": \"", value, "\" is not ", expected));
}

// A field by proto name or JSON name ("page_size" or "pageSize").
const FieldDescriptor* FindField(const gp::Descriptor& type, absl::string_view name) {
  const FieldDescriptor* field = type.FindFieldByName(std::string(name));
  if (field != nullptr) return field;
  for (int i = 0; i < type.field_count(); ++i) {
    if (type.field(i)->json_name() == name) return type.field(i);
  }
  return nullptr;
}

// Well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF),
// as proto3 requires of string fields.
bool IsValidUtf8(absl::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xE  ? 2
                : (c >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || end - p <= extra) return false;
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += extra + 1;
  }
  return true;
}

bool ParseBool(absl::string_view text, bool* out) {
  if (text == "true" || text == "1") return *out = true, true;
  if (text == "false" || text == "0") return *out = false, true;
  return false;
}

// Sets (or, for a repeated field, adds) one scalar from its text form.
absl::Status SetScalar(gp::Message& message, const FieldDescriptor& field, absl::string_view name,
                       absl::string_view text) {
  const gp::Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(text, &v)) return BadValue(name, text, "a 32-bit integer");
      rep ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(text, &v)) return BadValue(name, text, "a 64-bit integer");
      rep ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(text, &v)) return BadValue(name, text, "an unsigned 32-bit integer");
      rep ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(text, &v)) return BadValue(name, text, "an unsigned 64-bit integer");
      rep ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(text, &v)) return BadValue(name, text, "a number");
      rep ? r.AddDouble(&message, &field, v) : r.SetDouble(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(text, &v)) return BadValue(name, text, "a number");
      rep ? r.AddFloat(&message, &field, v) : r.SetFloat(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!ParseBool(text, &v)) return BadValue(name, text, "true or false");
      rep ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const gp::EnumValueDescriptor* value = field.enum_type()->FindValueByName(std::string(text));
      int number;
      if (value == nullptr && absl::SimpleAtoi(text, &number)) {
        value = field.enum_type()->FindValueByNumber(number);
      }
      if (value == nullptr) {
        return BadValue(name, text, absl::StrCat("a value of ", field.enum_type()->full_name()));
      }
      rep ? r.AddEnum(&message, &field, value) : r.SetEnum(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v(text);
      if (field.type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(text)) {
        return BadValue(name, text, "valid UTF-8 text");
      }
      if (field.type() == FieldDescriptor::TYPE_BYTES && !absl::Base64Unescape(text, &v) &&
          !absl::WebSafeBase64Unescape(text, &v)) {
        return BadValue(name, text, "base64");
      }
      rep ? r.AddString(&message, &field, std::move(v))
          : r.SetString(&message, &field, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  // Well-known types with a string form: wrappers, Timestamp, Duration.
  gp::Message* sub =
      field.is_repeated() ? r.AddMessage(&message, &field) : r.MutableMessage(&message, &field);
  const std::string& type = field.message_type()->full_name();
  if (type == "google.protobuf.Timestamp" || type == "google.protobuf.Duration") {
    // Built from JSON so dynamic and generated messages work alike.
    std::string json = absl::StrCat("\"", absl::CEscape(text), "\"");
    if (!gp::util::JsonStringToMessage(json, sub).ok()) {
      return BadValue(name, text,
                      type == "google.protobuf.Timestamp" ? "an RFC 3339 time" : "a duration");
    }
    return absl::OkStatus();
  }
  const FieldDescriptor* value = field.message_type()->FindFieldByName("value");
  if (absl::StartsWith(type, "google.protobuf.") && absl::EndsWith(type, "Value") &&
      value != nullptr && value->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
    return SetScalar(*sub, *value, name, text);
  }
  return absl::InvalidArgumentError(
      absl::StrCat("parameter \"", name, "\" names a message field; set its fields with dots (\"",
                   name, ".<field>\")"));
}

// Sets the field a dotted path names ("filter.author"), creating parents.
absl::Status SetByPath(gp::Message& root, absl::string_view path, absl::string_view value,
                       const FieldDescriptor** leaf) {
  gp::Message* message = &root;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = FindField(*message->GetDescriptor(), parts[i]);
    if (field == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown parameter \"", path,
                                                     "\": ", message->GetDescriptor()->full_name(),
                                                     " has no field \"", parts[i], "\""));
    }
    if (i + 1 == parts.size()) {
      if (leaf != nullptr) *leaf = field;
      return SetScalar(*message, *field, path, value);
    }
    if (field->is_repeated() || field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(absl::StrCat("unknown parameter \"", path, "\": \"",
                                                     parts[i], "\" has no fields to set"));
    }
    // Well-known types are set whole ("ts=2024-01-02T03:04:05Z"): their parts
    // have ranges (Timestamp nanos, seconds up to year 9999) that the JSON
    // printer enforces, so "ts.seconds=999999999999" came back as a 500.
    if (absl::StartsWith(field->message_type()->full_name(), "google.protobuf.")) {
      return absl::InvalidArgumentError(absl::StrCat("parameter \"", path, "\": \"", parts[i],
                                                     "\" is a ", field->message_type()->full_name(),
                                                     "; set it whole (\"", parts[i], "=...\")"));
    }
    message = message->GetReflection()->MutableMessage(message, field);
  }
  return absl::OkStatus();
}

bool IsBlank(absl::string_view body) { return absl::StripAsciiWhitespace(body).empty(); }

// How deep a JSON body may nest. Protobuf's JSON parser limits objects to
// 100 levels but not arrays, on which it takes quadratic time (8000 levels
// of google.protobuf.ListValue: 2.5 s), and an upstream refuses a message
// nested over 100 levels, which a Struct reaches at about 50 JSON levels.
constexpr int kMaxJsonDepth = 32;

// What the protobuf parser does not check: the nesting depth, no NUL in
// strings, and that the body is one JSON value; wrapped as {"field":<body>},
// `{...},"other":1` would set another field.
absl::Status CheckJsonBody(absl::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      // No text field can hold NUL: PostgreSQL refuses it (or libpq would
      // cut the text there), so say so here instead of deep in a service.
      if (c == '\0' || (c == '\\' && body.substr(i, 6) == "\\u0000")) {
        return absl::InvalidArgumentError(
            "invalid JSON body: text must not contain NUL characters (\\u0000)");
      }
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid JSON body: nested deeper than ", kMaxJsonDepth, " levels"));
      }
    } else if (c == '}' || c == ']') {
      if (--depth < 0) return absl::InvalidArgumentError("invalid JSON body: unbalanced brackets");
    } else if ((c == ',' || c == ':') && depth == 0) {
      return absl::InvalidArgumentError("invalid JSON body: not one JSON value");
    }
  }
  return absl::OkStatus();
}

// "a+b%20c" -> "a b c"; false for a bad escape.
bool DecodeQueryComponent(absl::string_view in, std::string* out) {
  out->clear();
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+') {
      out->push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size() || !absl::ascii_isxdigit(in[i + 1]) ||
          !absl::ascii_isxdigit(in[i + 2])) {
        return false;
      }
      auto hex = [](char h) {
        return absl::ascii_isdigit(h) ? h - '0' : absl::ascii_tolower(h) - 'a' + 10;
      };
      out->push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else {
      out->push_back(c);
    }
  }
  return true;
}

// The top-level field a dotted parameter belongs to.
absl::string_view TopLevel(absl::string_view path) { return path.substr(0, path.find('.')); }

}  // namespace

Transcoder::Transcoder(const gp::DescriptorPool& pool)
    : resolver_(gp::util::NewTypeResolverForDescriptorPool(kTypeUrlPrefix, &pool)),
      factory_(&pool) {}

absl::StatusOr<std::string> Transcoder::BodyToBinary(const Route& route,
                                                     absl::string_view body) const {
  if (route.body.empty()) {
    if (IsBlank(body) || absl::StripAsciiWhitespace(body) == "{}") return std::string();
    return absl::InvalidArgumentError(
        absl::StrCat(route.http_method, " ", route.path.text(),
                     " takes no body; send the fields in the path and the query string"));
  }
  if (IsBlank(body)) return std::string();
  if (absl::Status checked = CheckJsonBody(body); !checked.ok()) return checked;
  std::string json;
  if (route.body != "*") {
    // One field: parse {"field": <body>} as the whole request.
    json = absl::StrCat("{\"", route.body, "\":", body, "}");
    body = json;
  }
  gp::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  std::string wire;
  gp::util::Status parsed = gp::util::JsonToBinaryString(
      resolver_.get(), TypeUrl(*route.method->input_type()), std::string(body), &wire, options);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON body: ", std::string(parsed.message())));
  }
  // Protobuf 3.21 writes some bad input as wire bytes no parser accepts
  // ({"counts":{"k":{}}} for a map<string, int32>: the value's tag without a
  // value), which the upstream would refuse with a puzzling error.
  std::unique_ptr<gp::Message> check(factory_.GetPrototype(route.method->input_type())->New());
  if (!check->ParseFromString(wire)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSON body: not a valid ", route.method->input_type()->full_name()));
  }
  return wire;
}

absl::StatusOr<std::string> Transcoder::RequestToBinary(const Route& route,
                                                        const std::vector<PathBinding>& bindings,
                                                        absl::string_view query,
                                                        absl::string_view body) const {
  absl::StatusOr<std::string> wire = BodyToBinary(route, body);
  if (!wire.ok()) return wire.status();
  if (bindings.empty() && query.empty()) return wire;

  const gp::Descriptor& type = *route.method->input_type();
  std::unique_ptr<gp::Message> fields(factory_.GetPrototype(&type)->New());
  for (const PathBinding& binding : bindings) {
    absl::Status set = SetByPath(*fields, binding.field_path, binding.value, nullptr);
    if (!set.ok()) return set;
  }
  std::string name, value;
  for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    if (!DecodeQueryComponent(pair.substr(0, eq), &name) ||
        !DecodeQueryComponent(eq == absl::string_view::npos ? "" : pair.substr(eq + 1), &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter \"", pair, "\" has a bad percent-encoding"));
    }
    if (route.body == "*") {
      return absl::InvalidArgumentError(absl::StrCat(
          "query parameter \"", name, "\": this route reads every field from the JSON body"));
    }
    for (const PathBinding& binding : bindings) {
      if (binding.field_path == name) {
        return absl::InvalidArgumentError(
            absl::StrCat("query parameter \"", name, "\" is already set by the path"));
      }
    }
    if (!route.body.empty() && TopLevel(name) == route.body) {
      return absl::InvalidArgumentError(
          absl::StrCat("query parameter \"", name, "\" belongs in the JSON body"));
    }
    const FieldDescriptor* leaf = nullptr;
    absl::Status set = SetByPath(*fields, name, value, &leaf);
    if (!set.ok()) return set;
  }
  fields->AppendToString(&*wire);
  return wire;
}

absl::StatusOr<std::string> Transcoder::MessageToJson(const gp::Descriptor& type,
                                                      absl::string_view wire) const {
  gp::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  gp::util::Status printed = gp::util::BinaryToJsonString(resolver_.get(), TypeUrl(type),
                                                          std::string(wire), &json, options);
  if (!printed.ok()) {
    return absl::InternalError(absl::StrCat("cannot print the reply of type ", type.full_name(),
                                            " as JSON: ", std::string(printed.message())));
  }
  return json;
}

absl::StatusOr<std::string> Transcoder::ResponseToJson(const Route& route,
                                                       absl::string_view wire) const {
  const gp::Descriptor& type = *route.method->output_type();
  if (route.response_body.empty()) return MessageToJson(type, wire);
  const FieldDescriptor* field = type.FindFieldByName(route.response_body);
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()) {
    std::unique_ptr<gp::Message> reply(factory_.GetPrototype(&type)->New());
    if (!reply->ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
      return absl::InternalError(absl::StrCat("reply is not a valid ", type.full_name()));
    }
    const gp::Message& sub = reply->GetReflection()->GetMessage(*reply, field);
    return MessageToJson(*field->message_type(), sub.SerializeAsString());
  }
  // A scalar, repeated or map field: print the reply, keep that member.
  absl::StatusOr<std::string> whole = MessageToJson(type, wire);
  if (!whole.ok()) return whole;
  nlohmann::json parsed = nlohmann::json::parse(*whole);
  return parsed[field->json_name()].dump();
}

}  // namespace kiosk::gateway
