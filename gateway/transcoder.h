// JSON <-> protobuf for one matched route, following the proto3 JSON mapping
// and google.api.http's rules for where each request field comes from: the
// path variables, the body ("*" = the whole message, "field" = one field) and,
// for every other field, the query string (`?page_size=5&role=ROLE_ADMIN&
// filter.author=Hugo&ids=1&ids=2`: repeated fields by repeating the key,
// enums by name, nested fields with dots; proto or JSON field names).
//
//   Transcoder transcoder(pool);
//   ASSIGN_OR_RETURN(std::string wire,
//                    transcoder.RequestToBinary(route, bindings, query, body));
//   ... call the upstream with `wire`, get `reply` (wire format) ...
//   ASSIGN_OR_RETURN(std::string json, transcoder.ResponseToJson(route, reply));
//
// The body goes from JSON to the wire format through protobuf's converter
// (after a check of its nesting depth and that it is one JSON value); path
// and query values are encoded after it, so they win over the same field in
// the body; the result is parsed once as the request type, so nothing the
// upstream could not parse is sent. Every error is INVALID_ARGUMENT with a
// message naming the field or parameter. Thread-safe.
#ifndef KIOSK_GATEWAY_TRANSCODER_H_
#define KIOSK_GATEWAY_TRANSCODER_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/type_resolver.h>
#include <google/protobuf/util/type_resolver_util.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/route.h"

namespace kiosk::gateway {

class Transcoder {
 public:
  // `pool` holds the routes' methods and every type they use; it must
  // outlive the transcoder.
  explicit Transcoder(const google::protobuf::DescriptorPool& pool);

  absl::StatusOr<std::string> RequestToBinary(const Route& route,
                                              const std::vector<PathBinding>& bindings,
                                              absl::string_view query,
                                              absl::string_view body) const;

  // Every field is printed, defaults included, with its JSON name; 64-bit
  // integers are strings and enums names, as the JSON mapping says.
  absl::StatusOr<std::string> ResponseToJson(const Route& route, absl::string_view wire) const;

 private:
  absl::StatusOr<std::string> BodyToBinary(const Route& route, absl::string_view body) const;
  absl::StatusOr<std::string> MessageToJson(const google::protobuf::Descriptor& type,
                                            absl::string_view wire) const;

  std::unique_ptr<google::protobuf::util::TypeResolver> resolver_;
  mutable google::protobuf::DynamicMessageFactory factory_;  // GetPrototype is thread-safe
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_TRANSCODER_H_
