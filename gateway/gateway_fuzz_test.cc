// A fuzz-style test of the whole gateway: thousands of random requests built
// from a grammar around the test Bookstore's routes (methods, mutated paths,
// query strings, JSON bodies, headers) and raw malformed HTTP. Every answer
// must arrive and be JSON: a google.rpc.Status body for every error, never a
// 500 (the fake never fails here), and the gateway must still be healthy at
// the end. The run is deterministic for a seed:
//
//   KIOSK_FUZZ_SEED=123 KIOSK_FUZZ_ITERATIONS=20000 ./gateway_fuzz_test
//   KIOSK_FUZZ_VERBOSE=1 ...  prints every request and its answer
//
// A failure names the seed and the iteration, whose request is rebuilt from
// (seed, iteration) alone. Run under AddressSanitizer by
// scripts/asan-fuzz.sh (ctest gateway.fuzz_asan).
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "gateway/gateway_test_fixture.h"
#include "gateway/testing/answer_check.h"
#include "gateway/testing/http_test_client.h"

namespace kiosk::gateway::testing {
namespace {

namespace gp = ::google::protobuf;
namespace v1 = ::kiosk::gatewaytest::v1;

constexpr uint64_t kDefaultSeed = 20240611;
constexpr int kDefaultIterations = 3000;
// Share of the iterations that go to raw HTTP (the rest are HttpCall requests).
constexpr int kRawPercent = 15;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value;
  if (text == nullptr || *text == '\0') return fallback;
  if (!absl::SimpleAtoi(text, &value)) {
    ADD_FAILURE() << name << "=\"" << text << "\" is not a non-negative integer";
    return fallback;
  }
  return value;
}

uint64_t Seed() { return EnvOr("KIOSK_FUZZ_SEED", kDefaultSeed); }
int TotalIterations() {
  return static_cast<int>(EnvOr("KIOSK_FUZZ_ITERATIONS", kDefaultIterations));
}

// Random choices for one iteration, seeded from (seed, iteration) so a
// failing iteration can be rebuilt alone.
class Dice {
 public:
  Dice(uint64_t seed, uint64_t iteration) {
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                      static_cast<uint32_t>(iteration), static_cast<uint32_t>(iteration >> 32)};
    rng_.seed(seq);
  }

  // In [lo, hi].
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  char Byte() { return static_cast<char>(Int(0, 255)); }
  template <typename T>
  const T& Pick(const std::vector<T>& options) {
    return options[static_cast<size_t>(Int(0, static_cast<int>(options.size()) - 1))];
  }
  std::string PickStr(const std::vector<std::string>& options) { return Pick(options); }

 private:
  std::mt19937_64 rng_;
};

// ------------------------------------------------------------------ values

// Awkward text: escapes valid and broken, multi-byte and invalid UTF-8,
// NUL, '+', '&', '=' and very long runs.
std::string RandomText(Dice& dice) {
  static const auto* kPieces = new std::vector<std::string>(absl::StrSplit(
      "a|Hugo| |+|%20|%2B|%26|%3D|%|%2|%zz|%00|%ff|%FE%FF|%C3%A9|%ED%A0%80|%F4%90%80%80|%C0%AF|"
      "\xc3\xa9|\xe2\x82\xac|\xf0\x9f\x98\x80|\xff|\xc3|\xed\xa0\x80|&|=|.|/|%2F|..|'|\"|\\|"
      "<x/>|{}|*|:|?|#|;",
      '|'));
  std::string out;
  const int pieces = dice.Int(0, 6);
  for (int i = 0; i < pieces; ++i) out += dice.Pick(*kPieces);
  if (dice.Chance(0.03)) out += std::string(static_cast<size_t>(dice.Int(100, 5000)), 'x');
  return out;
}

// An ordinary value for `field`, as query text, so that requests get past
// the first check.
std::string TypicalScalarText(Dice& dice, const gp::FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(dice.Int(0, 100000));
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(dice.Int(-1000, 1000), ".", dice.Int(0, 99));
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      return dice.PickStr({"true", "false"});
    case gp::FieldDescriptor::CPPTYPE_ENUM:
      return dice.PickStr({"GENRE_FICTION", "GENRE_HISTORY", "1"});
    case gp::FieldDescriptor::CPPTYPE_STRING:
      if (field.type() == gp::FieldDescriptor::TYPE_BYTES) return "aGk%3D";
      return dice.PickStr({"Hugo", "Victor+Hugo", "a%26b", "%C3%A9t%C3%A9"});
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      if (field.message_type()->full_name() == "google.protobuf.Timestamp") {
        return "2024-01-02T03:04:05Z";
      }
      return absl::StrCat(dice.Int(0, 100));
  }
  return "";
}

