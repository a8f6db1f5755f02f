// BuildOpenApiDocument over testdata/test_service.proto (every annotation
// shape) and over the real kiosk API; the documents are also checked against
// the official OpenAPI 3.0 schema by tests/openapi/run_validation.sh.
#include "gateway/openapi.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "gateway/openapi_testing.h"

namespace kiosk::gateway {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr char kSchemas[] = "#/components/schemas/";

struct Api {
  google::protobuf::DescriptorPool pool;
  std::vector<Route> routes;
  json doc;
};

std::unique_ptr<Api> LoadApi(const std::string& descriptor_set, const OpenApiInfo& info) {
  auto api = std::make_unique<Api>();
  auto files = LoadDescriptorSet(descriptor_set, api->pool);
  EXPECT_TRUE(files.ok()) << files.status();
  if (!files.ok()) return api;
  auto routes = RoutesOfFiles(*files);
  EXPECT_TRUE(routes.ok()) << routes.status();
  if (!routes.ok()) return api;
  api->routes = *std::move(routes);
  api->doc = json::parse(BuildOpenApiDocument(api->routes, info));
  return api;
}

std::string Ref(const std::string& name) { return kSchemas + name; }

// The parameter `name` of `operation`; null when missing.
json Param(const json& operation, const std::string& name) {
  for (json p : operation.value("parameters", json::array())) {
    if (p["name"] == name) return p;
  }
  return nullptr;
}

std::vector<std::string> ParamNames(const json& operation, const std::string& in) {
  std::vector<std::string> names;
  for (json p : operation.value("parameters", json::array())) {
    if (p["in"] == in) names.push_back(p["name"]);
  }
  return names;
}

// Every "{x}" of every path is a required path parameter of each of its
// operations, and every path parameter is in the path.
void ExpectPathParametersMatchPaths(const json& doc) {
  const std::regex variable(R"(\{([^}]+)\})");
  for (const auto& [path, item] : doc["paths"].items()) {
    std::vector<std::string> in_path;
    for (std::sregex_iterator it(path.begin(), path.end(), variable), end; it != end; ++it) {
      in_path.push_back((*it)[1]);
    }
    for (const auto& [method, operation] : item.items()) {
      EXPECT_EQ(ParamNames(operation, "path"), in_path) << method << " " << path;
      for (const std::string& name : in_path) {
        EXPECT_EQ(Param(operation, name)["required"], true) << name;
      }
    }
  }
}

void ExpectUniqueOperationIds(const json& doc) {
  std::set<std::string> ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      EXPECT_TRUE(ids.insert(operation["operationId"]).second) << operation["operationId"];
    }
  }
}

// Every $ref points at a schema in components.
void ExpectRefsResolve(const json& node, const json& doc) {
  if (node.is_object()) {
    if (node.contains("$ref")) {
      const std::string ref = node["$ref"];
      ASSERT_EQ(ref.rfind(kSchemas, 0), 0u) << ref;
      EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(sizeof(kSchemas) - 1))) << ref;
    }
    for (const auto& [key, value] : node.items()) ExpectRefsResolve(value, doc);
  } else if (node.is_array()) {
    for (json value : node) ExpectRefsResolve(value, doc);
  }
}

class BookstoreOpenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    OpenApiInfo info;
    info.version = "1.2.3";
    info.description = "Test API.";
    info.public_rpcs = {"/kiosk.gatewaytest.v1.Bookstore/ListShelves"};
    api_ = LoadApi(KIOSK_GATEWAY_TEST_DESCRIPTOR_SET, info).release();
  }
  static void TearDownTestSuite() {
    delete api_;
    api_ = nullptr;
  }
  // Copies, so that [] on a missing key gives null instead of asserting.
  static json Doc() { return api_->doc; }
  static json Op(const std::string& path, const std::string& method) {
    return Doc()["paths"][path][method];
  }
  static json Schema(const std::string& name) { return Doc()["components"]["schemas"][name]; }
  static json Prop(const std::string& message, const std::string& field) {
    return Schema("kiosk.gatewaytest.v1." + message)["properties"][field];
  }

  static Api* api_;
};
Api* BookstoreOpenApiTest::api_ = nullptr;

