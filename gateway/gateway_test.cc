// Table-driven tests of the whole request path over real sockets: HTTP in,
// the upstream message the fake received (text format), the HTTP answer out.
#include "gateway/gateway.h"

#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gateway/gateway_test_fixture.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::gateway::testing {
namespace {

using ::testing::HasSubstr;
namespace v1 = ::kiosk::gatewaytest::v1;

struct Case {
  std::string name;
  std::string method;
  std::string target;
  std::string body;
  std::string want_rpc;      // "" = the upstream must not be called
  std::string want_request;  // text format of the upstream request
  int want_status;
  std::string want_json;  // exact JSON (compared parsed); "" = not checked
};

// The upstream request, compared as messages (field order does not matter).
void ExpectRequest(const std::string& rpc, const std::string& got_text,
                   const std::string& want_text) {
  const google::protobuf::Descriptor* type =
      google::protobuf::DescriptorPool::generated_pool()
          ->FindMethodByName(absl::StrCat("kiosk.gatewaytest.v1.Bookstore.", rpc))
          ->input_type();
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
  std::unique_ptr<google::protobuf::Message> got(prototype->New()), want(prototype->New());
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(got_text, got.get()));
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(want_text, want.get())) << want_text;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*got, *want))
      << "got: " << got_text << "\nwant: " << want_text;
}

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"QueryFillsScalarsRepeatedEnumsAndNestedFields", "GET",
       "/v1/shelves?pageSize=5&ids=1&ids=2&genre=GENRE_HISTORY&filter.author=Victor+Hugo&"
       "filter.minYear=1850&include_empty=true&page_token=a%26b",
       "", "ListShelves",
       R"(page_size: 5 ids: 1 ids: 2 genre: GENRE_HISTORY filter { author: "Victor Hugo" min_year: 1850 } include_empty: true page_token: "a&b")",
       200,
       R"({"shelves":[{"id":"1","theme":"romans"},{"id":"2","theme":""}],"nextPageToken":""})"},
      {"EnumByNumberInTheQuery", "GET", "/v1/shelves?genre=2", "", "ListShelves",
       "genre: GENRE_HISTORY", 200, ""},
      {"BodyStarIsTheWholeRequest", "POST", "/v1/shelves", R"({"id":"7","theme":"poésie"})",
       "CreateShelf", R"(id: 7 theme: "poésie")", 200, R"({"id":"7","theme":"poésie"})"},
      {"ProtoFieldNamesAreAcceptedInTheBody", "POST", "/v1/shelves", R"({"theme":"x","id":3})",
       "CreateShelf", R"(id: 3 theme: "x")", 200, ""},
      {"EmptyBodyIsAnEmptyMessage", "POST", "/v1/shelves", "", "CreateShelf", "", 200,
       R"({"id":"0","theme":""})"},
      {"PathVariableAndQuery", "GET", "/v1/shelves/12?withBooks=true", "", "GetShelf",
       "shelf: 12 with_books: true", 200, R"({"id":"12","theme":""})"},
      {"AdditionalBinding", "GET", "/v1/shelf-by-id/12", "", "GetShelf", "shelf: 12", 200, ""},
      {"BodyFieldPlusPathPlusQuery", "POST", "/v1/shelves/3/books?request_id=r1",
       R"({"title":"Les Misérables","genre":"GENRE_FICTION","tags":["a","b"]})", "CreateBook",
       R"(shelf: 3 request_id: "r1" book { title: "Les Misérables" genre: GENRE_FICTION tags: "a" tags: "b" })",
       200,
       R"({"id":"0","shelf":"3","title":"Les Misérables","genre":"GENRE_FICTION","tags":["a","b"]})"},
      {"NestedPathVariables", "PATCH", "/v1/shelves/3/books/9", R"({"title":"x"})", "UpdateBook",
       R"(book { id: 9 shelf: 3 title: "x" })", 200, ""},
      {"MultiSegmentVariable", "GET", "/v1/shelves/3/books/9", "", "GetBookByName",
       R"(name: "shelves/3/books/9")", 200, ""},
      {"DeleteAnswersAnEmptyObject", "DELETE", "/v1/shelves/3/books/9", "", "DeleteBook",
       "shelf: 3 book: 9", 200, "{}"},
      {"PathWinsOverTheBody", "PUT", "/v1/books/5", R"({"id":"99","title":"t"})", "PutBook",
       R"(id: 5 title: "t")", 200,
       R"({"id":"5","title":"t","genre":"GENRE_UNSPECIFIED","shelf":"0","tags":[]})"},
      {"CustomVerbAndResponseBody", "POST", "/v1/shelves/3:count", R"({"prefix":"Le"})",
       "CountBooks", R"(shelf: 3 prefix: "Le")", 200, R"("42")"},
      {"DoubleStarKeepsEncodedSlashes", "GET", "/v1/files/a/b%2Fc/d%20e.txt", "", "GetFile",
       R"(path: "a/b%2Fc/d e.txt")", 200, ""},
      {"WellKnownTypesFromTheQuery", "GET",
       "/v1/echo?ts=2024-01-02T03:04:05Z&wrapped=5&by=aGk%3D&genres=GENRE_FICTION&genres=2&"
       "u64=18446744073709551615&d=1.5&b=true",
       "", "Echo",
       R"(ts { seconds: 1704164645 } wrapped { value: 5 } by: "hi" genres: GENRE_FICTION genres: GENRE_HISTORY u64: 18446744073709551615 d: 1.5 b: true)",
       200, ""},
      {"EchoRoundTripsEveryJsonForm", "POST", "/v1/echo",
       R"({"i64":"-9007199254740993","u32":7,"s32":-3,"f":0.5,"s":"é","by":"aGk=","genre":"GENRE_HISTORY",
           "ts":"2024-01-02T03:04:05.500Z","st":{"a":[1,"x",null,true]},"wrapped":3,
           "counts":{"k":2},"genres":["GENRE_FICTION"],"filter":{"author":"A"},"opt":""})",
       "Echo",
       R"(i64: -9007199254740993 u32: 7 s32: -3 f: 0.5 s: "é" by: "hi" genre: GENRE_HISTORY ts { seconds: 1704164645 nanos: 500000000 } st { fields { key: "a" value { list_value { values { number_value: 1 } values { string_value: "x" } values { null_value: NULL_VALUE } values { bool_value: true } } } } } wrapped { value: 3 } counts { key: "k" value: 2 } genres: GENRE_FICTION filter { author: "A" } opt: "")",
       200,
       R"({"d":0,"f":0.5,"i32":0,"i64":"-9007199254740993","u32":7,"u64":"0","s32":-3,"b":false,
           "s":"é","by":"aGk=","genre":"GENRE_HISTORY","ts":"2024-01-02T03:04:05.500Z",
           "st":{"a":[1,"x",null,true]},"wrapped":3,"counts":{"k":2},"genres":["GENRE_FICTION"],
           "filter":{"author":"A","minYear":0,"genre":"GENRE_UNSPECIFIED"},"opt":""})"},
      // Bad input: 4xx with a JSON error, the upstream never called.
      {"UnknownRouteIs404", "GET", "/v1/nothing", "", "", "", 404, ""},
      {"MalformedJsonIs400", "POST", "/v1/shelves", "{bad", "", "", 400, ""},
      {"UnknownBodyFieldIs400", "POST", "/v1/shelves", R"({"bogus":1})", "", "", 400, ""},
      {"WrongJsonTypeIs400", "POST", "/v1/shelves", R"({"id":"abc"})", "", "", 400, ""},
      {"BadQueryValueIs400", "GET", "/v1/shelves?pageSize=abc", "", "", "", 400, ""},
      {"UnknownQueryParameterIs400", "GET", "/v1/shelves?nope=1", "", "", "", 400, ""},
      {"BadEnumNameIs400", "GET", "/v1/shelves?genre=GENRE_POETRY", "", "", "", 400, ""},
      {"OverflowingIntegerIs400", "GET", "/v1/shelves?pageSize=99999999999", "", "", "", 400, ""},
      {"BadPercentEncodingIs400", "GET", "/v1/shelves?page_token=%zz", "", "", "", 400, ""},
      {"InvalidUtf8IsRefused", "GET", "/v1/shelves?page_token=%ff%fe", "", "", "", 400, ""},
      {"PathValueOfTheWrongTypeIs400", "GET", "/v1/shelves/abc", "", "", "", 400, ""},
      {"BodyOnABodylessRouteIs400", "GET", "/v1/shelves/1", R"({"x":1})", "", "", 400, ""},
      {"QueryOnABodyStarRouteIs400", "POST", "/v1/shelves?theme=x", "{}", "", "", 400, ""},
      {"QueryForAPathFieldIs400", "GET", "/v1/shelves/1?shelf=2", "", "", "", 400, ""},
      {"MessageFieldInTheQueryIs400", "GET", "/v1/shelves?filter=x", "", "", "", 400, ""},
      // Found by gateway_fuzz_test: each of these reached the upstream or
      // came back as a 5xx.
      {"PartOfAWellKnownTypeInTheQueryIs400", "GET", "/v1/echo?ts.seconds=999999999999", "", "", "",
       400, ""},
      {"DeeplyNestedJsonIs400", "POST", "/v1/echo",
       absl::StrCat(R"({"st":{"a":)", std::string(1000, '['), std::string(1000, ']'), "}}"), "", "",
       400, ""},
      {"BodyForOneFieldCannotSetAnother", "POST", "/v1/shelves/3/books",
       R"({"title":"t"},"request_id":"r")", "", "", 400, ""},
      {"MapValueOfTheWrongJsonTypeIs400", "POST", "/v1/echo", R"({"counts":{"k":{}}})", "", "", 400,
       ""},
  };
  return *cases;
}