// A scalar as query or path text for a field of `type`: often an edge case.
std::string RandomScalarText(Dice& dice, const gp::FieldDescriptor& field) {
  if (dice.Chance(0.1)) return RandomText(dice);
  if (dice.Chance(0.4)) return TypicalScalarText(dice, field);
  switch (field.cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      // clang-format off
      return dice.PickStr({
          "0", "1", "-1", "42", "2147483647", "2147483648", "-2147483649", "4294967295",
          "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
          "18446744073709551615", "18446744073709551616", "99999999999999999999999", "1.5", "1e3",
          "0x10", "+7", " 7", "7 ", "%37", "", "abc", "007"});
      // clang-format on
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
      return dice.PickStr({"0", "-0", "1.5", "1e38", "1e39", "1e308", "1e309", "-1e400", "nan",
                           "NaN", "inf", "-Infinity", "4.9e-324", "1e-50", ".5", "5.", "1,5",
                           "0x1p3", ""});
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      return dice.PickStr({"true", "false", "1", "0", "True", "yes", "", "2"});
    case gp::FieldDescriptor::CPPTYPE_ENUM:
      return dice.PickStr({"GENRE_FICTION", "GENRE_HISTORY", "GENRE_UNSPECIFIED", "0", "1", "2",
                           "3", "-1", "99", "2147483648", "genre_fiction", "GENRE_POETRY", ""});
    case gp::FieldDescriptor::CPPTYPE_STRING:
      if (field.type() == gp::FieldDescriptor::TYPE_BYTES) {
        return dice.PickStr(
            {"aGk%3D", "aGk=", "aGk", "-_8", "%2B%2F8%3D", "a", "====", "!!", "aGk%3D%3D%3D", ""});
      }
      return RandomText(dice);
    case gp::FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& type = field.message_type()->full_name();
      if (type == "google.protobuf.Timestamp") {
        return dice.PickStr(
            {"2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123456789Z",
             "2024-01-02T03:04:05%2B02:00", "2024-01-02T03:04:05+02:00", "2024-13-01T00:00:00Z",
             "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "10000-01-01T00:00:00Z",
             "0000-01-01T00:00:00Z", "2024-01-02T03:04:05.1234567891Z", "2024-01-02", "1704164645",
             "", "2024-02-30T00:00:00Z", "2024-01-02T24:00:00Z", "2024-01-02T03:04:60Z"});
      }
      return dice.PickStr({"5", "-1", "2147483648", "x", "", "{}", "null"});
    }
  }
  return "";
}

