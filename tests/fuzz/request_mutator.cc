#include "tests/fuzz/request_mutator.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace kiosk::testing {

// A seeded random source with the few shapes the mutator needs.
class RequestMutator::Dice {
 public:
  explicit Dice(uint64_t seed) : rng_(seed) {}
  int Int(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }
  bool Chance(int percent) { return Int(0, 99) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[static_cast<size_t>(Int(0, static_cast<int>(values.size()) - 1))];
  }
  char Byte() { return static_cast<char>(Int(0, 255)); }

 private:
  std::mt19937_64 rng_;
};

namespace {

const std::vector<std::string>& PathValues() {
  static const auto* values = new std::vector<std::string>{
      "1", "2", "0", "-1", "9223372036854775807", "9223372036854775808",
      "99999999999999999999999999", "abc", "1.5", "1e3", "0x10", "%00", "%ff", "%c3%28",
      "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%", "%zz", "movie", "tv", "x", "%20", "+",
      "1;DROP%20TABLE%20users.users", "%E2%80%AE", std::string(300, '7'), "null", "true"};
  return *values;
}

const std::vector<std::string>& Strings() {
  static const auto* values = new std::vector<std::string>{
      "", "x", "admin", "'; DROP TABLE users.users; --", "\\", "../../etc/passwd",
      "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "http://127.0.0.1:1/x",
      "https://example.invalid/a.torrent", "movie", "tv", "fr", "en", "vo", "ROLE_ADMIN",
      "ROLE_USER", "pending", "1e309", "-1", "{{title}} ({{year}})", "{", "é’😀\u2028",
      std::string(5000, 'a'), "\t\n", "<script>alert(1)</script>", "%s%n%x", "quota.movie_limit",
      "2026-13-45T99:99:99Z", "1.5", "\x7f"};
  return *values;
}

const std::vector<nlohmann::json>& Numbers() {
  static const auto* values = new std::vector<nlohmann::json>{
      0, 1, -1, 2, 194, 2147483647, 2147483648LL, -2147483649LL, 9223372036854775807LL,
      std::numeric_limits<int64_t>::min(), 18446744073709551615ULL, 1.5, -0.0, 1e308, -1e308,
      "12", "-5", "9223372036854775808", "1e2", "abc", "", "NaN", "Infinity"};
  return *values;
}

// Texts that are not the JSON they claim to be, or are on the edge of it.
const std::vector<std::string>& OddBodies() {
  static const auto* values = new std::vector<std::string>{
      "", " ", "null", "[]", "\"x\"", "1", "true", "{", "}", "{\"a\":}", "{\"a\" 1}",
      "{'a': 1}", "{\"a\":1,}", "[1,2,]", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":-}",
      "{\"a\":1e999999}", "{\"a\":123456789012345678901234567890123456789}",
      "{\"a\":0.0000000000000000000000000000000000000001e-99999}", "/* c */ {}",
      "{\"a\":1}{\"b\":2}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\uZZZZ\"}",
      "{\"a\":\"\\x41\"}", "hello", "<xml/>", "a=1&b=2", "\xef\xbb\xbf{}", "{\"__proto__\":{}}"};
  return *values;
}

const std::vector<std::string>& ContentTypes() {
  static const auto* values = new std::vector<std::string>{
      "application/json", "application/json; charset=utf-8", "text/plain",
      "application/json; charset=utf-16", "multipart/form-data; boundary=x",
      "application/x-www-form-urlencoded", "application/grpc", "application/json;;;;",
      "*/*", std::string(2000, 'j')};
  return *values;
}

}  // namespace

RequestMutator::RequestMutator(std::vector<RestRoute> routes, nlohmann::json openapi,
                               std::vector<std::string> tokens)
    : routes_(std::move(routes)), openapi_(std::move(openapi)), tokens_(std::move(tokens)) {}

