// The OpenAPI 3.0.3 document of the REST API (what the gateway serves as
// /openapi.json), generated from the same compiled routes it serves:
//
//   OpenApiInfo info;
//   info.version = KIOSK_VERSION;
//   info.public_rpcs = {"/kiosk.users.v1.UsersService/Login"};
//   std::string json = BuildOpenApiDocument(route_table.routes(), info);
//
// One operation per route (operationId "<Service>_<Method>", "_<n>" for
// additional binding n), tagged with the service's short name; path and query
// parameters, request body and responses follow the google.api.http rule;
// schemas follow the proto3 JSON mapping (lowerCamelCase names, 64-bit
// integers as strings, well-known types as their JSON forms) and carry the
// proto comments as descriptions. Query parameters use the JSON names
// ("pageSize", "filter.minYear"). Every operation needs a bearer token or an
// API key except those in `public_rpcs`. The output is deterministic (keys
// sorted).
#ifndef KIOSK_GATEWAY_OPENAPI_H_
#define KIOSK_GATEWAY_OPENAPI_H_

#include <set>
#include <string>
#include <vector>

#include "gateway/route.h"

namespace kiosk::gateway {

struct OpenApiInfo {
  std::string title = "plex-kiosk API";
  std::string version;  // "" is written as "0.0.0" (OpenAPI requires one)
  std::string description;
  // rpc paths ("/kiosk.users.v1.UsersService/Login") that need no credentials
  std::set<std::string> public_rpcs;
};

// The document as pretty-printed JSON. Routes without a method descriptor, or
// with an HTTP method OpenAPI cannot express, are left out; of two routes with
// the same OpenAPI path and method the first wins.
std::string BuildOpenApiDocument(const std::vector<Route>& routes, const OpenApiInfo& info);

}  // namespace kiosk::gateway

#endif  // KIOSK_GATEWAY_OPENAPI_H_