// JSON numbers, strings and odd values as raw text (not always valid JSON).
std::string RandomJsonScalar(Dice& dice, const gp::FieldDescriptor& field) {
  if (dice.Chance(0.4)) {
    const std::string text = TypicalScalarText(dice, field);
    const bool number = field.cpp_type() != gp::FieldDescriptor::CPPTYPE_STRING &&
                        field.cpp_type() != gp::FieldDescriptor::CPPTYPE_ENUM &&
                        field.cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE;
    if (number) return text;
    if (field.type() == gp::FieldDescriptor::TYPE_BYTES) return "\"aGk=\"";
    return absl::StrCat("\"", text, "\"");
  }
  switch (field.cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
    case gp::FieldDescriptor::CPPTYPE_INT64:
    case gp::FieldDescriptor::CPPTYPE_UINT32:
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      // clang-format off
      return dice.PickStr({
          "0", "7", "-1", "\"12\"", "2147483647", "2147483648", "-2147483649", "4294967296",
          "\"9223372036854775807\"", "\"9223372036854775808\"", "9223372036854775807",
          "\"-9223372036854775809\"", "\"18446744073709551615\"", "18446744073709551616", "1e19",
          "1.0", "1.5", "1e2", "-0", "\"\"", "\"abc\"", "true", "null", "[]", "{}",
          "123456789012345678901234567890123456789", "\" 1\"", "\"0x10\""});
      // clang-format on
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
      return dice.PickStr(
          {"0",       "1.5",     "-0.0",         "3.4028235e38",  "3.5e38",  "1e308",    "1e309",
           "-1e400",  "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e5\"", "4.9e-324", "1e-400",
           "\"nan\"", "NaN",     "null",         "\"\"",          "true",    "0.1e",     "01",
           "-"});
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      return dice.PickStr({"true", "false", "\"true\"", "1", "null", "tru"});
    case gp::FieldDescriptor::CPPTYPE_ENUM:
      return dice.PickStr({"\"GENRE_FICTION\"", "\"GENRE_HISTORY\"", "1", "0", "99", "-1",
                           "\"GENRE_POETRY\"", "\"\"", "null", "2147483648", "1.5", "\"1\""});
    case gp::FieldDescriptor::CPPTYPE_STRING:
      if (field.type() == gp::FieldDescriptor::TYPE_BYTES) {
        return dice.PickStr({"\"aGk=\"", "\"aGk\"", "\"-_8\"", "\"+/8=\"", "\"a\"", "\"!!\"",
                             "\"\"", "5", "null", "\"aGk=\\u0000\""});
      }
      // clang-format off
      return dice.PickStr({
          "\"x\"", "\"\"", "\"Victor Hugo\"", "\"\xc3\xa9\xe2\x82\xac\"", "\"\\u00e9\"",
          "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\u0041\"", "\"\\u0000\"",
          "\"a\\nb\\t\\\"\"", "\"\\x41\"", "\"\\u12\"", "\"\xff\xfe\"", "\"\xc3\"",
          "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xc0\xaf\"", "\"a\tb\"", "\"unterminated",
          "5", "null", "[\"x\"]", "{}"});
      // clang-format on
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "null";
}

std::string RandomJsonForMessage(Dice& dice, const gp::Descriptor& type, int depth);

// Any JSON value, for google.protobuf.Struct/Value and for wrong types.
std::string RandomAnyJson(Dice& dice, int depth) {
  const int kind = depth > 4 ? dice.Int(0, 5) : dice.Int(0, 8);
  switch (kind) {
    case 0:
      return "null";
    case 1:
      return dice.PickStr({"true", "false"});
    case 2:
      return dice.PickStr({"0", "-1.5e3", "1e309", "123456789012345678901234567890"});
    case 3:
    case 4:
      return dice.PickStr({"\"x\"", "\"\"", "\"\\ud800\"", "\"\xff\"", "\"\xc3\xa9\""});
    case 5:
      return "[]";
    case 6:
    case 7: {
      std::vector<std::string> members;
      for (int i = dice.Int(0, 3); i > 0; --i) {
        members.push_back(absl::StrCat(dice.PickStr({"\"a\"", "\"\"", "\"k\\u0000\"", "\"a\""}),
                                       ":", RandomAnyJson(dice, depth + 1)));
      }
      return absl::StrCat("{", absl::StrJoin(members, ","), "}");
    }
    default: {
      std::vector<std::string> items;
      for (int i = dice.Int(0, 3); i > 0; --i) items.push_back(RandomAnyJson(dice, depth + 1));
      return absl::StrCat("[", absl::StrJoin(items, ","), "]");
    }
  }
}

std::string RandomJsonForField(Dice& dice, const gp::FieldDescriptor& field, int depth) {
  if (dice.Chance(0.03)) return RandomAnyJson(dice, depth);
  if (field.cpp_type() != gp::FieldDescriptor::CPPTYPE_MESSAGE) {
    return RandomJsonScalar(dice, field);
  }
  const gp::Descriptor& type = *field.message_type();
  const std::string& name = type.full_name();
  if (name == "google.protobuf.Timestamp") {
    return absl::StrCat("\"", RandomScalarText(dice, field), "\"");
  }
  if (name == "google.protobuf.Struct") return RandomAnyJson(dice, depth + 1);
  if (absl::StartsWith(name, "google.protobuf.") && absl::EndsWith(name, "Value") &&
      type.FindFieldByName("value") != nullptr) {
    return RandomJsonScalar(dice, *type.FindFieldByName("value"));
  }
  if (depth > 3) return "{}";
  return RandomJsonForMessage(dice, type, depth + 1);
}

std::string RandomJsonForMessage(Dice& dice, const gp::Descriptor& type, int depth) {
  std::vector<std::string> members;
  for (int i = 0; i < type.field_count(); ++i) {
    const gp::FieldDescriptor& field = *type.field(i);
    if (!dice.Chance(0.4)) continue;
    const std::string key = dice.Chance(0.5) ? field.json_name() : field.name();
    std::string value;
    if (field.is_map()) {
      const gp::FieldDescriptor& map_value = *field.message_type()->FindFieldByName("value");
      std::vector<std::string> entries;
      for (int n = dice.Int(0, 3); n > 0; --n) {
        entries.push_back(absl::StrCat(
            dice.PickStr({"\"k\"", "\"\"", "\"\xc3\xa9\"", "\"\\ud800\"", "\"\xff\"", "\"k\""}),
            ":", RandomJsonForField(dice, map_value, depth)));
      }
      value = absl::StrCat("{", absl::StrJoin(entries, ","), "}");
    } else if (field.is_repeated() && !dice.Chance(0.05)) {
      std::vector<std::string> items;
      for (int n = dice.Int(0, 3); n > 0; --n) {
        items.push_back(RandomJsonForField(dice, field, depth));
      }
      value = absl::StrCat("[", absl::StrJoin(items, ","), "]");
    } else {
      value = RandomJsonForField(dice, field, depth);
    }
    members.push_back(absl::StrCat("\"", key, "\":", value));
  }
  if (dice.Chance(0.05)) members.push_back("\"bogus\":1");
  if (dice.Chance(0.03) && !members.empty()) members.push_back(members.front());  // duplicate
  return absl::StrCat("{", absl::StrJoin(members, ","), "}");
}

// A body for a message of `type` (null: a route without body), often valid,
// otherwise broken in one of many ways.
std::string RandomBody(Dice& dice, const gp::Descriptor* type) {
  std::string body;
  if (type != nullptr && dice.Chance(0.7)) {
    body = RandomJsonForMessage(dice, *type, 0);
  } else if (type == nullptr && dice.Chance(0.8)) {
    body = dice.PickStr({"", "", "", "{}", " ", "\r\n"});
  } else {
    // clang-format off
    body = dice.PickStr({
        "", "{}", "[]", "null", "1", "\"str\"", "true", "{bad", "hello", "<xml/>", "{\"a\":}",
        "{\"id\":1,}", "{}{}", "{} x", "\xef\xbb\xbf{}", "{\"title\":\"t\"},\"shelf\":\"9\"",
        "1} {", "{\"\xff\":1}", "{\"\\ud800\":1}", "{\"theme\":\"\\u0000\"}",
        std::string("{\0}", 3), std::string("\0", 1), "{\"st\":{\"a\":1e999999}}",
        "{\"i32\":1" + std::string(400, '0') + "}", "{\"d\":-" + std::string(400, '9') + "}"});
    // clang-format on
  }
  switch (dice.Int(0, 19)) {
    case 0:  // truncated
      if (!body.empty()) {
        body.resize(static_cast<size_t>(dice.Int(0, static_cast<int>(body.size()))));
      }
      break;
    case 1: {  // deep nesting, as a value or as the whole body
      const size_t depth =
          static_cast<size_t>(dice.Pick(std::vector<int>{20, 32, 33, 50, 101, 1000, 10000}));
      std::string open = dice.Chance(0.5) ? std::string(depth, '[') : "";
      if (open.empty()) {
        for (size_t i = 0; i < depth; ++i) open += "{\"a\":";
      }
      std::string nested = absl::StrCat(open, dice.Chance(0.5) ? "1" : "",
                                        dice.Chance(0.5) ? std::string(depth, ']') : "");
      body = dice.PickStr({nested, absl::StrCat("{\"st\":{\"x\":", nested, "}}"),
                           absl::StrCat("{\"title\":", nested, "}")});
      break;
    }
    case 2:  // a byte replaced
      if (!body.empty()) {
        body[static_cast<size_t>(dice.Int(0, static_cast<int>(body.size()) - 1))] = dice.Byte();
      }
      break;
    case 3:  // NUL or invalid UTF-8 inserted
      body.insert(static_cast<size_t>(dice.Int(0, static_cast<int>(body.size()))),
                  dice.PickStr({std::string("\0", 1), "\xff", "\xc3", "\xed\xa0\x80"}));
      break;
    case 4:  // near or over the 64 KiB body limit
      body = absl::StrCat("{\"theme\":\"",
                          std::string(static_cast<size_t>(dice.Int(60000, 70000)), 'x'), "\"}");
      break;
    default:
      break;
  }
  return body;
}

// ------------------------------------------------------------------ routes

// A route of testdata/test_service.proto: method, path pattern ({n} a value
// slot, {**} a rest-of-path slot) and the message its body and query fill.
struct RouteShape {
  std::string method;
  std::string pattern;
  const gp::Descriptor* query_type;  // the request message
  const gp::Descriptor* body_type;   // null: no body
};

const std::vector<RouteShape>& Shapes() {
  static const auto* shapes = new std::vector<RouteShape>{
      {"GET", "/v1/shelves", v1::ListShelvesRequest::descriptor(), nullptr},
      {"POST", "/v1/shelves", v1::Shelf::descriptor(), v1::Shelf::descriptor()},
      {"GET", "/v1/shelves/{n}", v1::GetShelfRequest::descriptor(), nullptr},
      {"GET", "/v1/shelf-by-id/{n}", v1::GetShelfRequest::descriptor(), nullptr},
      {"POST", "/v1/shelves/{n}/books", v1::CreateBookRequest::descriptor(),
       v1::Book::descriptor()},
      {"PATCH", "/v1/shelves/{n}/books/{n}", v1::UpdateBookRequest::descriptor(),
       v1::Book::descriptor()},
      {"GET", "/v1/shelves/{n}/books/{n}", v1::GetBookByNameRequest::descriptor(), nullptr},
      {"DELETE", "/v1/shelves/{n}/books/{n}", v1::DeleteBookRequest::descriptor(), nullptr},
      {"PUT", "/v1/books/{n}", v1::PutBookRequest::descriptor(), v1::PutBookRequest::descriptor()},
      {"POST", "/v1/shelves/{n}:count", v1::CountBooksRequest::descriptor(),
       v1::CountBooksRequest::descriptor()},
      {"GET", "/v1/files/{**}", v1::GetFileRequest::descriptor(), nullptr},
      // Echo has every kind of field: three times as likely.
      {"POST", "/v1/echo", v1::EchoMessage::descriptor(), v1::EchoMessage::descriptor()},
      {"POST", "/v1/echo", v1::EchoMessage::descriptor(), v1::EchoMessage::descriptor()},
      {"POST", "/v1/echo", v1::EchoMessage::descriptor(), v1::EchoMessage::descriptor()},
      {"GET", "/v1/echo", v1::EchoMessage::descriptor(), nullptr},
      {"GET", "/v1/echo", v1::EchoMessage::descriptor(), nullptr},
      {"GET", "/v1/echo", v1::EchoMessage::descriptor(), nullptr},
      {"GET", "/healthz", nullptr, nullptr},
      {"GET", "/readyz", nullptr, nullptr},
      {"GET", "/metrics", nullptr, nullptr},
      {"GET", "/openapi.json", nullptr, nullptr},
  };
  return *shapes;
}

std::string RandomSegmentValue(Dice& dice) {
  if (dice.Chance(0.6)) return absl::StrCat(dice.Int(0, 1000));
  // clang-format off
  return dice.PickStr({
      "0", "-1", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
      "99999999999999999999", "abc", "", "%31", "1%2F2", "%2f", "%00", "1%00", "%zz", "%", "%4",
      "\xc3\xa9", "%C3%A9", "%FF", "\xff", ".", "..", "1.5", "1e3", "+1", "0x10", "%20", "1;x", "*",
      "**", ":", "1:2", "{n}", std::string(static_cast<size_t>(dice.Int(200, 3000)), '7'),
      std::string(20000, 'a')});
  // clang-format on
}

std::string RandomPath(Dice& dice, const std::string& pattern) {
  std::string path;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern.compare(i, 4, "{**}") == 0) {
      std::vector<std::string> parts;
      for (int n = dice.Int(0, 4); n > 0; --n) parts.push_back(RandomSegmentValue(dice));
      path += absl::StrJoin(parts, "/");
      i += 4;
    } else if (pattern.compare(i, 3, "{n}") == 0) {
      path += RandomSegmentValue(dice);
      i += 3;
    } else {
      path += pattern[i++];
    }
  }
  // One mutation in four paths, so most still match a route.
  if (!dice.Chance(0.25)) return path;
  switch (dice.Int(0, 7)) {
    case 0:
      path += dice.PickStr({"/", "//", "/."});
      break;
    case 1: {  // an empty segment
      const size_t slash = path.find('/', 1);
      if (slash != std::string::npos) path.insert(slash, "/");
      break;
    }
    case 2:
      path += dice.PickStr({":count", ":", ":bogus", ":%63ount", "::count", ":count/"});
      break;
    case 3:
      path.insert(static_cast<size_t>(dice.Int(0, static_cast<int>(path.size()))),
                  dice.PickStr({"%", "%2F", "%2f", "%00", "%ff", "%C3%A9", "%7B", "%zz", "\xc3\xa9",
                                "\xff", "%76"}));
      break;
    case 4:  // truncated
      path.resize(static_cast<size_t>(dice.Int(0, static_cast<int>(path.size()))));
      break;
    case 5:  // a byte replaced
      if (!path.empty()) {
        path[static_cast<size_t>(dice.Int(0, static_cast<int>(path.size()) - 1))] = dice.Byte();
      }
      break;
    case 6:
      path =
          dice.PickStr({"", "*", "/", "v1/shelves", "http://x/v1/shelves", "//v1/shelves",
                        "/V1/SHELVES", "/v1/./shelves", "/v1/shelves/../echo", "/%76%31/shelves"});
      break;
    default:  // a segment repeated
      path += path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/'));
      break;
  }
  return path;
}

