// Quotas end to end: an in-process kiosk-users (GetQuota) and an in-process
// kiosk-media (CountUserRequests), both on port 0, sharing one fresh migrated
// database. kiosk-media's pool logs in as its own role (kiosk_media), so the
// count also proves it needs no other schema than `media`.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/connection_pool.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "kiosk/media/v1/media_service.grpc.pb.h"
#include "migrations/runner/migrator.h"
#include "services/media/media_service.h"
#include "services/media/pg_request_counts_store.h"
#include "services/media/testing/media_logic_bundle.h"
#include "services/users/media_request_counter.h"
#include "services/users/pg_user_store.h"
#include "services/users/pg_webhook_store.h"
#include "services/users/quota.h"
#include "services/users/testing/users_server.h"
#include "services/users/users_service.h"

namespace kiosk::users {
namespace {

using ::kiosk::testing::IsOkAndHolds;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::kiosk::users::v1;
namespace media_v1 = ::kiosk::media::v1;

constexpr char kSecret[] = "quota-test-secret-0123456789abcdef0123456789";
// A password hash the schema accepts; nobody logs in with it.
constexpr char kDummyHash[] = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g";
const auth::Argon2Params kCheap{.time_cost = 1, .memory_kib = 8192, .parallelism = 1};

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

class QuotaTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    config_.database = db().url();
    db::PoolOptions users_pool;
    users_pool.conninfo = db().conninfo();
    users_pool.pool_size = 4;
    pool_ = std::make_unique<db::ConnectionPool>(users_pool);
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-users", config_, *pool_);

    // kiosk-media, as its own database role.
    db::PoolOptions media_pool;
    media_pool.conninfo = db().conninfo() + " options='-c role=kiosk_media'";
    media_pool.pool_size = 2;
    media_db_ = std::make_unique<db::ConnectionPool>(media_pool);
    media_info_ = std::make_unique<server::ServiceInfoSource>("kiosk-media", config_, *media_db_);
    request_counts_ = std::make_unique<media::PgRequestCountsStore>(*media_db_);
    media_authenticator_ = std::make_unique<auth::Authenticator>(jwt_);
    media_jobs_ = std::make_unique<jobs::JobRuntime>(*media_db_, "media", jobs::RuntimeOptions{});
    media_logic_ =
        std::make_unique<media::testing::MediaLogicBundle>(*media_db_, media_jobs_->queue());
    media_service_ = std::make_unique<media::MediaServiceImpl>(
        *media_jobs_, media_executor_, *media_info_, *media_authenticator_,
        media_logic_->Logic(*request_counts_));
    grpc::ServerBuilder builder;
    int media_port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &media_port);
    builder.RegisterService(media_service_.get());
    media_server_ = builder.BuildAndStart();
    ASSERT_NE(media_server_, nullptr);
    media_addr_ = absl::StrCat("127.0.0.1:", media_port);
    media_stub_ = media_v1::MediaService::NewStub(
        grpc::CreateChannel(media_addr_, grpc::InsecureChannelCredentials()));

