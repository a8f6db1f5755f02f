// The REST routes a running gateway documents in its /openapi.json, for tests
// that must cover every route (security, fuzzing) and so fail to cover none
// when a route is added.
//
//   absl::StatusOr<std::vector<RestRoute>> routes = FetchRestRoutes(port);
//   for (const RestRoute& r : *routes) HttpCall(port, r.method, FillPath(r.path, "1"));
#ifndef KIOSK_TESTS_SUITE_OPENAPI_ROUTES_H_
#define KIOSK_TESTS_SUITE_OPENAPI_ROUTES_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kiosk::testing {

struct RestRoute {
  std::string method;        // "GET", "POST", ...
  std::string path;          // as documented: "/api/v1/requests/{id}:approve"
  std::string operation_id;  // "MediaService_ApproveRequest"
  bool is_public = false;    // documented with `security: []` (no token needed)
  nlohmann::json operation;  // the whole OpenAPI operation object

  std::string Name() const { return method + " " + path; }
};

// GET /openapi.json from the gateway on 127.0.0.1:`port`.
absl::StatusOr<nlohmann::json> FetchOpenApi(int port);

// Every operation of the gateway's /openapi.json.
absl::StatusOr<std::vector<RestRoute>> FetchRestRoutes(int port);

// `path` with every {parameter} replaced: "movie" for media_type, "x" for
// name, `value` for the others (ids).
std::string FillPath(const std::string& path, const std::string& value);

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_SUITE_OPENAPI_ROUTES_H_