// Dotted query names of `type`'s fields (proto and JSON spellings), a level
// deep into messages, and into well-known types.
void QueryNames(const gp::Descriptor& type, const std::string& prefix, int depth,
                std::vector<std::pair<std::string, const gp::FieldDescriptor*>>* out) {
  for (int i = 0; i < type.field_count(); ++i) {
    const gp::FieldDescriptor* field = type.field(i);
    for (const std::string& name : {field->name(), field->json_name()}) {
      out->emplace_back(prefix + name, field);
      if (field->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE && depth < 2) {
        QueryNames(*field->message_type(), absl::StrCat(prefix, name, "."), depth + 1, out);
      }
    }
  }
}

std::string RandomQuery(Dice& dice, const gp::Descriptor* type) {
  std::vector<std::pair<std::string, const gp::FieldDescriptor*>> names;
  if (type != nullptr) QueryNames(*type, "", 0, &names);
  std::vector<std::string> pairs;
  // Often a single parameter, so that one bad value does not hide the rest.
  for (int n = dice.Chance(0.5) ? 1 : dice.Int(2, 6); n > 0; --n) {
    std::string name;
    std::string value;
    if (!names.empty() && dice.Chance(0.85)) {
      const auto& [field_name, field] = dice.Pick(names);
      name = field_name;
      value = RandomScalarText(dice, *field);
    } else {
      name = dice.PickStr({"nope", "", "a.b.c.d", "filter.", ".", "filter..author",
                           "%66ilter.author", "page%5Fsize", "page+size", "%zz", "%", "ids[]",
                           "ids%5B%5D", "\xc3\xa9", "%ff", "book.title", "shelf", "book.id"});
      value = RandomText(dice);
    }
    switch (dice.Int(0, 9)) {
      case 0:
        pairs.push_back(name);  // no '='
        break;
      case 1:
        pairs.push_back(absl::StrCat(name, "=", value, "=", value));
        break;
      case 2:
        pairs.push_back(absl::StrCat(name, "=", value));
        pairs.push_back(absl::StrCat(name, "=", value));  // repeated
        break;
      default:
        pairs.push_back(absl::StrCat(name, "=", value));
    }
    if (dice.Chance(0.05)) pairs.push_back("");  // "&&"
  }
  std::string query = absl::StrJoin(pairs, dice.Chance(0.95) ? "&" : ";");
  // The request line ends at CR or LF: keep them out of the target.
  query.erase(
      std::remove_if(query.begin(), query.end(), [](char c) { return c == '\r' || c == '\n'; }),
      query.end());
  return query;
}