    users_ = std::make_unique<testing::UsersServer>(*pool_, *info_, jwt_, hasher_,
                                                   testing::UsersServerOptions{.media_addr = media_addr_});
    ASSERT_NE(users_->server, nullptr);
  }
  void TearDown() override {
    users_.reset();
    if (media_server_) media_server_->Shutdown();
    media_executor_.Shutdown();
  }

  std::string As(int64_t id, const std::string& role, bool must_change_password = false) {
    absl::Time now = absl::Now();
    return jwt_.Sign({.user_id = id,
                      .role = role,
                      .must_change_password = must_change_password,
                      .token_id = "t",
                      .issued_at = now,
                      .expires_at = now + absl::Minutes(5),
                      .service = ""});
  }
  std::string AsService() { return jwt_.SignServiceToken("kiosk-downloads", absl::Now()); }

  grpc::Status GetQuota(testing::UsersServer& users, const std::string& token, int64_t user_id,
                        v1::Quota* out) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::GetQuotaRequest request;
    request.set_user_id(user_id);
    return users.stub->GetQuota(&ctx, request, out);
  }
  grpc::Status GetQuota(const std::string& token, int64_t user_id, v1::Quota* out) {
    return GetQuota(*users_, token, user_id, out);
  }
  grpc::Status Count(const std::string& token, int64_t user_id, absl::Time movie_since,
                     absl::Time tv_since, media_v1::CountUserRequestsResponse* out) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    media_v1::CountUserRequestsRequest request;
    request.set_user_id(user_id);
    request.mutable_movie_since()->set_seconds(absl::ToUnixSeconds(movie_since));
    request.mutable_tv_since()->set_seconds(absl::ToUnixSeconds(tv_since));
    return media_stub_->CountUserRequests(&ctx, request, out);
  }

  // A user with optional own quotas (nullopt = the default from the settings).
  int64_t AddUser(const std::string& name, std::optional<int> movie_limit = std::nullopt,
                  std::optional<int> movie_days = std::nullopt,
                  std::optional<int> tv_limit = std::nullopt,
                  std::optional<int> tv_days = std::nullopt) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    int64_t id =
        tx.exec_params1(
              "INSERT INTO users.users (username, email, password_hash, movie_quota_limit, "
              "movie_quota_days, tv_quota_limit, tv_quota_days) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
              name, name + "@example.org", std::string(kDummyHash), movie_limit, movie_days,
              tv_limit, tv_days)[0]
            .as<int64_t>();
    tx.commit();
    return id;
  }
  // A media request created `age` ago (or exactly at `created_at`).
  void AddRequest(int64_t user_id, const std::string& type, const std::string& status,
                  absl::Duration age) {
    AddRequestAt(user_id, type, status, absl::Now() - age);
  }
  void AddRequestAt(int64_t user_id, const std::string& type, const std::string& status,
                    absl::Time created_at) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title, status, "
        "created_at) VALUES ($1, $2, $3, 'Some title', $4, to_timestamp(0) + $5 * interval "
        "'1 microsecond')",
        user_id, type, ++next_tmdb_id_, status, absl::ToUnixMicros(created_at));
    tx.commit();
  }
  // Sets system settings as an admin would, through UpdateSettings.
  void SetSettings(const std::map<std::string, int>& values) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + As(1, "admin"));
    v1::UpdateSettingsRequest request;
    for (const auto& [key, value] : values) {
      (*request.mutable_values())[key].set_number_value(value);
    }
    v1::ListSettingsResponse response;
    grpc::Status status = users_->stub->UpdateSettings(&ctx, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  config::ServiceConfig config_;
  auth::JwtCodec jwt_{kSecret};
  auth::PasswordHasher hasher_{kCheap};
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  std::unique_ptr<db::ConnectionPool> media_db_;
  std::unique_ptr<server::ServiceInfoSource> media_info_;
  server::Executor media_executor_{"test-media", 2, 100};
  std::unique_ptr<media::PgRequestCountsStore> request_counts_;
  std::unique_ptr<auth::Authenticator> media_authenticator_;
  std::unique_ptr<jobs::JobRuntime> media_jobs_;
  std::unique_ptr<media::testing::MediaLogicBundle> media_logic_;
  std::unique_ptr<media::MediaServiceImpl> media_service_;
  std::unique_ptr<grpc::Server> media_server_;
  std::string media_addr_;
  std::unique_ptr<media_v1::MediaService::Stub> media_stub_;
  std::unique_ptr<testing::UsersServer> users_;
  int next_tmdb_id_ = 100;
};

