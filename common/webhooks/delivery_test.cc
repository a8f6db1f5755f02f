// webhook.deliver against an in-process HTTP server, without a database:
// the handler only reads the job it is given and the webhook directory.
// Dispatch (which enqueues) is covered by services/users/webhooks_pgtest.cc.
#include "common/webhooks/delivery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/testing/http_test_server.h"
#include "common/testing/status_matchers.h"
#include "common/webhooks/signature.h"

namespace kiosk::webhooks {
namespace {

using ::kiosk::testing::HttpTestServer;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::kiosk::testing::TestHttpRequest;
using ::kiosk::testing::TestHttpResponse;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kSecret[] = "s3cret-signing-key-42";

class FakeDirectory final : public WebhookDirectory {
 public:
  absl::StatusOr<std::vector<Webhook>> Enabled() override {
    if (!error.ok()) return error;
    std::vector<Webhook> out;
    for (const auto& [id, hook] : hooks) {
      if (hook.enabled) out.push_back(hook);
    }
    return out;
  }
  absl::StatusOr<std::optional<Webhook>> Find(int64_t id) override {
    if (!error.ok()) return error;
    auto it = hooks.find(id);
    if (it == hooks.end()) return std::optional<Webhook>();
    return std::optional<Webhook>(it->second);
  }
  std::map<int64_t, Webhook> hooks;
  absl::Status error;
};

class WebhookDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_THAT(server_.Start(), IsOk());
    directory_.hooks[3] = {.id = 3,
                           .name = "ops",
                           .url = server_.Url("/hook?token=query-secret"),
                           .secret = kSecret,
                           .events = {},
                           .enabled = true};
  }

  jobs::Job DeliverJob(int64_t id, int64_t webhook_id) {
    jobs::Job job;
    job.id = id;
    job.kind = kDeliverKind;
    job.status = "running";
    job.attempts = 1;
    job.max_attempts = 8;
    job.payload = nlohmann::json{{"webhook_id", webhook_id},
                                 {"event", "user.created"},
                                 {"event_id", "e1"},
                                 {"occurred_at", "2026-12-01T09:30:00.000Z"},
                                 {"data", {{"id", 7}, {"username", "gina"}}}}
                      .dump();
    return job;
  }
  void Answer(TestHttpResponse response) {
    server_.Handle("POST", "/hook", [response](const TestHttpRequest&) { return response; });
  }
  WebhookDelivery Delivery(DeliveryOptions options = {}) {
    return WebhookDelivery(queue_, directory_, client_, options);
  }

  HttpTestServer server_;
  FakeDirectory directory_;
  http::CurlHttpClient client_;
  db::ConnectionPool pool_{db::PoolOptions{}};  // never used: Deliver does not enqueue
  jobs::JobQueue queue_{pool_, "users"};
};

TEST_F(WebhookDeliveryTest, PostsTheSignedEventWithItsHeaders) {
  Answer(TestHttpResponse::Text("thanks", 204));
  WebhookDelivery delivery = Delivery();
  const absl::Time before = absl::Now();
  ASSERT_THAT(delivery.Deliver(DeliverJob(41, 3)), IsOk());
  ASSERT_EQ(server_.request_count(), 1u);
  const TestHttpRequest request = server_.requests()[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/hook?token=query-secret");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_THAT(request.Header("user-agent"), ::testing::StartsWith("plex-kiosk"));
  EXPECT_EQ(request.Header("x-kiosk-event"), "user.created");
  EXPECT_EQ(request.Header("x-kiosk-delivery"), "41");
  EXPECT_THAT(VerifySignature(kSecret, request.Header("x-kiosk-timestamp"), request.body,
                              request.Header("x-kiosk-signature"), absl::Now()),
              IsOk());
  EXPECT_GE(std::stoll(request.Header("x-kiosk-timestamp")), absl::ToUnixSeconds(before));
  const nlohmann::json body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["id"], 41);
  EXPECT_EQ(body["event"], "user.created");
  EXPECT_EQ(body["event_id"], "e1");
  EXPECT_EQ(body["occurred_at"], "2026-12-01T09:30:00.000Z");
  EXPECT_EQ(body["data"], (nlohmann::json{{"id", 7}, {"username", "gina"}}));
  EXPECT_FALSE(body.contains("webhook_id"));
  EXPECT_EQ(request.body.find(kSecret), std::string::npos);
}

TEST_F(WebhookDeliveryTest, ServerErrorsAreRetriedAndGoneIsFinal) {
  WebhookDelivery delivery = Delivery();
  Answer(TestHttpResponse::Text("boom", 500));
  absl::Status failed = delivery.Deliver(DeliverJob(1, 3));
  EXPECT_THAT(failed, StatusIs(absl::StatusCode::kUnavailable,
                               AllOf(HasSubstr("HTTP 500"), HasSubstr("boom"), HasSubstr("ops"))));
  // The URL's query (a token, often) never reaches an error or the job API.
  EXPECT_THAT(std::string(failed.message()), Not(HasSubstr("query-secret")));
  Answer(TestHttpResponse::Text("", 404));
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 3)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 404")));
  Answer(TestHttpResponse::Text("unsubscribed", 410));
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 3)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("410")));
}

TEST_F(WebhookDeliveryTest, DeletedOrDisabledWebhooksAreSkipped) {
  Answer(TestHttpResponse::Text("ok"));
  WebhookDelivery delivery = Delivery();
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 99)), IsOk());
  directory_.hooks[3].enabled = false;
  EXPECT_THAT(delivery.Deliver(DeliverJob(2, 3)), IsOk());
  EXPECT_EQ(server_.request_count(), 0u);
}

TEST_F(WebhookDeliveryTest, SlowAndDeadReceiversFailTheAttempt) {
  TestHttpResponse slow = TestHttpResponse::Text("late");
  slow.delay = absl::Seconds(3);
  Answer(slow);
  WebhookDelivery delivery = Delivery({.timeout = absl::Milliseconds(300)});
  const absl::Time start = absl::Now();
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 3)),
              StatusIs(absl::StatusCode::kDeadlineExceeded, Not(HasSubstr("query-secret"))));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));

  const std::string url = server_.Url("/hook");
  server_.Stop();
  directory_.hooks[3].url = url;
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 3)), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(WebhookDeliveryTest, BadPayloadsAreDeadAndDirectoryErrorsRetried) {
  WebhookDelivery delivery = Delivery();
  jobs::Job job = DeliverJob(1, 3);
  job.payload = R"({"event": "user.created", "data": {}})";
  EXPECT_THAT(delivery.Deliver(job), StatusIs(absl::StatusCode::kInvalidArgument));
  job.payload = "{}";
  EXPECT_THAT(delivery.Deliver(job), StatusIs(absl::StatusCode::kInvalidArgument));
  directory_.error = absl::InvalidArgumentError("bad request to the directory");
  EXPECT_THAT(delivery.Deliver(DeliverJob(1, 3)), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace kiosk::webhooks