const nlohmann::json& RequestMutator::Resolve(const nlohmann::json& schema) const {
  static const nlohmann::json empty = nlohmann::json::object();
  if (!schema.is_object()) return empty;
  if (schema.contains("$ref") && schema["$ref"].is_string()) {
    std::string ref = schema["$ref"];
    const std::string prefix = "#/components/schemas/";
    if (ref.rfind(prefix, 0) != 0) return empty;
    const nlohmann::json& schemas = openapi_["components"]["schemas"];
    auto it = schemas.find(ref.substr(prefix.size()));
    return it == schemas.end() ? empty : *it;
  }
  return schema;
}

nlohmann::json RequestMutator::Value(Dice& dice, const nlohmann::json& raw_schema, int depth,
                                     int wrong_percent) const {
  const nlohmann::json& schema = Resolve(raw_schema);
  // A value of the wrong type now and then (one is enough to refuse the
  // whole body, so mostly the right types reach the services' checks).
  if (dice.Chance(wrong_percent) || depth > 6) {
    switch (dice.Int(0, 5)) {
      case 0: return nullptr;
      case 1: return dice.Pick(Strings());
      case 2: return dice.Pick(Numbers());
      case 3: return dice.Chance(50);
      case 4: return nlohmann::json::array({dice.Pick(Strings()), 1});
      default: return nlohmann::json::object({{"x", dice.Pick(Numbers())}});
    }
  }
  if (schema.contains("enum") && schema["enum"].is_array() && !schema["enum"].empty() &&
      dice.Chance(70)) {
    const int last = static_cast<int>(schema["enum"].size()) - 1;
    return schema["enum"][static_cast<size_t>(dice.Int(0, last))];
  }
  const std::string type = schema.value("type", "");
  if (type == "string") return dice.Pick(Strings());
  if (type == "integer" || type == "number") return dice.Pick(Numbers());
  if (type == "boolean") return dice.Chance(50);
  if (type == "array") {
    nlohmann::json array = nlohmann::json::array();
    const int count = dice.Chance(3) ? 5000 : dice.Int(0, 3);
    const nlohmann::json items = schema.value("items", nlohmann::json::object());
    for (int i = 0; i < count; ++i) {
      array.push_back(count > 10 ? nlohmann::json(i)
                                 : Value(dice, items, depth + 1, wrong_percent));
    }
    return array;
  }
  nlohmann::json object = nlohmann::json::object();
  if (schema.contains("properties") && schema["properties"].is_object()) {
    for (const auto& [name, property] : schema["properties"].items()) {
      if (dice.Chance(70)) object[name] = Value(dice, property, depth + 1, wrong_percent);
    }
  }
  if (schema.contains("additionalProperties") && dice.Chance(50)) {
    object[dice.Pick(Strings()).substr(0, 40)] =
        Value(dice, schema["additionalProperties"], depth + 1, wrong_percent);
  }
  if (dice.Chance(wrong_percent)) object[dice.Pick(Strings()).substr(0, 20)] = dice.Pick(Numbers());
  return object;
}

std::string RequestMutator::Path(Dice& dice, const RestRoute& route) const {
  std::string path = FillPath(route.path, dice.Chance(40) ? "1" : dice.Pick(PathValues()));
  if (!dice.Chance(30)) return path;
  switch (dice.Int(0, 10)) {
    case 0: return path + "/";
    case 1: return absl::StrReplaceAll(path, {{"/", "//"}});
    case 2: return path.substr(0, path.rfind('/'));
    case 3: return path + "/extra/segment";
    case 4: return absl::StrReplaceAll(path, {{":", ":nope"}});
    case 5: return absl::AsciiStrToUpper(path);
    case 6: return absl::StrCat("/api/v1/../", path.substr(std::min<size_t>(path.size(), 8)));
    case 7: return absl::StrReplaceAll(path, {{"api", "%61pi"}});
    case 8: return absl::StrCat(path, "#fragment");
    case 9: return absl::StrCat(path, "%00");
    default: return absl::StrCat(path, std::string(dice.Int(1, 3), '\x80'));
  }
}