TEST_F(QuotaTest, DefaultsFromTheSettingsCountRequestsInsideTheWindow) {
  SetSettings({{"quota.movie_limit", 3},
               {"quota.movie_days", 7},
               {"quota.tv_limit", 2},
               {"quota.tv_days", 30}});
  const int64_t alice = AddUser("alice");
  const int64_t bob = AddUser("bob");
  AddRequest(alice, "movie", "pending", absl::Hours(24));
  AddRequest(alice, "movie", "available", absl::Hours(48));
  AddRequest(alice, "movie", "declined", absl::Hours(1));       // uses no quota
  AddRequest(alice, "movie", "cancelled", absl::Hours(1));      // uses no quota
  AddRequest(alice, "movie", "approved", absl::Hours(24 * 8));  // before the window
  AddRequest(alice, "tv", "downloading", absl::Hours(24 * 20));
  AddRequest(alice, "tv", "pending", absl::Hours(24 * 40));  // before the window
  AddRequest(bob, "movie", "pending", absl::Hours(1));       // someone else's
  AddRequest(bob, "tv", "pending", absl::Hours(1));

  const absl::Time before = absl::Now();
  v1::Quota quota;
  grpc::Status status = GetQuota(As(alice, "user"), alice, &quota);
  const absl::Time after = absl::Now();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(quota.user_id(), alice);
  EXPECT_EQ(quota.movie().limit(), 3);
  EXPECT_EQ(quota.movie().window_days(), 7);
  EXPECT_EQ(quota.movie().used(), 2);
  EXPECT_EQ(quota.movie().remaining(), 1);
  EXPECT_FALSE(quota.movie().unlimited());
  EXPECT_GE(FromProto(quota.movie().window_start()),
            before - absl::Hours(24 * 7) - absl::Microseconds(1));
  EXPECT_LE(FromProto(quota.movie().window_start()), after - absl::Hours(24 * 7));
  EXPECT_EQ(quota.tv().limit(), 2);
  EXPECT_EQ(quota.tv().window_days(), 30);
  EXPECT_EQ(quota.tv().used(), 1);
  EXPECT_EQ(quota.tv().remaining(), 1);
  EXPECT_FALSE(quota.tv().unlimited());
  EXPECT_GE(FromProto(quota.tv().window_start()),
            before - absl::Hours(24 * 30) - absl::Microseconds(1));
  EXPECT_LE(FromProto(quota.tv().window_start()), after - absl::Hours(24 * 30));
}

TEST_F(QuotaTest, EveryStatusButDeclinedAndCancelledUsesQuota) {
  SetSettings({{"quota.movie_limit", 10}, {"quota.tv_limit", 10}});
  const int64_t carol = AddUser("carol");
  for (const char* status : {"pending", "approved", "declined", "downloading", "importing",
                             "available", "failed", "cancelled"}) {
    AddRequest(carol, "movie", status, absl::Hours(2));
  }
  AddRequest(carol, "tv", "cancelled", absl::Hours(2));
  AddRequest(carol, "tv", "declined", absl::Hours(2));
  v1::Quota quota;
  ASSERT_TRUE(GetQuota(As(carol, "user"), carol, &quota).ok());
  EXPECT_EQ(quota.movie().used(), 6);
  EXPECT_EQ(quota.movie().remaining(), 4);
  EXPECT_EQ(quota.tv().used(), 0);
  EXPECT_EQ(quota.tv().remaining(), 10);
}

TEST_F(QuotaTest, TheUsersOwnQuotaWinsOverTheDefaultsColumnByColumn) {
  SetSettings({{"quota.movie_limit", 5},
               {"quota.movie_days", 30},
               {"quota.tv_limit", 4},
               {"quota.tv_days", 10}});
  // Own film limit and window; own series window only (limit from the settings).
  const int64_t dave = AddUser("dave", 1, 2, std::nullopt, 3);
  AddRequest(dave, "movie", "pending", absl::Hours(12));
  AddRequest(dave, "movie", "available", absl::Hours(36));
  AddRequest(dave, "movie", "available", absl::Hours(24 * 5));  // outside his 2 days
  AddRequest(dave, "tv", "approved", absl::Hours(24 * 2));
  AddRequest(dave, "tv", "approved", absl::Hours(24 * 5));  // outside his 3 days
  v1::Quota quota;
  ASSERT_TRUE(GetQuota(As(1, "admin"), dave, &quota).ok());
  EXPECT_EQ(quota.movie().limit(), 1);
  EXPECT_EQ(quota.movie().window_days(), 2);
  EXPECT_EQ(quota.movie().used(), 2);
  EXPECT_EQ(quota.movie().remaining(), 0);  // over the limit: never negative
  EXPECT_EQ(quota.tv().limit(), 4);
  EXPECT_EQ(quota.tv().window_days(), 3);
  EXPECT_EQ(quota.tv().used(), 1);
  EXPECT_EQ(quota.tv().remaining(), 3);

  // An own limit of 0 means no limit for him, whatever the default.
  const int64_t erin = AddUser("erin", 0);
  AddRequest(erin, "movie", "pending", absl::Hours(1));
  ASSERT_TRUE(GetQuota(As(1, "admin"), erin, &quota).ok());
  EXPECT_TRUE(quota.movie().unlimited());
  EXPECT_EQ(quota.movie().limit(), 0);
  EXPECT_EQ(quota.movie().remaining(), -1);
  EXPECT_EQ(quota.movie().used(), 1);
  EXPECT_EQ(quota.movie().window_days(), 30);
  EXPECT_FALSE(quota.tv().unlimited());
}