struct FuzzRequest {
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::string> headers;
};

FuzzRequest RandomRequest(Dice& dice) {
  const RouteShape& shape = dice.Pick(Shapes());
  FuzzRequest request;
  request.method = shape.method;
  if (dice.Chance(0.15)) {
    request.method = dice.PickStr({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD",
                                   "HEAD", "get", "Post", "BREW", "M-SEARCH", "CONNECT", "TRACE",
                                   "G\x01T", "G T", "", std::string(300, 'P'), "\xc3\xa9"});
  }
  request.target = RandomPath(dice, shape.pattern);
  request.target.erase(std::remove_if(request.target.begin(), request.target.end(),
                                      [](char c) { return c == '\r' || c == '\n'; }),
                       request.target.end());
  if (dice.Chance(shape.body_type == nullptr ? 0.6 : 0.2)) {
    request.target += "?" + RandomQuery(dice, shape.query_type);
  }
  if (dice.Chance(0.02)) request.target += "#frag";
  const bool sends_body = shape.body_type != nullptr || dice.Chance(0.1);
  if (sends_body) request.body = RandomBody(dice, shape.body_type);
  if (dice.Chance(0.05)) {
    request.headers.push_back(dice.PickStr(
        {"Origin: https://kiosk.example", "Origin: https://evil.example", "Origin: null"}));
    if (dice.Chance(0.5)) request.headers.push_back("Access-Control-Request-Method: POST");
  }
  if (dice.Chance(0.05)) {
    request.headers.push_back(absl::StrCat("X-Request-Id: ", RandomText(dice)));
  }
  if (dice.Chance(0.03)) request.headers.push_back("Authorization: Bearer a.b.c");
  if (dice.Chance(0.03)) request.headers.push_back("Content-Type: text/plain");
  for (std::string& header : request.headers) {
    header.erase(
        std::remove_if(header.begin(), header.end(), [](char c) { return c == '\r' || c == '\n'; }),
        header.end());
  }
  return request;
}

