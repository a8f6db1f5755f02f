#include "gateway/path_template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"

namespace kiosk::gateway {

// Readable failure messages for binding lists.
void PrintTo(const PathBinding& b, std::ostream* os) {
  *os << "{\"" << b.field_path << "\", \"" << b.value << "\"}";
}

namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// Good templates: what Parse keeps and what the route table and the OpenAPI
// generator read back.

struct GoodCase {
  std::string name;
  std::string text;
  std::string shape;
  std::string openapi_path;
  std::vector<std::string> field_paths;
  std::string verb;
};

std::ostream& operator<<(std::ostream& os, const GoodCase& c) { return os << c.text; }

class GoodTemplateTest : public ::testing::TestWithParam<GoodCase> {};

TEST_P(GoodTemplateTest, ParsesWithExpectedShapeOpenApiPathFieldPathsAndVerb) {
  const GoodCase& c = GetParam();
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(c.text);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->text(), c.text);
  EXPECT_EQ(t->Shape(), c.shape);
  EXPECT_EQ(t->OpenApiPath(), c.openapi_path);
  EXPECT_EQ(t->FieldPaths(), c.field_paths);
  EXPECT_EQ(t->verb(), c.verb);
}

INSTANTIATE_TEST_SUITE_P(
    PathTemplate, GoodTemplateTest,
    ::testing::ValuesIn(std::vector<GoodCase>{
        {"LiteralsOnly", "/v1/health", "/v1/health", "/v1/health", {}, ""},
        {"OneSegmentVariable", "/v1/users/{id}", "/v1/users/*", "/v1/users/{id}", {"id"}, ""},
        {"ExplicitStarIsTheSameAsImplicit",
         "/v1/users/{id=*}",
         "/v1/users/*",
         "/v1/users/{id}",
         {"id"},
         ""},
        {"VerbAfterVariable",
         "/v1/users/{id}:resetPassword",
         "/v1/users/*:resetPassword",
         "/v1/users/{id}:resetPassword",
         {"id"},
         "resetPassword"},
        {"VerbAfterLiteral",
         "/v1/users:batchGet",
         "/v1/users:batchGet",
         "/v1/users:batchGet",
         {},
         "batchGet"},
        {"NestedPatternIsOneOpenApiParameter",
         "/v1/{name=shelves/*/books/*}",
         "/v1/shelves/*/books/*",
         "/v1/{name}",
         {"name"},
         ""},
        {"PatternVariableFollowedByLiteral",
         "/v1/{name=shelves/*}/books",
         "/v1/shelves/*/books",
         "/v1/{name}/books",
         {"name"},
         ""},
        {"DoubleStarVariable",
         "/v1/files/{path=**}",
         "/v1/files/**",
         "/v1/files/{path}",
         {"path"},
         ""},
        {"DoubleStarVariableWithVerb",
         "/v1/{name=**}:undelete",
         "/v1/**:undelete",
         "/v1/{name}:undelete",
         {"name"},
         "undelete"},
        {"NestedFieldPathsKeepDots",
         "/v1/shelves/{book.shelf_id}/books/{book.id}",
         "/v1/shelves/*/books/*",
         "/v1/shelves/{book.shelf_id}/books/{book.id}",
         {"book.shelf_id", "book.id"},
         ""},
        {"UnboundWildcardsStayInOpenApiPath",
         "/v1/*/items/**",
         "/v1/*/items/**",
         "/v1/*/items/**",
         {},
         ""},
        {"LiteralInsideVariable", "/v1/{name=me}", "/v1/me", "/v1/{name}", {"name"}, ""},
        {"PercentEncodedLiteralsAreCanonicalInShape",
         "/v1/a%2db/%c3%a9:%76erb",
         "/v1/a-b/%C3%A9:verb",
         "/v1/a%2db/%c3%a9:%76erb",
         {},
         "%76erb"},
        {"UnreservedPunctuationInLiterals",
         "/v1.0/my_items/a-b.c~d",
         "/v1.0/my_items/a-b.c~d",
         "/v1.0/my_items/a-b.c~d",
         {},
         ""},
    }),
    [](const ::testing::TestParamInfo<GoodCase>& info) { return info.param.name; });