TEST_F(QuotaTest, WithoutLimitsEverythingIsUnlimitedButStillCounted) {
  const int64_t fred = AddUser("fred");  // settings untouched: limits 0, windows 7 days
  AddRequest(fred, "movie", "pending", absl::Hours(1));
  AddRequest(fred, "tv", "pending", absl::Hours(1));
  AddRequest(fred, "tv", "failed", absl::Hours(2));
  v1::Quota quota;
  ASSERT_TRUE(GetQuota(As(fred, "user"), fred, &quota).ok());
  for (const v1::QuotaWindow& window : {quota.movie(), quota.tv()}) {
    EXPECT_TRUE(window.unlimited());
    EXPECT_EQ(window.limit(), 0);
    EXPECT_EQ(window.remaining(), -1);
    EXPECT_EQ(window.window_days(), 7);
  }
  EXPECT_EQ(quota.movie().used(), 1);
  EXPECT_EQ(quota.tv().used(), 2);
}

TEST_F(QuotaTest, UserIdZeroMeansTheCaller) {
  SetSettings({{"quota.movie_limit", 2}});
  const int64_t gina = AddUser("gina");
  const int64_t hank = AddUser("hank");
  AddRequest(gina, "movie", "pending", absl::Hours(1));
  AddRequest(hank, "movie", "pending", absl::Hours(1));
  AddRequest(hank, "movie", "pending", absl::Hours(1));
  v1::Quota quota;
  ASSERT_TRUE(GetQuota(As(gina, "user"), 0, &quota).ok());
  EXPECT_EQ(quota.user_id(), gina);
  EXPECT_EQ(quota.movie().used(), 1);
  EXPECT_EQ(quota.movie().remaining(), 1);
  ASSERT_TRUE(GetQuota(As(hank, "user"), 0, &quota).ok());
  EXPECT_EQ(quota.user_id(), hank);
  EXPECT_EQ(quota.movie().remaining(), 0);
}

