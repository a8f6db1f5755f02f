// The fault proxy itself: forwards faithfully in pass mode (method, target,
// body, headers both ways, status), and plays each fault.
#include "tests/faults/fault_proxy.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/http/http_client.h"
#include "common/testing/http_test_server.h"

namespace kiosk::testing {
namespace {

class FaultProxyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.Handle("POST", "/api/v2/auth/login", [](const TestHttpRequest& r) {
      TestHttpResponse answer = TestHttpResponse::Text(r.body + " " + r.QueryParam("q"), 201);
      answer.headers.push_back({"Set-Cookie", "SID=abc; path=/"});
      return answer;
    });
    ASSERT_TRUE(upstream_.Start().ok());
    proxy_ = std::make_unique<FaultProxy>(upstream_.Url());
    ASSERT_TRUE(proxy_->Start().ok());
  }

  absl::StatusOr<http::HttpResponse> Login(absl::Duration timeout = absl::Seconds(5)) {
    return client_.Send({.method = "POST",
                         .url = proxy_->url() + "/api/v2/auth/login?q=1",
                         .headers = {{"Referer", proxy_->url()}},
                         .body = "user=qb",
                         .timeout = timeout});
  }

  HttpTestServer upstream_;
  std::unique_ptr<FaultProxy> proxy_;
  http::CurlHttpClient client_;
};

TEST_F(FaultProxyTest, PassForwardsTheCallAndTheAnswer) {
  absl::StatusOr<http::HttpResponse> r = Login();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "user=qb 1");
  EXPECT_EQ(r->Header("set-cookie"), "SID=abc; path=/");
  ASSERT_EQ(upstream_.requests().size(), 1u);
  // Host as the client sent it (qBittorrent compares it with Referer).
  EXPECT_EQ(upstream_.requests()[0].Header("host"), proxy_->url().substr(7));
  EXPECT_EQ(proxy_->ForwardedTo("POST /api/v2/auth/login"), 1);
}

TEST_F(FaultProxyTest, PlaysEachFaultAndRecovers) {
  ASSERT_TRUE(proxy_->Set(FaultMode::kServerError).ok());
  EXPECT_EQ(Login()->status, 500);
  ASSERT_TRUE(proxy_->Set(FaultMode::kUnauthorized).ok());
  EXPECT_EQ(Login()->status, 401);
  ASSERT_TRUE(proxy_->Set(FaultMode::kGarbage).ok());
  absl::StatusOr<http::HttpResponse> garbage = Login();
  ASSERT_TRUE(garbage.ok());
  EXPECT_EQ(garbage->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(garbage->body, nullptr, false).is_discarded());
  ASSERT_TRUE(proxy_->Set(FaultMode::kHang).ok());
  EXPECT_FALSE(Login(absl::Milliseconds(300)).ok()) << "a hung call must time out";
  ASSERT_TRUE(proxy_->Set(FaultMode::kRefused).ok());
  absl::StatusOr<http::HttpResponse> refused = Login();
  EXPECT_FALSE(refused.ok());
  ASSERT_TRUE(proxy_->Set(FaultMode::kPass).ok());
  absl::StatusOr<http::HttpResponse> back = Login();
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->status, 201);
  EXPECT_EQ(upstream_.requests().size(), 1u) << "only the pass call reached the upstream";
  EXPECT_GE(proxy_->faulted(), 4);
}

}  // namespace
}  // namespace kiosk::testing