std::string RequestMutator::Query(Dice& dice, const RestRoute& route) const {
  std::vector<std::string> names;
  if (route.operation.contains("parameters")) {
    for (const nlohmann::json& p : route.operation["parameters"]) {
      if (p.value("in", "") == "query") names.push_back(p.value("name", ""));
    }
  }
  if (names.empty() ? !dice.Chance(10) : dice.Chance(40)) return "";
  if (names.empty()) names = {"q", "page", "pageSize", "x"};
  std::string query;
  const int count = dice.Int(1, 4);
  for (int i = 0; i < count; ++i) {
    std::string value;
    switch (dice.Int(0, 6)) {
      case 0: value = dice.Pick(PathValues()); break;
      case 1: value = nlohmann::json(dice.Pick(Numbers())).dump(); break;
      case 2: value = "%"; break;
      case 3: value = std::string(dice.Int(1, 9000), 'q'); break;
      case 4: value = "a+b%20c%2B%26%3D"; break;
      case 5: value = ""; break;
      default:
        value = absl::StrReplaceAll(dice.Pick(Strings()), {{" ", "+"}, {"#", "%23"}, {"&", "%26"}});
        break;
    }
    absl::StrAppend(&query, i == 0 ? "?" : "&", dice.Pick(names), dice.Chance(90) ? "=" : "",
                    value);
  }
  if (dice.Chance(5)) query += "&&==&[]=1&a[b]=2";
  return query;
}

std::string RequestMutator::Body(Dice& dice, const RestRoute& route) const {
  nlohmann::json schema = nlohmann::json::object();
  if (route.operation.contains("requestBody")) {
    schema = route.operation["requestBody"]["content"]["application/json"].value(
        "schema", nlohmann::json::object());
  }
  const int mode = dice.Int(0, 99);
  if (mode < 35) return Value(dice, schema, 0, 0).dump();
  if (mode < 50) return Value(dice, schema, 0, 10).dump();
  if (mode < 58) {  // deep nesting, closed or not
    const int depth = dice.Pick(std::vector<int>{64, 512, 5000, 100000});
    const bool arrays = dice.Chance(50);
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
      open += arrays ? "[" : "{\"a\":";
      close += arrays ? "]" : "}";
    }
    return dice.Chance(70) ? open + "1" + close : open;
  }
  if (mode < 70) return dice.Pick(OddBodies());
  if (mode < 80) {  // invalid UTF-8 inside a string of an otherwise fine body
    std::string body = Value(dice, schema, 0, 0).dump();
    const std::vector<std::string> bad = {"\xff", "\xc3\x28", "\xed\xa0\x80", "\xc0\xaf",
                                          "\xf4\x90\x80\x80", "\xe2\x82", "\x80"};
    size_t quote = body.find('"');
    std::string inject = dice.Pick(bad);
    if (quote == std::string::npos) return absl::StrCat("{\"name\":\"", inject, "\"}");
    return body.insert(quote + 1, inject);
  }
  if (mode < 87) {  // truncated
    std::string body = Value(dice, schema, 0, 5).dump();
    return body.substr(0, static_cast<size_t>(dice.Int(0, static_cast<int>(body.size()))));
  }
  if (mode < 92) {  // NUL and control characters in every string
    std::string text = Value(dice, schema, 0, 0).dump();
    return absl::StrReplaceAll(text, {{"\":\"", "\":\"\\u0000\\u0001"}});
  }
  if (mode < 95) {  // big
    const size_t size = static_cast<size_t>(dice.Int(100000, 2000000));
    return nlohmann::json{{"name", std::string(size, 'b')}}.dump();
  }
  return "";
}