TEST_F(BookstoreOpenApiTest, WritesOpenApi303WithInfo) {
  EXPECT_EQ(Doc()["openapi"], "3.0.3");
  EXPECT_EQ(
      Doc()["info"],
      (json{{"title", "plex-kiosk API"}, {"version", "1.2.3"}, {"description", "Test API."}}));
}

TEST_F(BookstoreOpenApiTest, EveryRouteIsAnOperation) {
  ASSERT_EQ(api_->routes.size(), 13u);
  for (const Route& route : api_->routes) {
    EXPECT_TRUE(Op(route.path.OpenApiPath(), absl::AsciiStrToLower(route.http_method)).is_object())
        << route.http_method << " " << route.path.text();
  }
  std::set<std::string> operations;
  const json doc = Doc();
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) operations.insert(method + " " + path);
  }
  EXPECT_THAT(operations,
              UnorderedElementsAre("get /v1/shelves", "post /v1/shelves", "get /v1/shelves/{shelf}",
                                   "get /v1/shelf-by-id/{shelf}", "post /v1/shelves/{shelf}/books",
                                   "patch /v1/shelves/{book.shelf}/books/{book.id}",
                                   "get /v1/{name}", "delete /v1/shelves/{shelf}/books/{book}",
                                   "put /v1/books/{id}", "post /v1/shelves/{shelf}:count",
                                   "get /v1/files/{path}", "post /v1/echo", "get /v1/echo"));
}

TEST_F(BookstoreOpenApiTest, OperationIdsNameServiceMethodAndBinding) {
  ExpectUniqueOperationIds(Doc());
  EXPECT_EQ(Op("/v1/shelves/{shelf}", "get")["operationId"], "Bookstore_GetShelf");
  EXPECT_EQ(Op("/v1/shelf-by-id/{shelf}", "get")["operationId"], "Bookstore_GetShelf_1");
  EXPECT_EQ(Op("/v1/echo", "post")["operationId"], "Bookstore_Echo");
  EXPECT_EQ(Op("/v1/echo", "get")["operationId"], "Bookstore_Echo_1");
}

TEST_F(BookstoreOpenApiTest, MethodCommentsBecomeSummaryAndTagsNameTheService) {
  const json list = Op("/v1/shelves", "get");
  EXPECT_EQ(list["summary"], "Lists shelves; every unbound field comes from the query string.");
  EXPECT_FALSE(list.contains("description"));  // nothing beyond the summary
  EXPECT_EQ(list["tags"], json::array({"Bookstore"}));
  EXPECT_EQ(Op("/v1/shelves/{shelf}:count", "post")["summary"], "A custom verb and response_body.");
  EXPECT_EQ(Doc()["tags"], json::parse(R"([{"name": "Bookstore",
                             "description": "A shelf of books: the bookstore shapes."}])"));
}

TEST_F(BookstoreOpenApiTest, PathVariablesAreRequiredPathParameters) {
  ExpectPathParametersMatchPaths(Doc());
  EXPECT_EQ(Param(Op("/v1/shelves/{shelf}", "get"), "shelf"),
            json::parse(R"({"name": "shelf", "in": "path", "required": true,
                            "schema": {"type": "string", "format": "int64"}})"));
  json update = Op("/v1/shelves/{book.shelf}/books/{book.id}", "patch");
  EXPECT_THAT(ParamNames(update, "path"), ElementsAre("book.shelf", "book.id"));
  EXPECT_EQ(Param(update, "book.id")["schema"]["format"], "int64");
  const json name = Param(Op("/v1/{name}", "get"), "name");
  EXPECT_EQ(name["schema"]["type"], "string");
  EXPECT_EQ(name["description"], "Path pattern: `shelves/*/books/*`.");
  EXPECT_EQ(Param(Op("/v1/files/{path}", "get"), "path")["description"], "Path pattern: `**`.");
}