// ------------------------------------------------------------------ raw HTTP

// Bytes that the server must answer at once: each message is complete (its
// Content-Length or chunks are all there) or malformed before its end.
struct RawCase {
  std::string bytes;
  int responses = 1;
};

std::string ValidRequest(Dice& dice) {
  return dice.PickStr({"GET /v1/shelves/1 HTTP/1.1\r\nHost: x\r\n\r\n",
                       "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                       "POST /v1/shelves HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}",
                       "DELETE /v1/shelves/1/books/2 HTTP/1.1\r\nHost: x\r\n\r\n"});
}

RawCase RandomRaw(Dice& dice) {
  const std::string body = dice.PickStr({"{}", "{\"theme\":\"x\"}", "", "hello"});
  const std::string target = dice.PickStr({"/v1/shelves", "/v1/shelves/1", "/v1/echo", "/healthz"});
  const std::string method = dice.PickStr({"GET", "POST", "PUT", "HEAD"});
  switch (dice.Int(0, 11)) {
    case 0:  // a bad request line
      return {dice.PickStr(
          {"GET\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n",
           " GET / HTTP/1.1\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / http/1.1\r\n\r\n",
           "GET / HTTP/1.10\r\n\r\n", "GET / HTTP/1\r\n\r\n", "GET /\x01 HTTP/1.1\r\n\r\n",
           std::string("GET /\0 HTTP/1.1\r\n\r\n", 20), "GET /\x7f HTTP/1.1\r\n\r\n",
           "G(T / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\n\n", "GET / HTTP/1.1\rHost: x\r\n\r\n",
           "NOT HTTP AT ALL\r\n\r\n", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",
           absl::StrCat("GET /", std::string(20000, 'a'), " HTTP/1.1\r\n\r\n"),
           absl::StrCat(std::string(200, 'G'), " / HTTP/1.1\r\n\r\n")})};
    case 1: {  // a bad header
      std::string header =
          dice.PickStr({"NoColon", " leading: space", "Name : x", "Na\x01me: x",
                        std::string("X: a\0b", 6), "X: \x7f", ": empty",
                        "X-Long: " + std::string(20000, 'v'), "Host:", "Host: a\r\nHost: b",
                        "X: \xff\xfe", "X:\ttab", "Content-Type: application/json; charset=\xff",
                        "X-Request-Id: " + std::string(200, 'r'), "Origin: \xff"});
      return {absl::StrCat(method, " ", target, " HTTP/1.1\r\nHost: x\r\n", header,
                           "\r\nContent-Length: ", body.size(), "\r\n\r\n", body)};
    }
    case 2: {  // many headers
      std::string raw = absl::StrCat("GET ", target, " HTTP/1.1\r\n");
      for (int i = dice.Int(100, 2000); i > 0; --i) absl::StrAppend(&raw, "X-", i, ": v\r\n");
      return {raw + "\r\n"};
    }
    case 3: {  // Content-Length conflicts and oddities; the bytes cover the largest
      std::string length =
          dice.PickStr({"abc", "-1", "+2", "2 2", "2,2", "2, 3", "0x2", "99999999999999999999999",
                        "", "2.0", "1000000", "18446744073709551615", "18446744073709551616"});
      std::string raw = absl::StrCat(method, " ", target,
                                     " HTTP/1.1\r\nHost: x\r\nContent-Length: ", length, "\r\n");
      if (dice.Chance(0.5)) absl::StrAppend(&raw, "Content-Length: ", dice.Int(0, 3), "\r\n");
      return {absl::StrCat(raw, "\r\n", "{}  ")};
    }
    case 4: {  // a valid chunked body, with extensions and trailers
      std::string raw = absl::StrCat(method, " ", target,
                                     " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (char c : body) {
        absl::StrAppend(&raw, "1", dice.Chance(0.2) ? ";ext=1" : "", "\r\n", std::string(1, c),
                        "\r\n");
      }
      absl::StrAppend(&raw, "0\r\n", dice.Chance(0.3) ? "Trailer: x\r\n" : "", "\r\n");
      return {raw};
    }
    case 5: {  // a broken chunked body
      std::string chunks =
          dice.PickStr({"zz\r\nab\r\n0\r\n\r\n", "ffffffffffffffffffff\r\nab\r\n0\r\n\r\n",
                        "1\r\nab\r\n0\r\n\r\n", "2\r\nab0\r\n\r\n", "-1\r\nab\r\n0\r\n\r\n",
                        "2;\r\nab\r\n0\r\n\r\n", "10000000\r\nab\r\n0\r\n\r\n",
                        "2 \r\nab\r\n0\r\n\r\n", "\r\n\r\n0\r\n\r\n"});
      std::string te = dice.PickStr(
          {"chunked", "chunked", "gzip, chunked", "chunked, gzip", "CHUNKED", "identity"});
      std::string raw = absl::StrCat(method, " ", target,
                                     " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: ", te, "\r\n");
      if (dice.Chance(0.3)) absl::StrAppend(&raw, "Content-Length: 3\r\n");
      if (dice.Chance(0.2)) absl::StrAppend(&raw, "Transfer-Encoding: chunked\r\n");
      return {absl::StrCat(raw, "\r\n", chunks)};
    }
    case 6: {  // Content-Length then Transfer-Encoding
      return {absl::StrCat(
          method, " ", target,
          " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
          "2\r\n{}\r\n0\r\n\r\n")};
    }
    case 7: {  // random bytes, then an end of headers
      std::string junk(1, dice.PickStr({"G", "P", "x", "{", "\x16", "\xff"})[0]);
      for (int i = dice.Int(0, 200); i > 0; --i) junk += dice.Byte();
      return {junk + "\r\n\r\n"};
    }
    case 8:  // pipelined: two complete requests
      return {ValidRequest(dice) + ValidRequest(dice), 2};
    case 9:  // pipelined: a complete request, then a malformed one
      return {ValidRequest(dice) + "BAD REQUEST LINE\r\n\r\n", 2};
    case 10:  // HTTP/1.0 and Expect
      return {absl::StrCat(method, " ", target, " HTTP/1.0\r\n",
                           dice.Chance(0.5) ? "Expect: 100-continue\r\n" : "",
                           dice.Chance(0.5) ? "Connection: keep-alive\r\n" : "",
                           "Content-Length: ", body.size(), "\r\n\r\n", body)};
    default: {  // a valid request with a random byte of its head replaced
      std::string raw = absl::StrCat(
          method, " ", target, " HTTP/1.1\r\nHost: x\r\nContent-Length: ", body.size(), "\r\n\r\n");
      // Before Content-Length: a larger length would leave the server waiting.
      const size_t at =
          static_cast<size_t>(dice.Int(0, static_cast<int>(raw.find("Content-Length")) - 1));
      char c = dice.Byte();
      if (c != '\r' && c != '\n' && !(at == 0 && c == ' ')) raw[at] = c;
      return {raw + body};
    }
  }
}