TEST(PathTemplateShapeTest, TemplatesMatchingTheSamePathsHaveTheSameShape) {
  const std::vector<std::pair<std::string, std::string>> same = {
      {"/v1/users/{id}", "/v1/users/{user_id=*}"},
      {"/v1/users/{id}", "/v1/users/*"},
      {"/v1/{name=shelves/*}/books", "/v1/shelves/{shelf}/books"},
      {"/v1/{name=files/**}", "/v1/files/{path=**}"},
      {"/v1/a-b", "/v1/a%2Db"},
  };
  for (const auto& [a, b] : same) {
    SCOPED_TRACE(a + " vs " + b);
    EXPECT_EQ(PathTemplate::Parse(a)->Shape(), PathTemplate::Parse(b)->Shape());
  }
}

TEST(PathTemplateShapeTest, VerbAndWildcardKindMakeShapesDiffer) {
  const std::vector<std::pair<std::string, std::string>> different = {
      {"/v1/users/{id}", "/v1/users/{id}:reset"},
      {"/v1/users/{id}:reset", "/v1/users/{id}:delete"},
      {"/v1/files/{path}", "/v1/files/{path=**}"},
      {"/v1/users/{id}", "/v1/users/me"},
  };
  for (const auto& [a, b] : different) {
    SCOPED_TRACE(a + " vs " + b);
    EXPECT_NE(PathTemplate::Parse(a)->Shape(), PathTemplate::Parse(b)->Shape());
  }
}

// ---------------------------------------------------------------------------
// Bad templates: INVALID_ARGUMENT naming the template and the problem.

struct BadCase {
  std::string name;
  std::string text;
  std::string error;  // a fragment of the message
};

std::ostream& operator<<(std::ostream& os, const BadCase& c) { return os << c.text; }

class BadTemplateTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadTemplateTest, IsRejectedWithTheTemplateAndTheProblem) {
  const BadCase& c = GetParam();
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(c.text);
  EXPECT_THAT(t, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)));
  EXPECT_THAT(t, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("path template \"" + c.text + "\"")));
}

