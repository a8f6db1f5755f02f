// Builds the fuzz requests of suite_fuzz_test.cc from the gateway's OpenAPI
// document: round-robin over every documented route (so each is hit), with
// the path, query string, JSON body (shaped after the route's request schema,
// then broken), method and headers mutated, and now and then raw malformed
// HTTP instead. A request depends on (seed, iteration) only, so a failure is
// reproduced from the two numbers.
#ifndef KIOSK_TESTS_FUZZ_REQUEST_MUTATOR_H_
#define KIOSK_TESTS_FUZZ_REQUEST_MUTATOR_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "tests/suite/openapi_routes.h"

namespace kiosk::testing {

struct FuzzRequest {
  std::string route;  // the documented route it was made from ("GET /api/v1/users")
  std::string method;
  std::string target;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  // Non-empty: send these bytes as they are instead (malformed HTTP).
  std::string raw;
};

class RequestMutator {
 public:
  // `tokens`: valid access tokens (an admin's, a user's), sent now and then
  // so that requests get past authentication into validation.
  RequestMutator(std::vector<RestRoute> routes, nlohmann::json openapi,
                 std::vector<std::string> tokens);

  FuzzRequest Make(uint64_t seed, int iteration) const;

 private:
  class Dice;
  std::string Path(Dice& dice, const RestRoute& route) const;
  std::string Query(Dice& dice, const RestRoute& route) const;
  std::string Body(Dice& dice, const RestRoute& route) const;
  std::vector<std::string> Headers(Dice& dice) const;
  std::string Raw(Dice& dice, const FuzzRequest& request) const;
  // A value for `schema`; each value has `wrong_percent` % chance of a wrong type.
  nlohmann::json Value(Dice& dice, const nlohmann::json& schema, int depth,
                       int wrong_percent) const;
  const nlohmann::json& Resolve(const nlohmann::json& schema) const;

  std::vector<RestRoute> routes_;
  nlohmann::json openapi_;
  std::vector<std::string> tokens_;
};

}  // namespace kiosk::testing

#endif  // KIOSK_TESTS_FUZZ_REQUEST_MUTATOR_H_