TEST_F(BookstoreOpenApiTest, GetWithoutBodyTakesEveryOtherFieldFromTheQuery) {
  const json list = Op("/v1/shelves", "get");
  EXPECT_FALSE(list.contains("requestBody"));
  EXPECT_THAT(ParamNames(list, "query"),
              ElementsAre("pageSize", "pageToken", "ids", "genre", "filter.author",
                          "filter.minYear", "filter.genre", "includeEmpty"));
  EXPECT_EQ(Param(list, "pageSize")["schema"], (json{{"type", "integer"}, {"format", "int32"}}));
  EXPECT_EQ(Param(list, "ids"), json::parse(R"({"name": "ids", "in": "query", "style": "form",
      "explode": true, "schema": {"type": "array", "items": {"type": "string", "format": "int64"}}})"));
  EXPECT_EQ(Param(list, "genre")["schema"], json::parse(R"({"type": "string",
                "enum": ["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_HISTORY"]})"));
  EXPECT_EQ(Param(list, "filter.author")["schema"], (json{{"type", "string"}}));
  EXPECT_EQ(Param(list, "includeEmpty")["schema"], (json{{"type", "boolean"}}));
  EXPECT_FALSE(Param(list, "filter.author").contains("required"));

  EXPECT_THAT(ParamNames(Op("/v1/shelves/{shelf}", "get"), "query"), ElementsAre("withBooks"));
  EXPECT_THAT(ParamNames(Op("/v1/shelves/{shelf}/books/{book}", "delete"), "query"), IsEmpty());
}

TEST_F(BookstoreOpenApiTest, QueryLeavesOutMapsStructsAndRepeatedMessages) {
  json echo = Op("/v1/echo", "get");
  EXPECT_THAT(
      ParamNames(echo, "query"),
      ElementsAre("d", "f", "i32", "i64", "u32", "u64", "s32", "b", "s", "by", "genre", "ts",
                  "wrapped", "genres", "filter.author", "filter.minYear", "filter.genre", "opt"));
  EXPECT_EQ(Param(echo, "ts")["schema"], (json{{"type", "string"}, {"format", "date-time"}}));
  EXPECT_EQ(Param(echo, "wrapped")["schema"], (json{{"type", "integer"}, {"format", "int32"}}));
  EXPECT_EQ(Param(echo, "genres")["schema"]["items"]["enum"][1], "GENRE_FICTION");
  EXPECT_EQ(Param(echo, "genres")["explode"], true);
}

