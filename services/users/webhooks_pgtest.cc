// Webhooks end to end: kiosk-users in process (gRPC on port 0) with STARTED
// job workers on a real, migrated PostgreSQL, delivering to an in-process
// HTTP receiver. Covers the admin RPCs, user.created through the outbox,
// signatures (recomputed here with OpenSSL), event filters, retries, 410,
// a dead receiver that must not slow the action, the job API, TestWebhook
// and the service-only ListWebhookTargets.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/http/http_client.h"
#include "common/testing/http_test_server.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "common/webhooks/delivery.h"
#include "common/webhooks/remote_webhook_directory.h"
#include "kiosk/common/v1/jobs.pb.h"
#include "migrations/runner/migrator.h"
#include "services/users/media_request_counter.h"
#include "services/users/pg_user_store.h"
#include "services/users/pg_webhook_store.h"
#include "services/users/testing/users_server.h"
#include "services/users/users_service.h"

namespace kiosk::users {
namespace {

using ::kiosk::testing::HttpTestServer;
using ::kiosk::testing::IsOk;
using ::kiosk::testing::TestHttpRequest;
using ::kiosk::testing::TestHttpResponse;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
namespace v1 = ::kiosk::users::v1;
using JobProto = ::kiosk::common::v1::Job;

constexpr char kJwtSecret[] = "webhooks-test-secret-0123456789abcdef0123";
constexpr char kHookSecret[] = "receiver-shared-secret-42";
const auth::Argon2Params kCheap{.time_cost = 1, .memory_kib = 8192, .parallelism = 1};

// What a receiver does, with OpenSSL directly (not the code under test).
std::string ExpectedSignature(const std::string& secret, const std::string& timestamp,
                              const std::string& body) {
  const std::string message = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
  return "sha256=" +
         absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(mac), length));
}

class WebhooksTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    ASSERT_THAT(receiver_.Start(), IsOk());
    db::PoolOptions pool_options;
    pool_options.conninfo = db().conninfo();
    pool_options.pool_size = 6;
    pool_ = std::make_unique<db::ConnectionPool>(pool_options);
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-users", config_, *pool_);
    // Fast retries so that eight attempts take about a second.
    jobs::RuntimeOptions job_options;
    job_options.workers.threads = 2;
    job_options.workers.poll_interval = absl::Milliseconds(100);
    job_options.workers.backoff_base = absl::Milliseconds(50);
    job_options.workers.backoff_max = absl::Milliseconds(200);
    job_options.workers.listen_conninfo = db().conninfo();
    users_ = std::make_unique<testing::UsersServer>(
        *pool_, *info_, jwt_, hasher_,
        testing::UsersServerOptions{.jobs = job_options, .webhook_http = &http_});
    ASSERT_NE(users_->server, nullptr);
    stub_ = users_->stub.get();
    channel_ = grpc::CreateChannel(users_->address, grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    // Delayed answers are dropped first, so no delivery holds a worker.
    receiver_.Stop();
    users_.reset();
  }

  std::string As(int64_t id, const std::string& role) {
    absl::Time now = absl::Now();
    return jwt_.Sign({.user_id = id,
                      .role = role,
                      .must_change_password = false,
                      .token_id = "t",
                      .issued_at = now,
                      .expires_at = now + absl::Minutes(5),
                      .service = ""});
  }
  std::string Admin() { return As(1, "admin"); }
  template <typename Fn>
  grpc::Status Call(const std::string& token, Fn call) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    return call(&ctx);
  }

  grpc::Status CreateWebhook(const std::string& name, const std::string& path,
                             std::vector<std::string> events, v1::CreateWebhookResponse* out,
                             const std::string& secret = kHookSecret, bool enabled = true) {
    v1::CreateWebhookRequest request;
    request.set_name(name);
    request.set_url(receiver_.Url(path));
    request.set_secret(secret);
    for (const std::string& event : events) request.add_events(event);
    request.set_enabled(enabled);
    return Call(Admin(),
                [&](grpc::ClientContext* ctx) { return stub_->CreateWebhook(ctx, request, out); });
  }
  int64_t AddWebhook(const std::string& name, const std::string& path,
                     std::vector<std::string> events = {}, bool enabled = true) {
    v1::CreateWebhookResponse created;
    grpc::Status status = CreateWebhook(name, path, events, &created, kHookSecret, enabled);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.webhook().id();
  }
  grpc::Status CreateUser(const std::string& name, v1::User* out) {
    v1::CreateUserRequest request;
    request.set_username(name);
    request.set_email(name + "@example.org");
    request.set_password("initial-pass-1");
    return Call(Admin(),
                [&](grpc::ClientContext* ctx) { return stub_->CreateUser(ctx, request, out); });
  }

  // The job API, as an admin reads it.
  std::vector<JobProto> Jobs(const std::string& kind) {
    kiosk::common::v1::ListJobsRequest request;
    request.set_kind(kind);
    kiosk::common::v1::ListJobsResponse response;
    grpc::Status status = Call(Admin(), [&](grpc::ClientContext* ctx) {
      return stub_->ListJobs(ctx, request, &response);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.jobs().begin(), response.jobs().end()};
  }
  JobProto GetJob(int64_t id) {
    kiosk::common::v1::GetJobRequest request;
    request.set_id(id);
    JobProto job;
    grpc::Status status =
        Call(Admin(), [&](grpc::ClientContext* ctx) { return stub_->GetJob(ctx, request, &job); });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return job;
  }
  static bool Finished(const JobProto& job) {
    return job.status() == "succeeded" || job.status() == "dead" || job.status() == "cancelled";
  }
  // Waits until every job of `kind` has finished and there are `count` of them.
  std::vector<JobProto> WaitForFinishedJobs(const std::string& kind, size_t count,
                                            absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    std::vector<JobProto> jobs;
    while (absl::Now() < deadline) {
      jobs = Jobs(kind);
      if (jobs.size() >= count && std::all_of(jobs.begin(), jobs.end(), Finished)) return jobs;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "jobs of kind " << kind << " did not finish in time";
    return jobs;
  }
  JobProto WaitForJob(int64_t id, absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    JobProto job;
    while (absl::Now() < deadline) {
      job = GetJob(id);
      if (Finished(job)) return job;
      absl::SleepFor(absl::Milliseconds(50));
    }
    ADD_FAILURE() << "job " << id << " did not finish in time: " << job.ShortDebugString();
    return job;
  }
  std::vector<TestHttpRequest> RequestsTo(const std::string& path) {
    std::vector<TestHttpRequest> out;
    for (const TestHttpRequest& request : receiver_.requests()) {
      if (request.path == path) out.push_back(request);
    }
    return out;
  }
  void Answer(const std::string& path, int status) {
    receiver_.Handle("POST", path, [status](const TestHttpRequest&) {
      return TestHttpResponse::Text("", status);
    });
  }

  HttpTestServer receiver_;
  http::CurlHttpClient http_;
  config::ServiceConfig config_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  auth::PasswordHasher hasher_{kCheap};
  auth::JwtCodec jwt_{kJwtSecret};
  std::unique_ptr<testing::UsersServer> users_;
  v1::UsersService::Stub* stub_ = nullptr;
  std::shared_ptr<grpc::Channel> channel_;  // for RemoteWebhookDirectory
};

TEST_F(WebhooksTest, AdminsCreateListUpdateAndDeleteWebhooksAndSecretsAreShownOnce) {
  v1::CreateWebhookResponse created;
  ASSERT_TRUE(CreateWebhook("Ops", "/ops", {"request.*", "user.created"}, &created, "").ok());
  EXPECT_THAT(created.secret(), MatchesRegex("[0-9a-f]{64}"));  // generated, 32 bytes
  EXPECT_TRUE(created.webhook().has_secret());
  EXPECT_TRUE(created.webhook().enabled());
  EXPECT_THAT(created.webhook().events(), ElementsAre("request.*", "user.created"));
  const int64_t id = created.webhook().id();

  v1::ListWebhooksResponse listed;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                return stub_->ListWebhooks(ctx, v1::ListWebhooksRequest(), &listed);
              }).ok());
  ASSERT_THAT(listed.webhooks(), SizeIs(1));
  EXPECT_EQ(listed.webhooks(0).name(), "Ops");
  EXPECT_EQ(listed.webhooks(0).url(), receiver_.Url("/ops"));
  EXPECT_TRUE(listed.webhooks(0).has_secret());
  EXPECT_EQ(listed.DebugString().find(created.secret()), std::string::npos);

  v1::UpdateWebhookRequest update;
  update.set_id(id);
  update.set_name("Ops 2");
  update.set_enabled(false);
  update.add_events("download.failed");
  update.set_secret("a-new-secret-of-enough-length");
  v1::Webhook updated;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                return stub_->UpdateWebhook(ctx, update, &updated);
              }).ok());
  EXPECT_EQ(updated.name(), "Ops 2");
  EXPECT_FALSE(updated.enabled());
  EXPECT_THAT(updated.events(), ElementsAre("download.failed"));
  EXPECT_EQ(updated.url(), receiver_.Url("/ops"));  // unchanged
  EXPECT_EQ(updated.DebugString().find("a-new-secret"), std::string::npos);
  v1::UpdateWebhookRequest all;
  all.set_id(id);
  all.set_all_events(true);
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                return stub_->UpdateWebhook(ctx, all, &updated);
              }).ok());
  EXPECT_THAT(updated.events(), IsEmpty());
  EXPECT_EQ(updated.name(), "Ops 2");

  v1::DeleteWebhookRequest remove;
  remove.set_id(id);
  v1::DeleteWebhookResponse removed;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                return stub_->DeleteWebhook(ctx, remove, &removed);
              }).ok());
  EXPECT_EQ(
      Call(Admin(),
           [&](grpc::ClientContext* ctx) { return stub_->DeleteWebhook(ctx, remove, &removed); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(Admin(),
                 [&](grpc::ClientContext* ctx) { return stub_->UpdateWebhook(ctx, all, &updated); })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(WebhooksTest, InvalidWebhooksAreRefusedNamingTheField) {
  AddWebhook("taken", "/t");
  v1::CreateWebhookResponse out;
  auto create = [&](const std::string& name, const std::string& url, const std::string& secret,
                    std::vector<std::string> events) {
    v1::CreateWebhookRequest request;
    request.set_name(name);
    request.set_url(url);
    request.set_secret(secret);
    for (const std::string& event : events) request.add_events(event);
    return Call(Admin(),
                [&](grpc::ClientContext* ctx) { return stub_->CreateWebhook(ctx, request, &out); });
  };
  const std::string url = receiver_.Url("/x");
  for (const auto& [status, field] : std::vector<std::pair<grpc::Status, std::string>>{
           {create("", url, kHookSecret, {}), "name"},
           {create(std::string(101, 'n'), url, kHookSecret, {}), "name"},
           {create("ok", "ftp://example.org/x", kHookSecret, {}), "url"},
           {create("ok", "http://", kHookSecret, {}), "url"},
           {create("ok", "example.org/hook", kHookSecret, {}), "url"},
           {create("ok", url, "too-short", {}), "secret"},
           {create("ok", url, kHookSecret, {"request.created", "bogus.event"}), "bogus.event"},
           {create("ok", url, kHookSecret, {"*"}), "events"}}) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_THAT(status.error_message(), HasSubstr(field));
  }
  grpc::Status duplicate = create("TAKEN", url, kHookSecret, {});
  EXPECT_EQ(duplicate.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  v1::UpdateWebhookRequest both;
  both.set_id(1);
  both.set_all_events(true);
  both.add_events("user.created");
  v1::Webhook updated;
  EXPECT_EQ(
      Call(Admin(),
           [&](grpc::ClientContext* ctx) { return stub_->UpdateWebhook(ctx, both, &updated); })
          .error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);

  // Admins only.
  const std::string user = As(2, "user");
  v1::CreateWebhookRequest request;
  request.set_name("mine");
  request.set_url(url);
  EXPECT_EQ(
      Call(user, [&](grpc::ClientContext* ctx) { return stub_->CreateWebhook(ctx, request, &out); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::ListWebhooksResponse listed;
  EXPECT_EQ(Call(user,
                 [&](grpc::ClientContext* ctx) {
                   return stub_->ListWebhooks(ctx, v1::ListWebhooksRequest(), &listed);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(WebhooksTest, CreateUserDeliversASignedUserCreatedToMatchingWebhooksOnly) {
  Answer("/users", 204);
  Answer("/requests", 200);
  Answer("/off", 200);
  const int64_t users_hook = AddWebhook("users", "/users", {"user.*"});
  AddWebhook("requests", "/requests", {"request.*"});
  AddWebhook("off", "/off", {}, /*enabled=*/false);

  v1::User gina;
  ASSERT_TRUE(CreateUser("gina", &gina).ok());
  // Once the dispatch is done, every delivery of the event is enqueued.
  WaitForFinishedJobs(webhooks::kDispatchKind, 1);
  std::vector<JobProto> deliveries = WaitForFinishedJobs(webhooks::kDeliverKind, 1);
  ASSERT_THAT(deliveries, SizeIs(1));  // the other two are filtered out or disabled
  EXPECT_EQ(deliveries[0].status(), "succeeded");
  EXPECT_EQ(deliveries[0].attempts(), 1);
  EXPECT_EQ(deliveries[0].max_attempts(), 8);
  EXPECT_EQ(deliveries[0].payload().fields().at("webhook_id").number_value(),
            static_cast<double>(users_hook));

  ASSERT_EQ(receiver_.request_count(), 1u);
  const TestHttpRequest request = RequestsTo("/users").at(0);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_THAT(request.Header("user-agent"), ::testing::StartsWith("plex-kiosk"));
  EXPECT_EQ(request.Header("x-kiosk-event"), "user.created");
  EXPECT_EQ(request.Header("x-kiosk-delivery"), absl::StrCat(deliveries[0].id()));
  const std::string timestamp = request.Header("x-kiosk-timestamp");
  ASSERT_THAT(timestamp, MatchesRegex("[0-9]+"));
  EXPECT_LE(std::abs(std::stoll(timestamp) - absl::ToUnixSeconds(absl::Now())), 60);
  EXPECT_EQ(request.Header("x-kiosk-signature"),
            ExpectedSignature(kHookSecret, timestamp, request.body));
  EXPECT_NE(request.Header("x-kiosk-signature"),
            ExpectedSignature("another-secret-xyz", timestamp, request.body));

  const nlohmann::json body = nlohmann::json::parse(request.body);
  EXPECT_EQ(body["id"], deliveries[0].id());
  EXPECT_EQ(body["event"], "user.created");
  EXPECT_THAT(body["event_id"].get<std::string>(), MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(body["occurred_at"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z"));
  EXPECT_EQ(body["data"],
            (nlohmann::json{{"id", gina.id()}, {"username", "gina"}, {"role", "user"}}));
  EXPECT_EQ(request.body.find(kHookSecret), std::string::npos);
}

TEST_F(WebhooksTest, NoUserNoEvent) {
  AddWebhook("all", "/all");
  v1::User user;
  ASSERT_TRUE(CreateUser("hugo", &user).ok());
  EXPECT_EQ(CreateUser("HUGO", &user).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  WaitForFinishedJobs(webhooks::kDispatchKind, 1);
  // The refused INSERT rolled its event back with it.
  EXPECT_THAT(Jobs(webhooks::kDispatchKind), SizeIs(1));
}

TEST_F(WebhooksTest, ServerErrorsAreRetriedUntilTheReceiverAccepts) {
  std::atomic<int> calls{0};
  receiver_.Handle("POST", "/flaky", [&calls](const TestHttpRequest&) {
    return ++calls <= 2 ? TestHttpResponse::Text("try later", 500) : TestHttpResponse::Text("ok");
  });
  AddWebhook("flaky", "/flaky");
  v1::User user;
  ASSERT_TRUE(CreateUser("ida", &user).ok());
  std::vector<JobProto> deliveries = WaitForFinishedJobs(webhooks::kDeliverKind, 1);
  ASSERT_THAT(deliveries, SizeIs(1));
  EXPECT_EQ(deliveries[0].status(), "succeeded");
  EXPECT_EQ(deliveries[0].attempts(), 3);
  std::vector<TestHttpRequest> requests = RequestsTo("/flaky");
  ASSERT_THAT(requests, SizeIs(3));
  // One delivery: the same id and body on every attempt, each signed anew.
  for (const TestHttpRequest& request : requests) {
    EXPECT_EQ(request.Header("x-kiosk-delivery"), absl::StrCat(deliveries[0].id()));
    EXPECT_EQ(request.body, requests[0].body);
    EXPECT_EQ(request.Header("x-kiosk-signature"),
              ExpectedSignature(kHookSecret, request.Header("x-kiosk-timestamp"), request.body));
  }
}

TEST_F(WebhooksTest, DeliveryAttemptsAreVisibleThroughTheJobApi) {
  Answer("/down", 503);
  AddWebhook("down", "/down");
  v1::User user;
  ASSERT_TRUE(CreateUser("jack", &user).ok());
  std::vector<JobProto> deliveries = WaitForFinishedJobs(webhooks::kDeliverKind, 1);
  ASSERT_THAT(deliveries, SizeIs(1));
  EXPECT_EQ(deliveries[0].status(), "dead");
  EXPECT_EQ(deliveries[0].attempts(), 8);
  EXPECT_EQ(deliveries[0].max_attempts(), 8);
  EXPECT_THAT(deliveries[0].last_error(), HasSubstr("HTTP 503"));
  EXPECT_THAT(deliveries[0].last_error(), HasSubstr("down"));
  EXPECT_THAT(RequestsTo("/down"), SizeIs(8));
  std::vector<JobProto> dispatches = Jobs(webhooks::kDispatchKind);
  ASSERT_THAT(dispatches, SizeIs(1));
  EXPECT_EQ(dispatches[0].status(), "succeeded");
  EXPECT_EQ(dispatches[0].payload().fields().at("event").string_value(), "user.created");
}

TEST_F(WebhooksTest, GoneIsDeadAfterOneAttempt) {
  Answer("/gone", 410);
  AddWebhook("gone", "/gone");
  v1::User user;
  ASSERT_TRUE(CreateUser("kim", &user).ok());
  std::vector<JobProto> deliveries = WaitForFinishedJobs(webhooks::kDeliverKind, 1);
  ASSERT_THAT(deliveries, SizeIs(1));
  EXPECT_EQ(deliveries[0].status(), "dead");
  EXPECT_EQ(deliveries[0].attempts(), 1);
  EXPECT_THAT(deliveries[0].last_error(), HasSubstr("410"));
  absl::SleepFor(absl::Milliseconds(500));  // long enough for a (wrong) retry
  EXPECT_THAT(RequestsTo("/gone"), SizeIs(1));
}

TEST_F(WebhooksTest, ADeadEndpointDoesNotSlowTheAction) {
  // One receiver that takes 5 s to answer, one that refuses connections.
  TestHttpResponse slow = TestHttpResponse::Text("ok");
  slow.delay = absl::Seconds(5);
  receiver_.Handle("POST", "/slow", [slow](const TestHttpRequest&) { return slow; });
  AddWebhook("slow", "/slow");
  {
    HttpTestServer closed;
    ASSERT_THAT(closed.Start(), IsOk());
    v1::CreateWebhookRequest request;
    request.set_name("refused");
    request.set_url(closed.Url("/hook"));
    v1::CreateWebhookResponse created;
    ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                  return stub_->CreateWebhook(ctx, request, &created);
                }).ok());
  }  // stopped: its port now refuses connections

  for (const char* name : {"lena", "mark", "nora"}) {
    const absl::Time start = absl::Now();
    v1::User user;
    ASSERT_TRUE(CreateUser(name, &user).ok());
    // A functional bound, generous on purpose: the call never waits for a delivery.
    EXPECT_LT(absl::Now() - start, absl::Seconds(1)) << name;
  }
  ASSERT_TRUE(receiver_.WaitForRequests(1, absl::Seconds(10)));
  // The slow receiver has not answered yet: its delivery is still pending.
  bool pending = false;
  for (const JobProto& job : Jobs(webhooks::kDeliverKind)) {
    if (job.payload().fields().at("data").struct_value().fields().at("username").string_value() ==
            "lena" &&
        !Finished(job)) {
      pending = true;
    }
  }
  EXPECT_TRUE(pending);
}

TEST_F(WebhooksTest, TestWebhookSendsToThatWebhookOnlyAndReturnsTheJob) {
  Answer("/a", 200);
  Answer("/b", 200);
  const int64_t a = AddWebhook("a", "/a", {"request.*"});  // the filter does not apply
  AddWebhook("b", "/b");
  const int64_t off = AddWebhook("off", "/off", {}, /*enabled=*/false);
  v1::TestWebhookRequest request;
  request.set_id(a);
  v1::TestWebhookResponse response;
  ASSERT_TRUE(Call(Admin(), [&](grpc::ClientContext* ctx) {
                return stub_->TestWebhook(ctx, request, &response);
              }).ok());
  ASSERT_GT(response.job_id(), 0);
  JobProto job = WaitForJob(response.job_id());
  EXPECT_EQ(job.kind(), webhooks::kDeliverKind);
  EXPECT_EQ(job.status(), "succeeded");
  ASSERT_EQ(receiver_.request_count(), 1u);
  const TestHttpRequest received = RequestsTo("/a").at(0);
  EXPECT_EQ(received.Header("x-kiosk-event"), "webhook.test");
  EXPECT_EQ(received.Header("x-kiosk-delivery"), absl::StrCat(response.job_id()));
  EXPECT_EQ(received.Header("x-kiosk-signature"),
            ExpectedSignature(kHookSecret, received.Header("x-kiosk-timestamp"), received.body));
  EXPECT_EQ(nlohmann::json::parse(received.body)["data"]["webhook_id"], a);

  request.set_id(off);
  EXPECT_EQ(
      Call(Admin(),
           [&](grpc::ClientContext* ctx) { return stub_->TestWebhook(ctx, request, &response); })
          .error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  request.set_id(9999);
  EXPECT_EQ(
      Call(Admin(),
           [&](grpc::ClientContext* ctx) { return stub_->TestWebhook(ctx, request, &response); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
  request.set_id(a);
  EXPECT_EQ(
      Call(As(2, "user"),
           [&](grpc::ClientContext* ctx) { return stub_->TestWebhook(ctx, request, &response); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(WebhooksTest, ListWebhookTargetsIsForServicesOnly) {
  const int64_t on = AddWebhook("on", "/on", {"transfer.done"});
  const int64_t off = AddWebhook("off", "/off", {}, /*enabled=*/false);
  v1::ListWebhookTargetsResponse targets;
  auto list = [&](const std::string& token) {
    return Call(token, [&](grpc::ClientContext* ctx) {
      return stub_->ListWebhookTargets(ctx, v1::ListWebhookTargetsRequest(), &targets);
    });
  };
  EXPECT_EQ(list(Admin()).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(list(As(2, "user")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(list(jwt_.SignServiceToken("kiosk-media", absl::Now())).ok());
  ASSERT_THAT(targets.targets(), SizeIs(1));  // enabled ones only
  EXPECT_EQ(targets.targets(0).id(), on);
  EXPECT_EQ(targets.targets(0).secret(), kHookSecret);
  EXPECT_THAT(targets.targets(0).events(), ElementsAre("transfer.done"));

  // What the other services deliver from.
  webhooks::RemoteWebhookDirectory remote(channel_, jwt_, "kiosk-media");
  absl::StatusOr<std::vector<webhooks::Webhook>> enabled = remote.Enabled();
  ASSERT_THAT(enabled, IsOk());
  ASSERT_THAT(*enabled, SizeIs(1));
  EXPECT_EQ((*enabled)[0].url, receiver_.Url("/on"));
  EXPECT_EQ((*enabled)[0].secret, kHookSecret);
  absl::StatusOr<std::optional<webhooks::Webhook>> found = remote.Find(on);
  ASSERT_THAT(found, IsOk());
  EXPECT_TRUE(found->has_value());
  found = remote.Find(off);
  ASSERT_THAT(found, IsOk());
  EXPECT_FALSE(found->has_value());
  // A service with another SECRET_KEY is refused; the jobs would retry.
  auth::JwtCodec stranger("another-secret-key-0123456789abcdef0123");
  webhooks::RemoteWebhookDirectory refused(channel_, stranger, "kiosk-media");
  EXPECT_THAT(refused.Enabled(), ::kiosk::testing::StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace kiosk::users