class TranscodingTest : public GatewayTest, public ::testing::WithParamInterface<Case> {};

TEST_P(TranscodingTest, RequestReachesTheUpstreamAndTheAnswerIsJson) {
  const Case& c = GetParam();
  HttpTestResponse response = HttpCall(port(), c.method, c.target, c.body);
  ASSERT_EQ(response.status, c.want_status) << response.body;
  EXPECT_THAT(response.Header("content-type"), HasSubstr("application/json"));
  EXPECT_FALSE(response.Header("x-request-id").empty());
  nlohmann::json got = nlohmann::json::parse(response.body, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << response.body;
  std::optional<FakeBookstore::Call> call = fake_.last_call();
  if (c.want_rpc.empty()) {
    EXPECT_FALSE(call.has_value()) << "upstream called: " << call->method;
    // {"code": <grpc code>, "message": "...", "details": []}
    EXPECT_TRUE(got["code"].is_number()) << response.body;
    EXPECT_FALSE(got["message"].get<std::string>().empty());
    EXPECT_TRUE(got["details"].is_array());
    return;
  }
  ASSERT_TRUE(call.has_value());
  EXPECT_EQ(call->method, c.want_rpc);
  ExpectRequest(c.want_rpc, call->request, c.want_request);
  if (!c.want_json.empty()) {
    EXPECT_EQ(got, nlohmann::json::parse(c.want_json)) << response.body;
  }
}

INSTANTIATE_TEST_SUITE_P(Shapes, TranscodingTest, ::testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

TEST_F(GatewayTest, WrongMethodIs405WithAllow) {
  HttpTestResponse response = HttpCall(port(), "PUT", "/v1/shelves", "{}");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(response.Header("allow"), "GET, POST");
}

TEST_F(GatewayTest, ErrorMessagesNameTheProblem) {
  EXPECT_THAT(HttpCall(port(), "POST", "/v1/shelves", R"({"bogus":1})").body, HasSubstr("bogus"));
  EXPECT_THAT(HttpCall(port(), "GET", "/v1/shelves?nope=1").body, HasSubstr("nope"));
  EXPECT_THAT(HttpCall(port(), "GET", "/v1/shelves?pageSize=abc").body, HasSubstr("pageSize"));
}

struct CodeCase {
  grpc::StatusCode code;
  int http;
};

TEST_F(GatewayTest, EveryGrpcCodeMapsToItsHttpStatusWithAJsonBody) {
  const std::vector<CodeCase> table = {
      {grpc::StatusCode::CANCELLED, 499},
      {grpc::StatusCode::UNKNOWN, 500},
      {grpc::StatusCode::INVALID_ARGUMENT, 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
      {grpc::StatusCode::NOT_FOUND, 404},
      {grpc::StatusCode::ALREADY_EXISTS, 409},
      {grpc::StatusCode::PERMISSION_DENIED, 403},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, 429},
      {grpc::StatusCode::FAILED_PRECONDITION, 400},
      {grpc::StatusCode::ABORTED, 409},
      {grpc::StatusCode::OUT_OF_RANGE, 400},
      {grpc::StatusCode::UNIMPLEMENTED, 501},
      {grpc::StatusCode::INTERNAL, 500},
      {grpc::StatusCode::UNAVAILABLE, 503},
      {grpc::StatusCode::DATA_LOSS, 500},
      {grpc::StatusCode::UNAUTHENTICATED, 401},
  };
  for (const CodeCase& c : table) {
    fake_.FailWith(grpc::Status(c.code, "secret detail: relation users.users at line 3"));
    HttpTestResponse response = HttpCall(port(), "GET", "/v1/shelves/1");
    EXPECT_EQ(response.status, c.http) << c.code;
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_FALSE(body.is_discarded()) << response.body;
    EXPECT_EQ(body["code"], static_cast<int>(c.code));
    const bool internal =
        c.code == grpc::StatusCode::UNKNOWN || c.code == grpc::StatusCode::INTERNAL ||
        c.code == grpc::StatusCode::DATA_LOSS || c.code == grpc::StatusCode::DEADLINE_EXCEEDED;
    if (internal) {
      EXPECT_THAT(body["message"].get<std::string>(), ::testing::Not(HasSubstr("secret")));
    } else {
      EXPECT_THAT(body["message"].get<std::string>(), HasSubstr("secret detail"));
    }
  }
}

TEST_F(GatewayTest, ResourceExhaustedCarriesRetryAfter) {
  fake_.FailWith(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "too many failed logins"), 30);
  HttpTestResponse response = HttpCall(port(), "GET", "/v1/shelves/1");
  EXPECT_EQ(response.status, 429);
  EXPECT_EQ(response.Header("retry-after"), "30");
  EXPECT_THAT(response.body, HasSubstr("RetryInfo"));
}

TEST_F(GatewayTest, CredentialsAndRequestIdAreForwardedAndTheIdEchoed) {
  HttpTestResponse response =
      HttpCall(port(), "GET", "/v1/shelves/1", "",
               {"Authorization: Bearer abc.def.ghi", "X-Api-Key: k123", "X-Request-Id: req-42"});
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.Header("x-request-id"), "req-42");
  std::optional<FakeBookstore::Call> call = fake_.last_call();
  ASSERT_TRUE(call.has_value());
  auto value = [&](const std::string& key) {
    auto it = call->metadata.find(key);
    return it == call->metadata.end() ? std::string() : it->second;
  };
  EXPECT_EQ(value("authorization"), "Bearer abc.def.ghi");
  EXPECT_EQ(value("x-api-key"), "k123");
  EXPECT_EQ(value("x-request-id"), "req-42");
  EXPECT_EQ(value("x-forwarded-for"), "127.0.0.1");
}