TEST_F(QuotaTest, UsersReadTheirOwnAdminsAndServicesAnyones) {
  const int64_t ivan = AddUser("ivan");
  const int64_t jill = AddUser("jill");
  v1::Quota quota;
  grpc::Status other = GetQuota(As(ivan, "user"), jill, &quota);
  EXPECT_EQ(other.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // No hint whether a user exists.
  EXPECT_EQ(GetQuota(As(ivan, "user"), 987654, &quota).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(GetQuota(As(ivan, "user"), ivan, &quota).ok());
  EXPECT_TRUE(GetQuota(As(1, "admin"), jill, &quota).ok());
  EXPECT_EQ(quota.user_id(), jill);
  EXPECT_TRUE(GetQuota(AsService(), jill, &quota).ok());
  EXPECT_EQ(GetQuota(AsService(), 0, &quota).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  grpc::Status unknown = GetQuota(As(1, "admin"), 987654, &quota);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(unknown.error_message(), HasSubstr("987654"));
  EXPECT_EQ(GetQuota(AsService(), 987654, &quota).error_code(), grpc::StatusCode::NOT_FOUND);

  EXPECT_EQ(GetQuota("", ivan, &quota).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  grpc::Status unchanged = GetQuota(As(ivan, "user", /*must_change_password=*/true), 0, &quota);
  EXPECT_EQ(unchanged.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(QuotaTest, TheDefaultAdminMustChangeThePasswordFirst) {
  v1::Session session;
  {
    grpc::ClientContext ctx;
    v1::LoginRequest login;
    login.set_username("admin");
    login.set_password("admin");
    ASSERT_TRUE(users_->stub->Login(&ctx, login, &session).ok());
  }
  v1::Quota quota;
  grpc::Status before = GetQuota(session.access_token(), 0, &quota);
  EXPECT_EQ(before.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::Session changed;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + session.access_token());
    v1::ChangePasswordRequest change;
    change.set_current_password("admin");
    change.set_new_password("N3w-Passw0rd");
    ASSERT_TRUE(users_->stub->ChangePassword(&ctx, change, &changed).ok());
  }
  ASSERT_TRUE(GetQuota(changed.access_token(), 0, &quota).ok());
  EXPECT_EQ(quota.user_id(), changed.user().id());
}

TEST_F(QuotaTest, CountUserRequestsIsForServicesOnly) {
  const int64_t kate = AddUser("kate");
  AddRequest(kate, "movie", "pending", absl::Hours(1));
  AddRequest(kate, "tv", "approved", absl::Hours(1));
  AddRequest(kate, "tv", "declined", absl::Hours(1));
  const absl::Time since = absl::Now() - absl::Hours(24);
  media_v1::CountUserRequestsResponse counts;
  EXPECT_EQ(Count(As(kate, "user"), kate, since, since, &counts).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count(As(1, "admin"), kate, since, since, &counts).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Count("", kate, since, since, &counts).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Count(AsService(), 0, since, since, &counts).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status ok = Count(AsService(), kate, since, since, &counts);
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(counts.movie_count(), 1);
  EXPECT_EQ(counts.tv_count(), 1);
  ASSERT_TRUE(Count(AsService(), kate, absl::Now() + absl::Hours(1), since, &counts).ok());
  EXPECT_EQ(counts.movie_count(), 0);
  EXPECT_EQ(counts.tv_count(), 1);
  ASSERT_TRUE(Count(AsService(), 987654, since, since, &counts).ok());  // unknown: none
  EXPECT_EQ(counts.movie_count(), 0);
  EXPECT_EQ(counts.tv_count(), 0);
}

TEST_F(QuotaTest, KioskMediaDownIsUnavailableWithAHint) {
  const int64_t liam = AddUser("liam");
  // A port nothing listens on: bound once, then released.
  std::string closed_addr;
  {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
    ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    close(fd);
    closed_addr = absl::StrCat("127.0.0.1:", ntohs(addr.sin_port));
  }
  testing::UsersServer users(*pool_, *info_, jwt_, hasher_, {.media_addr = closed_addr});
  v1::Quota quota;
  grpc::Status down = GetQuota(users, As(liam, "user"), 0, &quota);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(down.error_message(), HasSubstr("kiosk-media"));
  EXPECT_THAT(down.error_message(), HasSubstr("MEDIA_ADDR"));
  // Not gRPC's own "failed to connect": the gateway would blame kiosk-users.
  EXPECT_THAT(down.error_message(), Not(HasSubstr("connect")));

  // The same when the running kiosk-media stops.
  media_server_->Shutdown();
  EXPECT_EQ(GetQuota(As(liam, "user"), 0, &quota).error_code(), grpc::StatusCode::UNAVAILABLE);
}

// The logic alone, with a fake counter and a fixed clock.
auth::Caller Caller(int64_t user_id, const std::string& role) {
  auth::Caller caller;
  caller.user_id = user_id;
  caller.role = role;
  return caller;
}

class FakeCounter final : public MediaRequestCounter {
 public:
  absl::StatusOr<RequestCounts> CountUserRequests(int64_t user_id, absl::Time movie_since,
                                                  absl::Time tv_since,
                                                  const std::string& request_id) override {
    ++calls;
    last_user = user_id;
    last_movie_since = movie_since;
    last_tv_since = tv_since;
    last_request_id = request_id;
    return answer;
  }
  absl::StatusOr<RequestCounts> answer = RequestCounts{4, 0};
  int calls = 0;
  int64_t last_user = 0;
  absl::Time last_movie_since, last_tv_since;
  std::string last_request_id;
};

TEST_F(QuotaTest, WindowsEndNowAndCounterErrorsPassThrough) {
  SetSettings({{"quota.movie_limit", 3}, {"quota.tv_days", 14}});
  const int64_t olga = AddUser("olga");
  const absl::Time now = absl::FromUnixMicros(1795000000123456);
  FakeCounter counter;
  Quotas quotas(users_->store, counter, [now] { return now; });
  absl::StatusOr<UserQuota> quota = quotas.Get(Caller(olga, "user"), 0, "req-1");
  ASSERT_TRUE(quota.ok()) << quota.status();
  EXPECT_EQ(counter.last_user, olga);
  EXPECT_EQ(counter.last_request_id, "req-1");
  EXPECT_EQ(counter.last_movie_since, now - absl::Hours(24 * 7));
  EXPECT_EQ(counter.last_tv_since, now - absl::Hours(24 * 14));
  EXPECT_EQ(quota->movie.window_start, counter.last_movie_since);
  EXPECT_EQ(quota->tv.window_start, counter.last_tv_since);
  EXPECT_EQ(quota->movie.used, 4);
  EXPECT_EQ(quota->movie.remaining, 0);
  EXPECT_EQ(quota->tv.remaining, -1);

  counter.answer = absl::UnavailableError("kiosk-media is down");
  EXPECT_THAT(quotas.Get(Caller(1, "admin"), olga, ""),
              kiosk::testing::StatusIs(absl::StatusCode::kUnavailable));
  // Refusals happen before anything is counted.
  const int calls = counter.calls;
  EXPECT_THAT(quotas.Get(Caller(olga + 1, "user"), olga, ""),
              kiosk::testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(quotas.Get(Caller(0, "service"), 0, ""),
              kiosk::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(quotas.Get(Caller(1, "admin"), 987654, ""),
              kiosk::testing::StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(counter.calls, calls);
}

// The count query itself, at its boundaries, as kiosk-media's role.
TEST_F(QuotaTest, StoreCountsFromEachSinceInclusiveAtMicrosecondPrecision) {
  {
    absl::StatusOr<db::ConnectionPool::Lease> media_conn = media_db_->Acquire();
    ASSERT_TRUE(media_conn.ok());
    pqxx::read_transaction tx(**media_conn);
    ASSERT_EQ(tx.exec1("SELECT current_user")[0].as<std::string>(), "kiosk_media");
  }
  const int64_t mona = AddUser("mona");
  const int64_t nick = AddUser("nick");
  const absl::Time since = absl::FromUnixMicros(absl::ToUnixMicros(absl::Now()) - 3600000001);
  AddRequestAt(mona, "movie", "pending", since);                            // at: counts
  AddRequestAt(mona, "movie", "pending", since - absl::Microseconds(1));    // before: no
  AddRequestAt(mona, "movie", "available", since + absl::Microseconds(1));  // after: counts
  AddRequestAt(mona, "movie", "declined", since + absl::Minutes(1));        // no quota
  AddRequestAt(mona, "tv", "importing", since - absl::Hours(24));           // counts for tv_since
  AddRequestAt(mona, "tv", "cancelled", since);                             // no quota
  AddRequestAt(nick, "movie", "pending", since + absl::Minutes(1));         // another user
  EXPECT_THAT(request_counts_->CountUserRequests(mona, since, since - absl::Hours(48)),
              IsOkAndHolds(AllOf(Field(&media::RequestCounts::movie, 2),
                                 Field(&media::RequestCounts::tv, 1))));
  EXPECT_THAT(request_counts_->CountUserRequests(mona, since + absl::Microseconds(2), since),
              IsOkAndHolds(AllOf(Field(&media::RequestCounts::movie, 0),
                                 Field(&media::RequestCounts::tv, 0))));
  EXPECT_THAT(request_counts_->CountUserRequests(mona, absl::UnixEpoch(), absl::UnixEpoch()),
              IsOkAndHolds(AllOf(Field(&media::RequestCounts::movie, 3),
                                 Field(&media::RequestCounts::tv, 1))));
}

}  // namespace
}  // namespace kiosk::users