// ------------------------------------------------------------------ checks

// Stop early: one hang costs the client's 30 s receive timeout.
constexpr int kMaxReportedFailures = 10;

class GatewayFuzzTest : public GatewayTest {
 protected:
  void SetUp() override {
    // Keep the access log (one line per request) out of the output; warnings
    // and errors still reach stderr.
    log::SetSinkForTesting([](absl::string_view line) {
      if (absl::StrContains(line, " level=info ")) return;
      ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
      (void)ignored;
    });
    GatewayTest::SetUp();
    // /readyz is 503 until the first health check of the fake has answered.
    for (int i = 0; i < 100 && HttpCall(port(), "GET", "/readyz").status != 200; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    seed_ = Seed();
    std::cout << "[ FUZZ     ] KIOSK_FUZZ_SEED=" << seed_
              << " KIOSK_FUZZ_ITERATIONS=" << TotalIterations() << std::endl;
    RecordProperty("seed", std::to_string(seed_));
  }
  void TearDown() override {
    GatewayTest::TearDown();
    log::SetSinkForTesting(nullptr);
  }

  void ExpectStillHealthy() {
    HttpTestResponse health = HttpCall(port(), "GET", "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"status":"ok"})");
    HttpTestResponse shelf = HttpCall(port(), "GET", "/v1/shelves/7");
    EXPECT_EQ(shelf.status, 200) << shelf.body;
    EXPECT_EQ(absl::StripAsciiWhitespace(fake_.last_call().value_or(FakeBookstore::Call{}).request),
              "shelf: 7");
  }

  uint64_t seed_ = 0;
  // KIOSK_FUZZ_VERBOSE=1: print every request and its answer.
  const bool verbose_ = EnvOr("KIOSK_FUZZ_VERBOSE", 0) != 0;
};

TEST_F(GatewayFuzzTest, RandomRequestsGetJsonAnswersAndNeverA500) {
  const int iterations = TotalIterations() - TotalIterations() * kRawPercent / 100;
  std::map<int, int> statuses;
  int failures = 0;
  for (int i = 0; i < iterations; ++i) {
    Dice dice(seed_, static_cast<uint64_t>(i));
    FuzzRequest request = RandomRequest(dice);
    HttpTestResponse response =
        HttpCall(port(), request.method, request.target, request.body, request.headers);
    ++statuses[response.status];
    if (verbose_) {
      std::cout << i << ": " << Describe(request.method, request.target, request.body) << " -> "
                << response.status << " " << absl::CHexEscape(response.body.substr(0, 300)) << "\n";
    }
    const std::string problem = ProblemWith(response, request.method == "HEAD");
    if (!problem.empty()) {
      ADD_FAILURE() << "KIOSK_FUZZ_SEED=" << seed_ << " iteration " << i << ": "
                    << Describe(request.method, request.target, request.body) << " headers ["
                    << absl::StrJoin(request.headers, " | ") << "]\n  " << problem;
      if (response.status == 0 || ++failures == kMaxReportedFailures) break;
    }
  }
  std::cout << "[ FUZZ     ] requests sent, by answer status:";
  for (const auto& [status, count] : statuses) std::cout << " " << status << "x" << count;
  std::cout << std::endl;
  ExpectStillHealthy();
}

TEST_F(GatewayFuzzTest, MalformedHttpGetsAJsonErrorAndTheServerLives) {
  const int iterations = TotalIterations() * kRawPercent / 100;
  std::map<int, int> statuses;
  int failures = 0;
  for (int i = 0; i < iterations; ++i) {
    Dice dice(seed_ ^ 0x5241570000000000ull, static_cast<uint64_t>(i));
    RawCase raw = RandomRaw(dice);
    std::vector<HttpTestResponse> answers = HttpRaw(port(), raw.bytes, raw.responses);
    const std::string context = absl::StrCat("KIOSK_FUZZ_SEED=", seed_, " raw iteration ", i,
                                             ": \"", absl::CHexEscape(raw.bytes.substr(0, 400)),
                                             "\" (", raw.bytes.size(), " bytes)");
    if (answers.empty()) answers.emplace_back();  // status 0: no answer
    for (const HttpTestResponse& answer : answers) {
      ++statuses[answer.status];
      const std::string problem =
          ProblemWith(answer, &answer == &answers[0] && absl::StartsWith(raw.bytes, "HEAD "));
      if (!problem.empty()) {
        ADD_FAILURE() << context << "\n  " << problem;
        ++failures;
      }
    }
    if (answers[0].status == 0 || failures >= kMaxReportedFailures) break;
  }
  std::cout << "[ FUZZ     ] raw messages sent, by answer status:";
  for (const auto& [status, count] : statuses) std::cout << " " << status << "x" << count;
  std::cout << std::endl;
  ExpectStillHealthy();
}

}  // namespace
}  // namespace kiosk::gateway::testing
