// OpenApiSchemas, comments and summaries, on descriptors built in the test
// (no source info) and on the well-known types.
#include "gateway/openapi_schema.h"

#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/openapi.h"

namespace kiosk::gateway {
namespace {

namespace gp = google::protobuf;
using nlohmann::json;

// package t; message Node { Node child = 1; repeated Node children = 2;
// string label = 3; } service Tree { rpc Get(Node) returns (Node); }
constexpr char kRecursiveFile[] = R"pb(
  name: "t/tree.proto"
  package: "t"
  syntax: "proto3"
  message_type {
    name: "Node"
    field { name: "child" number: 1 label: LABEL_OPTIONAL type: TYPE_MESSAGE type_name: ".t.Node" }
    field {
      name: "children"
      number: 2
      label: LABEL_REPEATED
      type: TYPE_MESSAGE
      type_name: ".t.Node"
    }
    field { name: "label" number: 3 label: LABEL_OPTIONAL type: TYPE_STRING }
  }
  service {
    name: "Tree"
    method { name: "Get" input_type: ".t.Node" output_type: ".t.Node" }
  }
)pb";

class RecursiveMessageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    gp::FileDescriptorProto proto;
    ASSERT_TRUE(gp::TextFormat::ParseFromString(kRecursiveFile, &proto));
    file_ = pool_.BuildFile(proto);
    ASSERT_NE(file_, nullptr);
  }
  gp::DescriptorPool pool_;
  const gp::FileDescriptor* file_ = nullptr;
};

TEST_F(RecursiveMessageTest, RecursiveMessagesAreReferencesNotLoops) {
  OpenApiSchemas schemas;
  EXPECT_EQ(schemas.MessageSchema(*file_->message_type(0)),
            (json{{"$ref", "#/components/schemas/t.Node"}}));
  EXPECT_EQ(schemas.components(), json::parse(R"({"t.Node": {"type": "object", "properties": {
      "child": {"$ref": "#/components/schemas/t.Node"},
      "children": {"type": "array", "items": {"$ref": "#/components/schemas/t.Node"}},
      "label": {"type": "string"}}}})"));
}

TEST_F(RecursiveMessageTest, QueryStopsAtRecursionAndNoCommentsMeansNoSummary) {
  Route route;
  route.http_method = "GET";
  route.path = *PathTemplate::Parse("/v1/nodes");
  route.method = file_->service(0)->method(0);
  route.rpc_path = "/t.Tree/Get";
  const json doc = json::parse(BuildOpenApiDocument({route}, OpenApiInfo()));
  const json& get = doc["paths"]["/v1/nodes"]["get"];
  ASSERT_EQ(get["parameters"].size(), 1u);
  EXPECT_EQ(get["parameters"][0]["name"], "label");
  EXPECT_FALSE(get.contains("summary"));
  EXPECT_FALSE(get.contains("description"));
  EXPECT_EQ(get["operationId"], "Tree_Get");
  EXPECT_EQ(doc["info"]["version"], "0.0.0");
  EXPECT_EQ(doc["info"]["title"], "plex-kiosk API");
  EXPECT_TRUE(doc["components"]["schemas"].contains("t.Node"));
}

TEST(OpenApiDocumentTest, UnknownHttpMethodsAndRoutesWithoutMethodAreLeftOut) {
  Route no_method;
  no_method.http_method = "GET";
  no_method.path = *PathTemplate::Parse("/v1/x");
  const json doc = json::parse(BuildOpenApiDocument({no_method}, OpenApiInfo()));
  EXPECT_EQ(doc["paths"], json::object());
  EXPECT_EQ(doc["components"]["schemas"].size(), 1u);  // Error
}

struct WellKnownCase {
  std::string type;
  std::string schema;
};

class WellKnownTypeTest : public ::testing::TestWithParam<WellKnownCase> {};