INSTANTIATE_TEST_SUITE_P(
    PathTemplate, BadTemplateTest,
    ::testing::ValuesIn(std::vector<BadCase>{
        {"Empty", "", "is empty"},
        {"NoLeadingSlash", "v1/users", "must start with '/'"},
        {"RootOnly", "/", "empty segment"},
        {"DoubleSlash", "/v1//users", "empty segment"},
        {"TrailingSlash", "/v1/users/", "empty segment"},
        {"TrailingSlashInPattern", "/v1/{name=shelves/}", "empty segment"},
        {"UnclosedVariable", "/v1/users/{id", "unclosed '{'"},
        {"UnclosedPattern", "/v1/{name=shelves/*", "unclosed '{'"},
        {"NestedVariableInPattern", "/v1/{name={id}}", "'{' inside a variable"},
        {"NestedVariableInFieldPath", "/v1/{na{me}}", "'{' inside a variable"},
        {"ClosingBraceWithoutOpening", "/v1/id}", "'}' without '{'"},
        {"EmptyFieldPath", "/v1/{}", "empty field path"},
        {"EmptyFieldPathWithPattern", "/v1/{=*}", "empty field path"},
        {"FieldPathStartingWithDigit", "/v1/{1id}", "invalid field path \"1id\""},
        {"FieldPathWithDash", "/v1/{user-id}", "invalid field path \"user-id\""},
        {"FieldPathWithEmptyPart", "/v1/{a..b}", "invalid field path \"a..b\""},
        {"FieldPathWithTrailingDot", "/v1/{a.}", "invalid field path \"a.\""},
        {"ColonInFieldPath", "/v1/{id:reset}", "invalid field path \"id:reset\""},
        {"EmptyPattern", "/v1/{name=}", "empty pattern after '='"},
        {"DoubleStarNotLast", "/v1/**/items", "'**' before the last segment"},
        {"DoubleStarVariableNotLast", "/v1/{path=**}/items", "'**' before the last segment"},
        {"DoubleStarInsidePatternNotLast", "/v1/{path=**/x}", "'**' before the last segment"},
        {"SameFieldPathTwice", "/v1/{id}/x/{id}", "binds the field path \"id\" twice"},
        {"FieldAndItsSubfield", "/v1/{a}/{a.b}", "binds both \"a\" and its subfield \"a.b\""},
        {"SubfieldThenField", "/v1/{a.b}/{a}", "binds both \"a\" and its subfield \"a.b\""},
        {"EmptyVerb", "/v1/users:", "empty verb"},
        {"SegmentAfterVerb", "/v1/users:reset/x", "something after the verb"},
        {"SecondVerb", "/v1/users:a:b", "something after the verb"},
        {"ColonInsidePattern", "/v1/{name=a:b}", "unexpected ':' inside a variable"},
        {"StarNotWholeSegment", "/v1/*a", "'*' that is not a whole segment"},
        {"TripleStar", "/v1/***", "'*' that is not a whole segment"},
        {"StarAfterLiteral", "/v1/a*", "unexpected '*'"},
        {"ReservedCharacterInLiteral", "/v1/a b", "unexpected ' '"},
        {"QueryInTemplate", "/v1/users?x=1", "unexpected '?'"},
        {"BadPercentEncoding", "/v1/a%zz", "bad percent-encoding"},
        {"TruncatedPercentEncoding", "/v1/a%4", "bad percent-encoding"},
    }),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(PathTemplateParseTest, ErrorGivesTheOffsetOfTheProblem) {
  EXPECT_THAT(PathTemplate::Parse("/v1//x"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "path template \"/v1//x\" has an empty segment at offset 4"));
}

// ---------------------------------------------------------------------------
// Matching request paths (as received: percent-encoded, no query string).

struct MatchCase {
  std::string name;
  std::string text;
  std::string path;
  bool matches;
  std::vector<PathBinding> bindings;
};

std::ostream& operator<<(std::ostream& os, const MatchCase& c) {
  return os << c.text << " <- " << c.path;
}

class MatchTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(MatchTest, MatchesAndBindsAsExpected) {
  const MatchCase& c = GetParam();
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse(c.text);
  ASSERT_THAT(t, IsOk());
  std::vector<PathBinding> bindings = {{"stale", "binding"}};
  EXPECT_EQ(t->Match(c.path, &bindings), c.matches);
  EXPECT_THAT(bindings, ElementsAreArray(c.bindings));
}

INSTANTIATE_TEST_SUITE_P(
    PathTemplate, MatchTest,
    ::testing::ValuesIn(std::vector<MatchCase>{
        // Literals.
        {"LiteralPath", "/v1/health", "/v1/health", true, {}},
        {"DifferentLiteral", "/v1/health", "/v1/healthz", false, {}},
        {"LiteralIsCaseSensitive", "/v1/health", "/v1/Health", false, {}},
        {"PercentEncodedPathMatchesLiteral", "/v1/health", "/v1/%68ealth", true, {}},
        {"PercentEncodedLiteralMatchesPlainPath", "/v1/a%2Db", "/v1/a-b", true, {}},
        {"PercentEncodedLiteralMatchesOtherHexCase", "/v1/a%2Db", "/v1/a%2db", true, {}},
        {"ShorterPath", "/v1/users/me", "/v1/users", false, {}},
        {"LongerPath", "/v1/users", "/v1/users/me", false, {}},
        // Slashes.
        {"TrailingSlashAfterLiteral", "/v1/health", "/v1/health/", false, {}},
        {"TrailingSlashAfterVariable", "/v1/users/{id}", "/v1/users/42/", false, {}},
        {"EmptyVariableSegment", "/v1/users/{id}", "/v1/users/", false, {}},
        {"DoubleSlash", "/v1/users/{id}", "/v1//users/42", false, {}},
        {"NoLeadingSlash", "/v1/users/{id}", "v1/users/42", false, {}},
        {"EmptyPath", "/v1/users/{id}", "", false, {}},
        {"RootPathAgainstSegments", "/v1/users/{id}", "/", false, {}},
        // One-segment variables: fully decoded.
        {"OneSegmentVariable", "/v1/users/{id}", "/v1/users/42", true, {{"id", "42"}}},
        {"UnboundStar", "/v1/*/items", "/v1/anything/items", true, {}},
        {"DecodesSpace", "/v1/users/{id}", "/v1/users/j%20doe", true, {{"id", "j doe"}}},
        {"PlusIsNotASpace", "/v1/users/{id}", "/v1/users/a+b", true, {{"id", "a+b"}}},
        {"DecodesEncodedSlashInOneSegment",
         "/v1/users/{id}",
         "/v1/users/a%2Fb",
         true,
         {{"id", "a/b"}}},
        {"DecodesLowerCaseEncodedSlashInOneSegment",
         "/v1/users/{id}",
         "/v1/users/a%2fb",
         true,
         {{"id", "a/b"}}},
        {"DecodesUtf8",
         "/v1/users/{id}",
         "/v1/users/%C3%A9l%C3%A8ve",
         true,
         {{"id", "\xC3\xA9l\xC3\xA8ve"}}},
        {"DecodesFourByteUtf8",
         "/v1/titles/{title}",
         "/v1/titles/%F0%9F%8E%AC%20Film",
         true,
         {{"title", "\xF0\x9F\x8E\xAC Film"}}},
        {"KeepsRawUtf8", "/v1/users/{id}", "/v1/users/\xC3\xA9", true, {{"id", "\xC3\xA9"}}},
        {"LiteralInsideVariable", "/v1/{name=me}", "/v1/m%65", true, {{"name", "me"}}},
        // Multi-segment variables: "%2F" stays encoded, the rest is decoded.
        {"NestedPattern",
         "/v1/{name=shelves/*/books/*}",
         "/v1/shelves/1/books/2",
         true,
         {{"name", "shelves/1/books/2"}}},
        {"NestedPatternWithWrongLiteral",
         "/v1/{name=shelves/*/books/*}",
         "/v1/shelves/1/novels/2",
         false,
         {}},
        {"NestedPatternKeepsEncodedSlash",
         "/v1/{name=shelves/*/books/*}",
         "/v1/shelves/a%2Fb/books/c%20d",
         true,
         {{"name", "shelves/a%2Fb/books/c d"}}},
        {"PatternVariableFollowedByLiteral",
         "/v1/{name=shelves/*}/books",
         "/v1/shelves/s1/books",
         true,
         {{"name", "shelves/s1"}}},
        {"DoubleStarZeroSegments", "/v1/files/{path=**}", "/v1/files", true, {{"path", ""}}},
        {"DoubleStarOneSegment",
         "/v1/files/{path=**}",
         "/v1/files/a.txt",
         true,
         {{"path", "a.txt"}}},
        {"DoubleStarManySegments",
         "/v1/files/{path=**}",
         "/v1/files/a/b/c.txt",
         true,
         {{"path", "a/b/c.txt"}}},
        {"DoubleStarKeepsEncodedSlash",
         "/v1/files/{path=**}",
         "/v1/files/a%2Fb/c%2fd%20e",
         true,
         {{"path", "a%2Fb/c%2fd e"}}},
        {"DoubleStarDecodesUtf8",
         "/v1/files/{path=**}",
         "/v1/files/%C3%A9t%C3%A9/x",
         true,
         {{"path", "\xC3\xA9t\xC3\xA9/x"}}},
        {"DoubleStarTrailingSlash", "/v1/files/{path=**}", "/v1/files/a/", false, {}},
        {"DoubleStarEmptySegment", "/v1/files/{path=**}", "/v1/files/a//b", false, {}},
        {"PatternWithDoubleStarZeroSegments",
         "/v1/{name=files/**}",
         "/v1/files",
         true,
         {{"name", "files"}}},
        {"PatternWithDoubleStarManySegments",
         "/v1/{name=files/**}",
         "/v1/files/a/b",
         true,
         {{"name", "files/a/b"}}},
        {"RootPathIsZeroSegments", "/{path=**}", "/", true, {{"path", ""}}},
        {"RootDoubleStarManySegments", "/{path=**}", "/a/b", true, {{"path", "a/b"}}},
        {"UnboundDoubleStar", "/v1/*/items/**", "/v1/x/items/a/b", true, {}},
        // Nested field paths, several variables.
        {"BindingsInTemplateOrder",
         "/v1/shelves/{book.shelf_id}/books/{book.id}",
         "/v1/shelves/s1/books/b2",
         true,
         {{"book.shelf_id", "s1"}, {"book.id", "b2"}}},
        {"SecondVariableMissing",
         "/v1/shelves/{book.shelf_id}/books/{book.id}",
         "/v1/shelves/s1/books",
         false,
         {}},
        // Verbs.
        {"VerbStripped",
         "/v1/users/{id}:resetPassword",
         "/v1/users/42:resetPassword",
         true,
         {{"id", "42"}}},
        {"VerbAfterLiteral", "/v1/users:batchGet", "/v1/users:batchGet", true, {}},
        {"VerbMissing", "/v1/users/{id}:resetPassword", "/v1/users/42", false, {}},
        {"OtherVerb", "/v1/users/{id}:resetPassword", "/v1/users/42:reset", false, {}},
        {"VerbNotInLastSegment",
         "/v1/users/{id}:resetPassword",
         "/v1/users/42:resetPassword/x",
         false,
         {}},
        {"EncodedColonIsNotAVerb",
         "/v1/users/{id}:resetPassword",
         "/v1/users/42%3AresetPassword",
         false,
         {}},
        {"EncodedVerbCharacters",
         "/v1/users/{id}:resetPassword",
         "/v1/users/42:reset%50assword",
         true,
         {{"id", "42"}}},
        {"ColonInValueBeforeVerb",
         "/v1/users/{id}:resetPassword",
         "/v1/users/a:b:resetPassword",
         true,
         {{"id", "a:b"}}},
        {"EmptySegmentBeforeVerb",
         "/v1/users/{id}:resetPassword",
         "/v1/users/:resetPassword",
         false,
         {}},
        {"DoubleStarWithVerb",
         "/v1/{name=**}:undelete",
         "/v1/a/b:undelete",
         true,
         {{"name", "a/b"}}},
        {"DoubleStarZeroSegmentsWithVerb",
         "/v1/{name=**}:undelete",
         "/v1:undelete",
         true,
         {{"name", ""}}},
        {"WithoutTemplateVerbColonBelongsToVariable",
         "/v1/users/{id}",
         "/v1/users/42:reset",
         true,
         {{"id", "42:reset"}}},
        {"WithoutTemplateVerbColonBelongsToLiteral", "/v1/users", "/v1/users:batchGet", false, {}},
        {"WithoutTemplateVerbColonInDoubleStar",
         "/v1/files/{path=**}",
         "/v1/files/a/b:c",
         true,
         {{"path", "a/b:c"}}},
        // Bad percent-encodings never match.
        {"BadEscapeInVariable", "/v1/users/{id}", "/v1/users/%zz", false, {}},
        {"TruncatedEscapeInVariable", "/v1/users/{id}", "/v1/users/abc%4", false, {}},
        {"LonePercentInVariable", "/v1/users/{id}", "/v1/users/%", false, {}},
        {"BadEscapeInLiteralPosition", "/v1/health", "/v1/%zzealth", false, {}},
        {"BadEscapeInUnboundStar", "/v1/*/items", "/v1/%G0/items", false, {}},
        {"BadEscapeInDoubleStar", "/v1/files/{path=**}", "/v1/files/a/%G1", false, {}},
        {"BadEscapeInVerb", "/v1/users/{id}:reset", "/v1/users/42:res%t", false, {}},
    }),
    [](const ::testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

TEST(PathTemplateMatchTest, ReusedBindingsVectorHoldsOnlyTheLatestMatch) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse("/v1/{a}/{b}");
  ASSERT_THAT(t, IsOk());
  std::vector<PathBinding> bindings;
  ASSERT_TRUE(t->Match("/v1/x/y", &bindings));
  ASSERT_TRUE(t->Match("/v1/p/q", &bindings));
  EXPECT_THAT(bindings, ElementsAreArray(std::vector<PathBinding>{{"a", "p"}, {"b", "q"}}));
  EXPECT_FALSE(t->Match("/v1/p", &bindings));
  EXPECT_THAT(bindings, IsEmpty());
}

TEST(PathTemplateMatchTest, CopiedTemplateMatchesLikeTheOriginal) {
  absl::StatusOr<PathTemplate> t = PathTemplate::Parse("/v1/users/{id}:reset");
  ASSERT_THAT(t, IsOk());
  const PathTemplate copy = *t;
  t = PathTemplate::Parse("/other");
  std::vector<PathBinding> bindings;
  EXPECT_TRUE(copy.Match("/v1/users/7:reset", &bindings));
  EXPECT_EQ(copy.text(), "/v1/users/{id}:reset");
  EXPECT_THAT(bindings, ElementsAreArray(std::vector<PathBinding>{{"id", "7"}}));
}

}  // namespace
}  // namespace kiosk::gateway