TEST_F(GatewayTest, ClientAddressIsTakenFromTrustedProxiesOnly) {
  auto forwarded = [&] {
    std::optional<FakeBookstore::Call> call = fake_.last_call();
    if (!call.has_value()) return std::string("no call");
    auto it = call->metadata.find("x-forwarded-for");
    return it == call->metadata.end() ? std::string() : it->second;
  };
  // By default a client reaches the gateway directly: what it claims is ignored.
  ASSERT_EQ(HttpCall(port(), "GET", "/v1/shelves/1", "", {"X-Forwarded-For: 6.6.6.6"}).status, 200);
  EXPECT_EQ(forwarded(), "127.0.0.1");
  // Behind a trusted Ingress, the client it names (the right-most untrusted hop).
  Restart({.trusted_proxies = "127.0.0.1/32"});
  ASSERT_EQ(HttpCall(port(), "GET", "/v1/shelves/1", "",
                     {"X-Forwarded-For: 6.6.6.6, 198.51.100.23"})
                .status,
            200);
  EXPECT_EQ(forwarded(), "198.51.100.23");
}

TEST_F(GatewayTest, AnUnacceptableRequestIdIsReplaced) {
  HttpTestResponse response =
      HttpCall(port(), "GET", "/v1/shelves/1", "", {"X-Request-Id: bad id with spaces"});
  EXPECT_EQ(response.Header("x-request-id").size(), 32u);
}