TEST_F(BookstoreOpenApiTest, BodyStarSendsTheWholeRequestMessage) {
  json create = Op("/v1/shelves", "post");
  EXPECT_FALSE(create.contains("parameters"));
  EXPECT_EQ(create["requestBody"],
            json::parse(R"({"required": true, "content": {"application/json": {"schema":
                {"$ref": "#/components/schemas/kiosk.gatewaytest.v1.Shelf"}}}})"));
  json put = Op("/v1/books/{id}", "put");
  EXPECT_THAT(ParamNames(put, "path"), ElementsAre("id"));
  EXPECT_THAT(ParamNames(put, "query"), IsEmpty());
  EXPECT_EQ(put["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            Ref("kiosk.gatewaytest.v1.PutBookRequest"));
}

TEST_F(BookstoreOpenApiTest, BodyFieldSendsThatFieldAndTheRestInPathAndQuery) {
  json create = Op("/v1/shelves/{shelf}/books", "post");
  EXPECT_EQ(create["requestBody"]["required"], true);
  EXPECT_EQ(create["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            Ref("kiosk.gatewaytest.v1.Book"));
  EXPECT_THAT(ParamNames(create, "path"), ElementsAre("shelf"));
  EXPECT_THAT(ParamNames(create, "query"), ElementsAre("requestId"));

  json update = Op("/v1/shelves/{book.shelf}/books/{book.id}", "patch");
  EXPECT_EQ(update["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            Ref("kiosk.gatewaytest.v1.Book"));
  EXPECT_THAT(ParamNames(update, "query"), ElementsAre("allowMissing"));
}

TEST_F(BookstoreOpenApiTest, ResponsesAreTheMessageOrResponseBodyAndErrors) {
  EXPECT_EQ(Op("/v1/shelves/{shelf}",
               "get")["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            Ref("kiosk.gatewaytest.v1.Shelf"));
  // response_body: "count", an int64.
  EXPECT_EQ(Op("/v1/shelves/{shelf}:count", "post")["responses"]["200"],
            json::parse(R"({"description": "OK", "content": {"application/json": {"schema":
                {"type": "string", "format": "int64"}}}})"));
  EXPECT_EQ(Op("/v1/shelves/{shelf}/books/{book}",
               "delete")["responses"]["200"]["content"]["application/json"]["schema"],
            (json{{"type", "object"}}));  // google.protobuf.Empty
  const json doc = Doc();
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, operation] : item.items()) {
      EXPECT_EQ(operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
                Ref("Error"))
          << method << " " << path;
    }
  }
  EXPECT_EQ(Schema("Error")["properties"]["code"]["type"], "integer");
  EXPECT_EQ(Schema("Error")["properties"]["message"]["type"], "string");
  EXPECT_EQ(Schema("Error")["properties"]["details"]["type"], "array");
  EXPECT_EQ(Schema("Error")["properties"]["details"]["items"]["type"], "object");
}

TEST_F(BookstoreOpenApiTest, SchemasFollowTheProto3JsonMapping) {
  const json expected = json::parse(R"({
    "d": {"type": "number", "format": "double"},
    "f": {"type": "number", "format": "float"},
    "i32": {"type": "integer", "format": "int32"},
    "i64": {"type": "string", "format": "int64"},
    "u32": {"type": "integer", "format": "int64", "minimum": 0},
    "u64": {"type": "string", "format": "uint64"},
    "s32": {"type": "integer", "format": "int32"},
    "b": {"type": "boolean"},
    "s": {"type": "string"},
    "by": {"type": "string", "format": "byte"},
    "genre": {"type": "string", "enum": ["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_HISTORY"]},
    "ts": {"type": "string", "format": "date-time"},
    "st": {"type": "object", "additionalProperties": true},
    "wrapped": {"type": "integer", "format": "int32"},
    "counts": {"type": "object", "additionalProperties": {"type": "integer", "format": "int32"}},
    "genres": {"type": "array", "items": {"type": "string",
               "enum": ["GENRE_UNSPECIFIED", "GENRE_FICTION", "GENRE_HISTORY"]}},
    "filter": {"$ref": "#/components/schemas/kiosk.gatewaytest.v1.Filter"},
    "opt": {"type": "string"}
  })");
  EXPECT_EQ(Schema("kiosk.gatewaytest.v1.EchoMessage"),
            (json{{"type", "object"}, {"properties", expected}}));
}

TEST_F(BookstoreOpenApiTest, SchemasUseJsonNamesAndFieldComments) {
  EXPECT_EQ(Prop("Shelf", "theme"),
            (json{{"type", "string"}, {"description", "The shelf's subject."}}));
  EXPECT_TRUE(Prop("ListShelvesResponse", "nextPageToken").is_object());
  EXPECT_TRUE(Prop("ListShelvesResponse", "next_page_token").is_null());
  EXPECT_EQ(Prop("ListShelvesResponse", "shelves"), json::parse(R"({"type": "array", "items":
                {"$ref": "#/components/schemas/kiosk.gatewaytest.v1.Shelf"}})"));
  ExpectRefsResolve(Doc(), Doc());
  // Only reachable messages; map entries and well-known types are inlined.
  EXPECT_FALSE(Doc()["components"]["schemas"].contains("kiosk.gatewaytest.v1.ListShelvesRequest"));
  EXPECT_FALSE(Doc()["components"]["schemas"].contains("google.protobuf.Timestamp"));
  const json doc = Doc();
  for (const auto& [name, schema] : doc["components"]["schemas"].items()) {
    EXPECT_THAT(name, Not(::testing::HasSubstr("Entry")));
  }
}

TEST_F(BookstoreOpenApiTest, PublicRpcsNeedNoCredentials) {
  EXPECT_EQ(Doc()["security"], json::parse(R"([{"bearerAuth": []}, {"apiKey": []}])"));
  EXPECT_EQ(Doc()["components"]["securitySchemes"], json::parse(R"({
      "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
      "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}})"));
  EXPECT_EQ(Op("/v1/shelves", "get")["security"], json::array());
  EXPECT_FALSE(Op("/v1/shelves", "post").contains("security"));
}

TEST_F(BookstoreOpenApiTest, OutputIsDeterministic) {
  OpenApiInfo info;
  std::vector<Route> reversed(api_->routes.rbegin(), api_->routes.rend());
  EXPECT_EQ(BuildOpenApiDocument(api_->routes, info), BuildOpenApiDocument(reversed, info));
}

TEST(KioskOpenApiTest, DocumentsTheRealApi) {
  OpenApiInfo info;
  info.version = "0.1.0";
  info.public_rpcs = {"/kiosk.users.v1.UsersService/Login", "/kiosk.users.v1.UsersService/Refresh"};
  std::unique_ptr<Api> api = LoadApi(KIOSK_DESCRIPTOR_SET_PATH, info);
  json doc = api->doc;  // a copy: [] on a missing key gives null
  ASSERT_FALSE(api->routes.empty());
  for (const Route& route : api->routes) {
    EXPECT_TRUE(doc["paths"][route.path.OpenApiPath()][absl::AsciiStrToLower(route.http_method)]
                    .is_object())
        << route.rpc_path;
  }
  ExpectPathParametersMatchPaths(doc);
  ExpectUniqueOperationIds(doc);
  ExpectRefsResolve(doc, doc);

  json login = doc["paths"]["/api/v1/auth/login"]["post"];
  EXPECT_EQ(login["operationId"], "UsersService_Login");
  EXPECT_EQ(login["security"], json::array());
  EXPECT_EQ(login["summary"], "Logs in with a username or an email and a password.");
  EXPECT_THAT(login["description"].get<std::string>(), ::testing::HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_FALSE(doc["paths"]["/api/v1/users/{id}"]["get"].contains("security"));

  json user = doc["components"]["schemas"]["kiosk.users.v1.User"]["properties"];
  EXPECT_EQ(user["id"], (json{{"type", "string"}, {"format", "int64"}}));
  EXPECT_EQ(user["createdAt"]["format"], "date-time");
  EXPECT_EQ(user["preferredLanguage"]["description"], "\"fr\" or \"en\".");
  EXPECT_EQ(user["role"]["enum"],
            json::parse(R"(["ROLE_UNSPECIFIED", "ROLE_ADMIN", "ROLE_USER"])"));
  // A trailing comment documents the field too.
  EXPECT_EQ(doc["components"]["schemas"]["kiosk.users.v1.UpdateUserRequest"]["properties"]["role"]
               ["description"],
            "ROLE_UNSPECIFIED = unchanged");
  EXPECT_EQ(
      doc["components"]["schemas"]["kiosk.users.v1.UpdateSettingsRequest"]["properties"]["values"],
      json::parse(R"({"type": "object", "additionalProperties": {},
                            "description": "key -> new value (null = back to the default)."})"));
  // A message field with a comment: $ref wrapped in allOf to keep the text.
  EXPECT_EQ(
      doc["components"]["schemas"]["kiosk.common.v1.ServiceInfo"]["properties"]["database"],
      json::parse(R"({"allOf": [{"$ref": "#/components/schemas/kiosk.common.v1.DatabaseInfo"}],
                            "description": "Database state as seen by this replica."})"));
  json list_users = doc["paths"]["/api/v1/users"]["get"];
  EXPECT_EQ(Param(list_users, "pageSize")["description"], "1..200, default 50.");
  EXPECT_THAT(ParamNames(list_users, "query"), Contains("isActive"));
  std::set<std::string> tags;
  for (json tag : doc["tags"]) tags.insert(tag["name"]);
  EXPECT_THAT(tags, Contains("UsersService"));
}

}  // namespace
}  // namespace kiosk::gateway
