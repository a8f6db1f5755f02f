#include "gateway/testing/answer_check.h"

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kiosk::gateway::testing {

std::string Describe(const std::string& method, const std::string& target,
                     const std::string& body) {
  auto clip = [](const std::string& s) {
    return absl::CHexEscape(
        s.size() > 300 ? absl::StrCat(s.substr(0, 300), "...(", s.size(), " bytes)") : s);
  };
  return absl::StrCat("method \"", clip(method), "\" target \"", clip(target), "\" body \"",
                      clip(body), "\"");
}

std::string ProblemWith(const HttpTestResponse& response, bool head) {
  if (response.status == 0) return "no (complete) answer: the gateway died or hung";
  const std::string status = absl::StrCat("status ", response.status, ": ");
  if ((response.status < 200 || response.status >= 300) &&
      (response.status < 400 || response.status >= 600)) {
    return absl::StrCat(status, "not a 2xx, 4xx or 5xx");
  }
  // 503/504 only when the fake is told to fail, which it never is here; a
  // 500 means the gateway could not print an answer.
  if (response.status >= 500) return absl::StrCat(status, response.body);
  // No body on a 204 or an answer to HEAD, except a 400 or 431 for bytes the
  // server could not parse as far as the method (then it closes).
  if (response.status == 204 || head) {
    if (response.body.empty()) return "";
    if (response.status != 400 && response.status != 431) {
      return absl::StrCat(status,
                          "a body on a 204 or HEAD answer: ", absl::CHexEscape(response.body));
    }
  }
  const std::string content_type = response.Header("content-type");
  if (absl::StartsWith(content_type, "text/plain") && response.status == 200) {
    return "";  // /metrics
  }
  if (response.status == 200 && !response.Header("content-security-policy").empty()) {
    return "";  // the kiosk page's files
  }
  if (!absl::StartsWith(content_type, "application/json")) {
    return absl::StrCat(status, "Content-Type ", content_type);
  }
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) {
    return absl::StrCat(status, "body not JSON: ", absl::CHexEscape(response.body));
  }
  if (response.status >= 400) {
    // google.rpc.Status: {"code": <gRPC code>, "message": "...", "details": []}
    const bool shaped = json.is_object() && json.contains("code") &&
                        json["code"].is_number_integer() && json.contains("message") &&
                        json["message"].is_string() &&
                        !json["message"].get<std::string>().empty() && json.contains("details") &&
                        json["details"].is_array();
    if (!shaped) return absl::StrCat(status, "not a google.rpc.Status: ", response.body);
  }
  return "";
}

}  // namespace kiosk::gateway::testing