TEST_F(GatewayTest, HugeBodyIs413) {
  std::string body = absl::StrCat(R"({"theme":")", std::string(100 * 1024, 'x'), R"("})");
  HttpTestResponse response = HttpCall(port(), "POST", "/v1/shelves", body);
  EXPECT_EQ(response.status, 413);
  EXPECT_FALSE(fake_.last_call().has_value());
}

TEST_F(GatewayTest, AServiceAnsweringUnavailableKeepsItsOwnMessage) {
  // Words gRPC uses for a dead channel, written by a reachable service: the
  // client reads what the service said, not "unreachable".
  fake_.FailWith(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              "kiosk-plex failed to connect to Plex (connection refused); check plex.url"));
  HttpTestResponse response = HttpCall(port(), "GET", "/v1/shelves/1");
  EXPECT_EQ(response.status, 503);
  EXPECT_THAT(response.body, HasSubstr("check plex.url"));
  EXPECT_THAT(response.body, ::testing::Not(HasSubstr("is unreachable")));
}

TEST_F(GatewayTest, UpstreamDownIs503AndRecoversWhenItIsBack) {
  const int fake_port = grpc_port_;
  grpc_server_->Shutdown(std::chrono::system_clock::now());
  grpc_server_.reset();
  HttpTestResponse down = HttpCall(port(), "GET", "/v1/shelves/1");
  EXPECT_EQ(down.status, 503);
  EXPECT_THAT(down.body, HasSubstr("unreachable"));
  // /readyz follows the health checks (every 100 ms here).
  int ready = 0;
  for (int i = 0; i < 100 && ready != 503; ++i) {
    ready = HttpCall(port(), "GET", "/readyz").status;
    if (ready != 503) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(ready, 503);

  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", fake_port),
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&fake_);
  grpc_server_ = builder.BuildAndStart();
  ASSERT_NE(grpc_server_, nullptr);
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    status = HttpCall(port(), "GET", "/v1/shelves/1").status;
  }
  EXPECT_EQ(status, 200);
}