std::vector<std::string> RequestMutator::Headers(Dice& dice) const {
  std::vector<std::string> headers;
  const int auth = dice.Int(0, 9);
  if (auth < 6 && !tokens_.empty()) {
    const std::string& token = tokens_[static_cast<size_t>(auth) % tokens_.size()];
    headers.push_back(absl::StrCat("Authorization: Bearer ", token));
  } else if (auth == 6) {
    std::string token = tokens_.empty() ? "x" : tokens_[0];
    token[token.size() / 2] ^= 1;
    headers.push_back(absl::StrCat("Authorization: Bearer ", token));
  } else if (auth == 7) {
    headers.push_back(dice.Pick(std::vector<std::string>{
        "Authorization: Bearer", "Authorization: Basic YWRtaW46YWRtaW4=",
        "Authorization: bearer a.b.c",
        "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.", "X-Api-Key: kiosk_junk",
        absl::StrCat("Authorization: Bearer ", std::string(20000, 'e'))}));
  }
  if (dice.Chance(70)) headers.push_back(absl::StrCat("Content-Type: ", dice.Pick(ContentTypes())));
  if (dice.Chance(15)) {
    headers.push_back(dice.Pick(std::vector<std::string>{
        "X-Request-Id: ../../x", "X-Request-Id: " + std::string(5000, 'r'),
        "Accept: application/xml",
        "Content-Encoding: gzip", "Origin: http://evil.example", "Cookie: kiosk_session=junk",
        "X-Forwarded-For: 1.2.3.4, ::1, junk", "Accept-Encoding: br;q=2", "Range: bytes=0-1",
        "Host: evil.example"}));
  }
  return headers;
}

std::string RequestMutator::Raw(Dice& dice, const FuzzRequest& request) const {
  const std::string head =
      absl::StrCat(request.method, " ", request.target, " HTTP/1.1\r\nHost: x\r\n");
  switch (dice.Int(0, 11)) {
    case 0: return absl::StrCat(head, "Content-Length: abc\r\n\r\n");
    case 1: return absl::StrCat(head, "Content-Length: -5\r\n\r\n");
    case 2: return absl::StrCat(head, "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n");
    case 3:
      return absl::StrCat(head, "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                          "3\r\nabc\r\n0\r\n\r\n");
    case 4:
      return absl::StrCat(request.method, " ", request.target, " HTTP/9.9\r\nHost: x\r\n\r\n");
    case 5: return "GET\r\n\r\n";
    case 6: return absl::StrCat(head, "No colon here\r\n\r\n");
    case 7: return absl::StrCat(head, "X-Big: ", std::string(100000, 'h'), "\r\n\r\n");
    case 8: return absl::StrCat(head, "X-Folded: a\r\n  b\r\n\r\n");
    case 9: return absl::StrCat(request.method, " ", request.target,
                                std::string("\0 HTTP/1.1\r\nHost: x\r\n\r\n", 23));
    case 10: return absl::StrCat(head, "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc");
    default: {  // a valid request with one byte of its head replaced
      std::string raw = absl::StrCat(head, "Content-Length: ", request.body.size(), "\r\n\r\n");
      const int before_length = static_cast<int>(raw.find("Content-Length")) - 1;
      const size_t at = static_cast<size_t>(dice.Int(0, before_length));
      char c = dice.Byte();
      if (c != '\r' && c != '\n' && !(at == 0 && c == ' ')) raw[at] = c;
      return raw + request.body;
    }
  }
}

FuzzRequest RequestMutator::Make(uint64_t seed, int iteration) const {
  Dice dice(seed * 1000003 + static_cast<uint64_t>(iteration));
  const RestRoute& route = routes_[static_cast<size_t>(iteration) % routes_.size()];
  FuzzRequest request;
  request.route = route.Name();
  request.method = route.method;
  if (dice.Chance(8)) {
    request.method = dice.Pick(std::vector<std::string>{"GET", "POST", "PATCH", "DELETE", "PUT",
                                                        "HEAD", "OPTIONS", "TRACE", "FOO", "get"});
  }
  request.target = Path(dice, route) + Query(dice, route);
  const bool bodiless =
      request.method == "GET" || request.method == "HEAD" || request.method == "DELETE";
  if (!bodiless || dice.Chance(10)) request.body = Body(dice, route);
  request.headers = Headers(dice);
  if (dice.Chance(7)) request.raw = Raw(dice, request);
  return request;
}

}  // namespace kiosk::testing