TEST_P(WellKnownTypeTest, InlinesTheJsonForm) {
  const gp::Descriptor* message =
      gp::DescriptorPool::generated_pool()->FindMessageTypeByName(GetParam().type);
  ASSERT_NE(message, nullptr) << GetParam().type;
  OpenApiSchemas schemas;
  EXPECT_EQ(schemas.MessageSchema(*message), json::parse(GetParam().schema));
  EXPECT_EQ(schemas.components(), json::object());
}

INSTANTIATE_TEST_SUITE_P(
    AllWellKnownTypes, WellKnownTypeTest,
    ::testing::Values(
        WellKnownCase{"google.protobuf.Timestamp", R"({"type": "string", "format": "date-time"})"},
        WellKnownCase{"google.protobuf.Duration", R"({"type": "string", "example": "1.5s"})"},
        WellKnownCase{"google.protobuf.Struct",
                      R"({"type": "object", "additionalProperties": true})"},
        WellKnownCase{"google.protobuf.Value", R"({})"},
        WellKnownCase{"google.protobuf.ListValue", R"({"type": "array", "items": {}})"},
        WellKnownCase{"google.protobuf.Empty", R"({"type": "object"})"},
        WellKnownCase{"google.protobuf.FieldMask", R"({"type": "string"})"},
        WellKnownCase{"google.protobuf.Int32Value", R"({"type": "integer", "format": "int32"})"},
        WellKnownCase{"google.protobuf.UInt32Value",
                      R"({"type": "integer", "format": "int64", "minimum": 0})"},
        WellKnownCase{"google.protobuf.Int64Value", R"({"type": "string", "format": "int64"})"},
        WellKnownCase{"google.protobuf.UInt64Value", R"({"type": "string", "format": "uint64"})"},
        WellKnownCase{"google.protobuf.DoubleValue", R"({"type": "number", "format": "double"})"},
        WellKnownCase{"google.protobuf.FloatValue", R"({"type": "number", "format": "float"})"},
        WellKnownCase{"google.protobuf.BoolValue", R"({"type": "boolean"})"},
        WellKnownCase{"google.protobuf.StringValue", R"({"type": "string"})"},
        WellKnownCase{"google.protobuf.BytesValue", R"({"type": "string", "format": "byte"})"},
        WellKnownCase{"google.protobuf.Any",
                      R"({"type": "object", "required": ["@type"], "additionalProperties": true,
                          "properties": {"@type": {"type": "string"}}})"}));

TEST(OpenApiSchemaTest, ScalarWellKnownTypesCanBeQueryParameters) {
  const gp::DescriptorPool* pool = gp::DescriptorPool::generated_pool();
  EXPECT_TRUE(IsScalarWellKnownType(*pool->FindMessageTypeByName("google.protobuf.Timestamp")));
  EXPECT_TRUE(IsScalarWellKnownType(*pool->FindMessageTypeByName("google.protobuf.Int64Value")));
  EXPECT_FALSE(IsScalarWellKnownType(*pool->FindMessageTypeByName("google.protobuf.Struct")));
  EXPECT_FALSE(IsScalarWellKnownType(*pool->FindMessageTypeByName("google.protobuf.FieldMask")));
  EXPECT_FALSE(IsScalarWellKnownType(*pool->FindMessageTypeByName("google.protobuf.Empty")));
}

TEST(FirstSentenceTest, TakesTheFirstSentenceOfTheFirstParagraphOnOneLine) {
  EXPECT_EQ(FirstSentence("Lists users."), "Lists users.");
  EXPECT_EQ(FirstSentence("Logs in with a username\nor an email. Answers a token."),
            "Logs in with a username or an email.");
  EXPECT_EQ(FirstSentence("Finds a file, e.g. a poster. Slow."), "Finds a file, e.g. a poster.");
  EXPECT_EQ(FirstSentence("No final dot\n\nSecond paragraph."), "No final dot");
  EXPECT_EQ(FirstSentence(""), "");
}

}  // namespace
}  // namespace kiosk::gateway