TEST_F(GatewayTest, SlowUpstreamIs504) {
  GatewayUnderTest options;
  options.upstream_deadline = absl::Milliseconds(200);
  Restart(options);
  fake_.Delay(absl::Seconds(1));
  HttpTestResponse response = HttpCall(port(), "GET", "/v1/shelves/1");
  EXPECT_EQ(response.status, 504);
  fake_.Delay(absl::ZeroDuration());
}

TEST_F(GatewayTest, GatewayStartsWhileTheUpstreamIsDown) {
  GatewayUnderTest options;
  options.upstream_override = "127.0.0.1:1";
  Restart(options);
  EXPECT_EQ(HttpCall(port(), "GET", "/healthz").status, 200);
  EXPECT_EQ(HttpCall(port(), "GET", "/v1/shelves/1").status, 503);
}

TEST_F(GatewayTest, BuiltInPages) {
  EXPECT_EQ(HttpCall(port(), "GET", "/healthz").status, 200);
  int ready = 0;
  for (int i = 0; i < 50 && ready != 200; ++i) {
    ready = HttpCall(port(), "GET", "/readyz").status;
    if (ready != 200) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(ready, 200);
  HttpCall(port(), "GET", "/v1/shelves/1");
  HttpTestResponse metrics = HttpCall(port(), "GET", "/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_THAT(metrics.Header("content-type"), HasSubstr("text/plain"));
  EXPECT_THAT(
      metrics.body,
      HasSubstr(
          R"(kiosk_gateway_http_requests_total{route="/v1/shelves/{shelf}",method="GET",code="200"} 1)"));
  EXPECT_THAT(HttpCall(port(), "GET", "/openapi.json").body, HasSubstr("openapi"));
}

TEST_F(GatewayTest, CorsAllowsConfiguredOriginsOnly) {
  HttpTestResponse preflight =
      HttpCall(port(), "OPTIONS", "/v1/shelves", "",
               {"Origin: https://kiosk.example", "Access-Control-Request-Method: POST"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://kiosk.example");
  EXPECT_THAT(preflight.Header("access-control-allow-headers"), HasSubstr("Authorization"));
  HttpTestResponse simple =
      HttpCall(port(), "GET", "/v1/shelves/1", "", {"Origin: https://kiosk.example"});
  EXPECT_EQ(simple.status, 200);
  EXPECT_EQ(simple.Header("access-control-allow-origin"), "https://kiosk.example");
  HttpTestResponse other =
      HttpCall(port(), "GET", "/v1/shelves/1", "", {"Origin: https://evil.example"});
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(other.Header("access-control-allow-origin"), "");
  // The page served by the gateway itself (same origin as the Host) is not
  // cross-origin, whatever CORS_ORIGINS says.
  HttpTestResponse same_origin =
      HttpCall(port(), "GET", "/v1/shelves/1", "", {"Origin: http://127.0.0.1"});
  EXPECT_EQ(same_origin.status, 200);
}

TEST_F(GatewayTest, PipelinedRequestsAreAnsweredInOrder) {
  std::string raw;
  for (int shelf : {1, 2, 3}) {
    absl::StrAppend(&raw, "GET /v1/shelves/", shelf, " HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  std::vector<HttpTestResponse> answers = HttpRaw(port(), raw, 3);
  ASSERT_EQ(answers.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(nlohmann::json::parse(answers[i].body)["id"], std::to_string(i + 1));
  }
}

TEST_F(GatewayTest, HeadAnswersHaveNoBodyAndKeepTheConnectionInStep) {
  std::vector<HttpTestResponse> answers = HttpRaw(port(),
                                                  "HEAD /v1/shelves HTTP/1.1\r\nHost: x\r\n\r\n"
                                                  "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                                                  "GET /v1/shelves/1 HTTP/1.1\r\nHost: x\r\n\r\n",
                                                  3);
  ASSERT_EQ(answers.size(), 3u);
  EXPECT_EQ(answers[0].status, 405);
  EXPECT_EQ(answers[0].body, "");
  EXPECT_EQ(answers[1].status, 200);
  EXPECT_EQ(answers[1].body, "");
  EXPECT_EQ(answers[2].status, 200);
  EXPECT_EQ(nlohmann::json::parse(answers[2].body, nullptr, false)["id"], "1") << answers[2].body;
}

TEST_F(GatewayTest, MalformedHttpIs400) {
  std::vector<HttpTestResponse> answers = HttpRaw(port(), "NOT HTTP AT ALL\r\n\r\n", 1);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].status, 400);
}

TEST_F(GatewayTest, ShutdownLetsARequestInFlightFinish) {
  fake_.Delay(absl::Milliseconds(500));
  std::thread client([&] { EXPECT_EQ(HttpCall(port(), "GET", "/v1/shelves/1").status, 200); });
  absl::SleepFor(absl::Milliseconds(150));
  http_->Shutdown(absl::Seconds(5));
  client.join();
  fake_.Delay(absl::ZeroDuration());
}

}  // namespace
}  // namespace kiosk::gateway::testing
