#include "tests/suite/openapi_routes.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::testing {

absl::StatusOr<nlohmann::json> FetchOpenApi(int port) {
  gateway::testing::HttpTestResponse response =
      gateway::testing::HttpCall(port, "GET", "/openapi.json");
  nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status != 200 || !doc.is_object() || !doc.contains("paths")) {
    return absl::InternalError(absl::StrCat("GET /openapi.json: HTTP ", response.status));
  }
  return doc;
}

absl::StatusOr<std::vector<RestRoute>> FetchRestRoutes(int port) {
  absl::StatusOr<nlohmann::json> doc = FetchOpenApi(port);
  if (!doc.ok()) return doc.status();
  std::vector<RestRoute> routes;
  for (const auto& [path, item] : (*doc)["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      if (!operation.is_object() || !operation.contains("responses")) continue;  // "parameters"
      RestRoute route;
      route.method = absl::AsciiStrToUpper(method);
      route.path = path;
      route.operation_id = operation.value("operationId", "");
      route.is_public = operation.contains("security") && operation["security"].empty();
      route.operation = operation;
      routes.push_back(std::move(route));
    }
  }
  return routes;
}

std::string FillPath(const std::string& path, const std::string& value) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] != '{') {
      out += path[i];
      continue;
    }
    size_t end = path.find('}', i);
    if (end == std::string::npos) return out + path.substr(i);
    std::string name = path.substr(i + 1, end - i - 1);
    if (name == "media_type" || name == "mediaType") {
      out += "movie";
    } else if (name == "name") {
      out += "x";
    } else {
      out += value;
    }
    i = end;
  }
  return out;
}

}  // namespace kiosk::testing
