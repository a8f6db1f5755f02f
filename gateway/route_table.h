// The gateway's routes, compiled once at start-up from the google.api.http
// annotations of the services' descriptors (no hand-written routes).
//
//   ASSIGN_OR_RETURN(RouteTable table, RouteTable::Build(services));
//   RouteTable::Lookup found = table.Find("GET", "/api/v1/users/42");
//   if (found.route) ... found.bindings ...
//   else if (!found.allowed_methods.empty()) ... 405 with Allow ...
//
// Build() refuses, naming the method, a rule that could not be served: a bad
// path template, a variable or body naming no field (or a repeated or
// message field for a variable), a body on GET, a custom pattern, nested
// additional_bindings, or two rules with the same method and path shape.
// When several templates match one path, the most specific wins (literal
// segments before "*" before "**", left to right), so `/users/me` beats
// `/users/{id}`.
#ifndef KIOSK_GATEWAY_ROUTE_TABLE_H_
#define KIOSK_GATEWAY_ROUTE_TABLE_H_

#include <google/protobuf/descriptor.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/route.h"

namespace kiosk::gateway {

// The field a dotted path names in `message` ("book.id"), walking singular
// message fields; INVALID_ARGUMENT when a part is missing or not a message.
absl::StatusOr<const google::protobuf::FieldDescriptor*> FindFieldByPath(
    const google::protobuf::Descriptor& message, absl::string_view path);

class RouteTable {
 public:
  // Every annotated method of `services`; methods without a rule are not
  // exposed.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  struct Lookup {
    const Route* route = nullptr;  // null: no route for this method and path
    std::vector<PathBinding> bindings;
    // When `route` is null but the path exists with other methods: them
    // (for 405 and its Allow header); empty means 404.
    std::vector<std::string> allowed_methods;
  };
  Lookup Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }
  // The index of `route` in routes() (for per-route metrics).
  int IndexOf(const Route* route) const { return static_cast<int>(route - routes_.data()); }

 private:
  std::vector<Route> routes_;  // most specific first
};

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_ROUTE_TABLE_H_
