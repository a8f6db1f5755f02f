// kiosk-users' sessions through a real gRPC server (in process, port 0) on a
// real, migrated PostgreSQL.
#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/connection_pool.h"
#include "common/testing/pg_test_database.h"
#include "common/testing/status_matchers.h"
#include "migrations/runner/migrator.h"
#include "services/users/media_request_counter.h"
#include "services/users/pg_user_store.h"
#include "services/users/pg_webhook_store.h"
#include "services/users/testing/users_server.h"
#include "services/users/users_service.h"

namespace kiosk::users {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
namespace v1 = ::kiosk::users::v1;

constexpr char kSecret[] = "test-secret-key-0123456789abcdef0123456789";
// Cheap costs keep the tests fast; the default admin's stronger hash still verifies.
const auth::Argon2Params kCheap{.time_cost = 1, .memory_kib = 8192, .parallelism = 1};

class UsersServiceTest : public kiosk::testing::PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    ASSERT_TRUE(migrate::MigrateToHead(db().conninfo()).ok());
    db::PoolOptions pool_options;
    pool_options.conninfo = db().conninfo();
    pool_options.pool_size = 4;
    pool_ = std::make_unique<db::ConnectionPool>(pool_options);
    config_.database = db().url();
    info_ = std::make_unique<server::ServiceInfoSource>("kiosk-users", config_, *pool_);
    // Quotas have their own test (quota_pgtest.cc) with kiosk-media running.
    users_ = std::make_unique<testing::UsersServer>(*pool_, *info_, jwt_, hasher_);
    ASSERT_NE(users_->server, nullptr);
    stub_ = users_->stub.get();
  }

  grpc::Status Login(const std::string& user, const std::string& password, v1::Session* out) {
    grpc::ClientContext ctx;
    v1::LoginRequest request;
    request.set_username(user);
    request.set_password(password);
    return stub_->Login(&ctx, request, out);
  }
  grpc::Status Refresh(const std::string& token, v1::Session* out) {
    grpc::ClientContext ctx;
    v1::RefreshRequest request;
    request.set_refresh_token(token);
    return stub_->Refresh(&ctx, request, out);
  }
  grpc::Status Me(const std::string& authorization, v1::User* out) {
    grpc::ClientContext ctx;
    if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
    return stub_->Me(&ctx, v1::MeRequest(), out);
  }
  grpc::Status ChangePassword(const std::string& access, const std::string& current,
                              const std::string& next, v1::Session* out) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + access);
    v1::ChangePasswordRequest request;
    request.set_current_password(current);
    request.set_new_password(next);
    return stub_->ChangePassword(&ctx, request, out);
  }
  // A second user with a password hashed by `hasher`.
  int64_t AddUser(const std::string& name, const std::string& password, bool active,
                  const auth::PasswordHasher& hasher) {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    int64_t id = tx.exec_params1(
                       "INSERT INTO users.users (username, email, password_hash, is_active) "
                       "VALUES ($1, $2, $3, $4) RETURNING id",
                       name, name + "@example.org", *hasher.Hash(password), active)[0]
                     .as<int64_t>();
    tx.commit();
    return id;
  }
  std::string StoredHash(int64_t id) {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec_params1("SELECT password_hash FROM users.users WHERE id = $1", id)[0]
        .as<std::string>();
  }

  config::ServiceConfig config_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::ServiceInfoSource> info_;
  auth::PasswordHasher hasher_{kCheap};
  auth::JwtCodec jwt_{kSecret};
  std::unique_ptr<testing::UsersServer> users_;
  v1::UsersService::Stub* stub_ = nullptr;
};

TEST_F(UsersServiceTest, DefaultAdminLogsInChangesThePasswordAndContinues) {
  v1::Session first;
  ASSERT_TRUE(Login("admin", "admin", &first).ok());
  EXPECT_TRUE(first.must_change_password());
  EXPECT_EQ(first.token_type(), "Bearer");
  EXPECT_EQ(first.expires_in(), 900);
  EXPECT_EQ(first.user().role(), v1::ROLE_ADMIN);

  v1::User me;
  ASSERT_TRUE(Me("Bearer " + first.access_token(), &me).ok());  // allowed before the change
  EXPECT_TRUE(me.must_change_password());

  v1::Session next;
  grpc::Status weak = ChangePassword(first.access_token(), "admin", "short", &next);
  EXPECT_EQ(weak.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(weak.error_message(), HasSubstr("at least 8"));
  EXPECT_EQ(ChangePassword(first.access_token(), "admin", "Admin", &next).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ChangePassword(first.access_token(), "wrong", "N3w-Passw0rd", &next).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status changed = ChangePassword(first.access_token(), "admin", "N3w-Passw0rd", &next);
  ASSERT_TRUE(changed.ok()) << changed.error_message();
  EXPECT_FALSE(next.must_change_password());
  ASSERT_TRUE(Me("Bearer " + next.access_token(), &me).ok());
  EXPECT_FALSE(me.must_change_password());

  // Sessions from before the change are over; the old password is gone.
  v1::Session again;
  EXPECT_EQ(Refresh(first.refresh_token(), &again).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Login("admin", "admin", &again).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Login("ADMIN@plex-kiosk.local", "N3w-Passw0rd", &again).ok());
}

TEST_F(UsersServiceTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  v1::Session session;
  grpc::Status wrong = Login("admin", "nope", &session);
  grpc::Status unknown = Login("nobody", "nope", &session);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
  EXPECT_EQ(Login("", "x", &session).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UsersServiceTest, RepeatedFailuresAreThrottledEvenWithTheRightPassword) {
  v1::Session session;
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Login("admin", "guess" + std::to_string(i), &session).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
  grpc::Status blocked = Login("admin", "admin", &session);
  EXPECT_EQ(blocked.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(blocked.error_message(), HasSubstr("retry after"));
  // Unknown accounts are throttled the same way: no hint that they do not exist.
  for (int i = 0; i < 5; ++i) Login("ghost", "x", &session).ok();
  EXPECT_EQ(Login("ghost", "x", &session).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// The failures a login is throttled under, by key ("addr:<ip>", ...).
std::vector<std::string> ThrottleKeys(const std::string& conninfo) {
  pqxx::connection conn(conninfo);
  pqxx::work tx(conn);
  std::vector<std::string> keys;
  for (const auto& row : tx.exec("SELECT key FROM users.login_throttle ORDER BY key")) {
    keys.push_back(row[0].as<std::string>());
  }
  return keys;
}

TEST_F(UsersServiceTest, ClientAddressComesFromTheGatewayOnlyWhenItIsTrusted) {
  // The fixture's service trusts loopback (a gateway on the same host): the
  // address it forwards is the one a failure is counted under.
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-forwarded-for", "198.51.100.7");
  v1::LoginRequest request;
  request.set_username("admin");
  request.set_password("wrong");
  v1::Session session;
  EXPECT_EQ(stub_->Login(&ctx, request, &session).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(ThrottleKeys(db().conninfo()), Contains("addr:198.51.100.7"));

  // A kiosk-users that trusts nobody counts the caller's own address, whatever
  // it claims.
  testing::UsersServer untrusting(*pool_, *info_, jwt_, hasher_,
                                  {.trusted_proxies = *net::TrustedProxies::Parse("")});
  ASSERT_NE(untrusting.server, nullptr);
  grpc::ClientContext spoofed;
  spoofed.AddMetadata("x-forwarded-for", "203.0.113.66");
  EXPECT_EQ(untrusting.stub->Login(&spoofed, request, &session).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  std::vector<std::string> keys = ThrottleKeys(db().conninfo());
  EXPECT_THAT(keys, Not(Contains("addr:203.0.113.66")));
  EXPECT_THAT(keys, Contains("addr:127.0.0.1"));
}

TEST_F(UsersServiceTest, InactiveUsersCannotLogIn) {
  AddUser("carol", "carol-password", /*active=*/false, hasher_);
  v1::Session session;
  EXPECT_EQ(Login("carol", "carol-password", &session).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(UsersServiceTest, WeakerHashesAreUpgradedAtLogin) {
  auth::PasswordHasher weak(auth::Argon2Params{.time_cost = 1, .memory_kib = 64, .parallelism = 1});
  int64_t id = AddUser("dave", "dave-password", true, weak);
  EXPECT_TRUE(hasher_.NeedsRehash(StoredHash(id)));
  v1::Session session;
  ASSERT_TRUE(Login("dave", "dave-password", &session).ok());
  EXPECT_FALSE(hasher_.NeedsRehash(StoredHash(id)));
  EXPECT_TRUE(Login("dave", "dave-password", &session).ok());
}

TEST_F(UsersServiceTest, RefreshRotatesAndReuseEndsTheWholeFamily) {
  AddUser("erin", "erin-password", true, hasher_);
  v1::Session login, second, third;
  ASSERT_TRUE(Login("erin", "erin-password", &login).ok());
  ASSERT_TRUE(Refresh(login.refresh_token(), &second).ok());
  EXPECT_NE(second.refresh_token(), login.refresh_token());
  v1::User me;
  EXPECT_TRUE(Me("Bearer " + second.access_token(), &me).ok());

  grpc::Status reused = Refresh(login.refresh_token(), &third);  // a stolen copy comes back
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(reused.error_message(), HasSubstr("already used"));
  EXPECT_EQ(Refresh(second.refresh_token(), &third).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);  // the family is revoked
  EXPECT_EQ(Refresh("made-up-token", &third).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(UsersServiceTest, LogoutRevokesTheRefreshToken) {
  AddUser("fred", "fred-password", true, hasher_);
  v1::Session session, after;
  ASSERT_TRUE(Login("fred", "fred-password", &session).ok());
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + session.access_token());
  v1::LogoutRequest request;
  request.set_refresh_token(session.refresh_token());
  v1::LogoutResponse response;
  ASSERT_TRUE(stub_->Logout(&ctx, request, &response).ok());
  EXPECT_EQ(Refresh(session.refresh_token(), &after).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(UsersServiceTest, EveryProtectedCallChecksTheToken) {
  v1::Session session;
  ASSERT_TRUE(Login("admin", "admin", &session).ok());
  v1::User me;
  EXPECT_EQ(Me("", &me).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Me("Bearer garbage", &me).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  std::string tampered = session.access_token();
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'a' ? 'b' : 'a';
  EXPECT_EQ(Me("Bearer " + tampered, &me).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  absl::Time past = absl::Now() - absl::Hours(2);
  auth::TokenClaims claims{.user_id = 1,
                           .role = "admin",
                           .must_change_password = false,
                           .token_id = "x",
                           .issued_at = past,
                           .expires_at = past + absl::Minutes(15),
                           .service = ""};
  grpc::Status expired = Me("Bearer " + jwt_.Sign(claims), &me);
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(expired.error_message(), HasSubstr("expired"));
  claims.issued_at = absl::Now();
  claims.expires_at = absl::Now() + absl::Minutes(5);
  EXPECT_EQ(Me("Bearer " + auth::JwtCodec("another-secret").Sign(claims), &me).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Me("Bearer " + jwt_.Sign(claims), &me).ok());
}

// Admin RPCs, driven with signed tokens so each test states who calls.
class UserAdminTest : public UsersServiceTest {
 protected:
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
  template <typename Fn>
  grpc::Status Call(const std::string& token, Fn call) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + token);
    return call(&ctx);
  }
  grpc::Status Create(const std::string& token, const std::string& name, v1::User* out,
                      v1::Role role = v1::ROLE_USER) {
    v1::CreateUserRequest request;
    request.set_username(name);
    request.set_email(name + "@example.org");
    request.set_password("initial-pass-1");
    request.set_role(role);
    return Call(token,
                [&](grpc::ClientContext* ctx) { return stub_->CreateUser(ctx, request, out); });
  }
  grpc::Status Update(const std::string& token, const v1::UpdateUserRequest& request,
                      v1::User* out) {
    return Call(token,
                [&](grpc::ClientContext* ctx) { return stub_->UpdateUser(ctx, request, out); });
  }
  grpc::Status Delete(const std::string& token, int64_t id) {
    v1::DeleteUserRequest request;
    request.set_id(id);
    v1::DeleteUserResponse out;
    return Call(token,
                [&](grpc::ClientContext* ctx) { return stub_->DeleteUser(ctx, request, &out); });
  }
};

TEST_F(UserAdminTest, AdminCreatesAUserWhoMustChangeThePasswordAtFirstLogin) {
  v1::User created;
  ASSERT_TRUE(Create(As(1, "admin"), "gina", &created).ok());
  EXPECT_TRUE(created.must_change_password());
  EXPECT_EQ(created.role(), v1::ROLE_USER);
  v1::Session session;
  ASSERT_TRUE(Login("gina", "initial-pass-1", &session).ok());
  EXPECT_TRUE(session.must_change_password());
  // Until she changes it, other calls are refused with a clear reason.
  v1::GetUserRequest get;
  get.set_id(created.id());
  v1::User read;
  grpc::Status blocked = Call(session.access_token(), [&](grpc::ClientContext* ctx) {
    return stub_->GetUser(ctx, get, &read);
  });
  EXPECT_EQ(blocked.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(blocked.error_message(), HasSubstr("change your password first"));

  EXPECT_EQ(Create(As(1, "admin"), "GINA", &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(Create(As(1, "admin"), "bad name!", &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UserAdminTest, EveryAdminCallRefusesAPlainUser) {
  const std::string user = As(2, "user");
  v1::User out;
  EXPECT_EQ(Create(user, "henry", &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::UpdateUserRequest update;
  update.set_id(1);
  update.set_auto_approve(true);
  EXPECT_EQ(Update(user, update, &out).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Delete(user, 1).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::ListUsersResponse list;
  EXPECT_EQ(Call(user,
                 [&](grpc::ClientContext* ctx) {
                   return stub_->ListUsers(ctx, v1::ListUsersRequest(), &list);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ResetPasswordRequest reset;
  reset.set_id(1);
  reset.set_new_password("whatever-123");
  EXPECT_EQ(
      Call(user, [&](grpc::ClientContext* ctx) { return stub_->ResetPassword(ctx, reset, &out); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::GetUserRequest get;
  get.set_id(1);
  EXPECT_EQ(Call(user, [&](grpc::ClientContext* ctx) { return stub_->GetUser(ctx, get, &out); })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(UserAdminTest, ServicesReadAUserForRoleAutoApproveLanguageAndQuotas) {
  v1::User created;
  ASSERT_TRUE(Create(As(1, "admin"), "ines", &created).ok());
  v1::GetUserRequest get;
  get.set_id(created.id());
  v1::User read;
  ASSERT_TRUE(Call(jwt_.SignServiceToken("kiosk-media", absl::Now()), [&](grpc::ClientContext* ctx) {
                return stub_->GetUser(ctx, get, &read);
              }).ok());
  EXPECT_EQ(read.username(), "ines");
  EXPECT_EQ(read.role(), v1::ROLE_USER);
  get.set_id(created.id() + 1000);
  EXPECT_EQ(Call(jwt_.SignServiceToken("kiosk-media", absl::Now()),
                 [&](grpc::ClientContext* ctx) { return stub_->GetUser(ctx, get, &read); })
                .error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(UserAdminTest, TheLastActiveAdminCannotBeDemotedDeactivatedOrDeleted) {
  const std::string admin = As(1, "admin");
  v1::User out;
  v1::UpdateUserRequest demote;
  demote.set_id(1);
  demote.set_role(v1::ROLE_USER);
  EXPECT_EQ(Update(admin, demote, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::UpdateUserRequest deactivate;
  deactivate.set_id(1);
  deactivate.set_is_active(false);
  EXPECT_EQ(Update(admin, deactivate, &out).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  grpc::Status deleted = Delete(admin, 1);
  EXPECT_EQ(deleted.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(deleted.error_message(), HasSubstr("last active admin"));

  // With a second admin, the first may go.
  v1::User second;
  ASSERT_TRUE(Create(admin, "ivan", &second, v1::ROLE_ADMIN).ok());
  EXPECT_TRUE(Update(admin, demote, &out).ok());
  EXPECT_EQ(out.role(), v1::ROLE_USER);
  EXPECT_EQ(Delete(As(second.id(), "admin"), second.id()).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(Delete(As(second.id(), "admin"), 1).ok());
}

TEST_F(UserAdminTest, UpdateChangesOnlyTheFieldsThatAreSetAndClearsQuotas) {
  v1::User user;
  ASSERT_TRUE(Create(As(1, "admin"), "jane", &user).ok());
  v1::UpdateUserRequest update;
  update.set_id(user.id());
  update.set_movie_quota_limit(5);
  update.set_movie_quota_days(7);
  update.set_auto_approve(true);
  ASSERT_TRUE(Update(As(1, "admin"), update, &user).ok());
  EXPECT_EQ(user.movie_quota_limit(), 5);
  EXPECT_TRUE(user.auto_approve());
  EXPECT_EQ(user.preferred_language(), "fr");
  v1::UpdateUserRequest clear;
  clear.set_id(user.id());
  clear.set_movie_quota_limit(-1);
  ASSERT_TRUE(Update(As(1, "admin"), clear, &user).ok());
  EXPECT_FALSE(user.has_movie_quota_limit());
  EXPECT_EQ(user.movie_quota_days(), 7);
  EXPECT_TRUE(user.auto_approve());
  v1::UpdateUserRequest bad;
  bad.set_id(user.id());
  bad.set_movie_quota_days(0);
  EXPECT_EQ(Update(As(1, "admin"), bad, &user).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  bad.set_id(999);
  bad.clear_movie_quota_days();
  bad.set_auto_approve(false);
  EXPECT_EQ(Update(As(1, "admin"), bad, &user).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(UserAdminTest, ListPagesFiltersAndSearches) {
  for (const char* name : {"kate", "karl", "liam"}) {
    v1::User out;
    ASSERT_TRUE(Create(As(1, "admin"), name, &out).ok());
  }
  v1::ListUsersRequest request;
  request.set_page_size(2);
  v1::ListUsersResponse first, second;
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->ListUsers(ctx, request, &first);
              }).ok());
  EXPECT_EQ(first.total_size(), 4);  // with the default admin
  ASSERT_EQ(first.users_size(), 2);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->ListUsers(ctx, request, &second);
              }).ok());
  EXPECT_EQ(second.users_size(), 2);
  EXPECT_TRUE(second.next_page_token().empty());

  v1::ListUsersRequest search;
  search.set_search("KA");
  search.set_role(v1::ROLE_USER);
  v1::ListUsersResponse found;
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->ListUsers(ctx, search, &found);
              }).ok());
  EXPECT_EQ(found.total_size(), 2);
  v1::ListUsersRequest bad_token;
  bad_token.set_page_token("!!");
  EXPECT_EQ(Call(As(1, "admin"),
                 [&](grpc::ClientContext* ctx) { return stub_->ListUsers(ctx, bad_token, &found); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(UserAdminTest, ResetPasswordForcesAChangeAndEndsSessions) {
  v1::User user;
  ASSERT_TRUE(Create(As(1, "admin"), "mona", &user).ok());
  v1::Session session;
  ASSERT_TRUE(Login("mona", "initial-pass-1", &session).ok());
  v1::ResetPasswordRequest reset;
  reset.set_id(user.id());
  reset.set_new_password("reset-pass-22");
  v1::User out;
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->ResetPassword(ctx, reset, &out);
              }).ok());
  EXPECT_TRUE(out.must_change_password());
  v1::Session after;
  EXPECT_EQ(Refresh(session.refresh_token(), &after).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Login("mona", "reset-pass-22", &after).ok());
}

TEST_F(UserAdminTest, UsersUpdateTheirOwnProfileAndDeletionCascades) {
  v1::User user;
  ASSERT_TRUE(Create(As(1, "admin"), "nina", &user).ok());
  v1::UpdateMeRequest me;
  me.set_preferred_language("en");
  v1::User updated;
  ASSERT_TRUE(Call(As(user.id(), "user"), [&](grpc::ClientContext* ctx) {
                return stub_->UpdateMe(ctx, me, &updated);
              }).ok());
  EXPECT_EQ(updated.preferred_language(), "en");
  me.set_preferred_language("de");
  EXPECT_EQ(Call(As(user.id(), "user"),
                 [&](grpc::ClientContext* ctx) { return stub_->UpdateMe(ctx, me, &updated); })
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec_params(
        "INSERT INTO media.media_requests (user_id, media_type, tmdb_id, title) "
        "VALUES ($1, 'movie', 603, 'The Matrix')",
        user.id());
    tx.commit();
  }
  ASSERT_TRUE(Delete(As(1, "admin"), user.id()).ok());
  pqxx::connection conn(db().conninfo());
  pqxx::read_transaction tx(conn);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM media.media_requests")[0].as<int>(), 0);
}

TEST_F(UserAdminTest, ApiKeysAreShownOnceActAsTheirUserAndCanBeRevoked) {
  v1::CreateApiKeyRequest create;
  create.set_name("sonarr");
  v1::CreateApiKeyResponse created;
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->CreateApiKey(ctx, create, &created);
              }).ok());
  EXPECT_THAT(created.key(), ::testing::StartsWith("pk_"));
  EXPECT_EQ(created.api_key().prefix(), created.key().substr(0, 11));
  EXPECT_EQ(
      Call(As(1, "admin"),
           [&](grpc::ClientContext* ctx) { return stub_->CreateApiKey(ctx, create, &created); })
          .error_code(),
      grpc::StatusCode::ALREADY_EXISTS);  // same live name
  EXPECT_EQ(
      Call(As(2, "user"),
           [&](grpc::ClientContext* ctx) { return stub_->CreateApiKey(ctx, create, &created); })
          .error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // The key acts as the admin; the stored row holds no key, only its digest.
  auto me_with_key = [&](const std::string& key) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-api-key", key);
    v1::User me;
    grpc::Status status = stub_->Me(&ctx, v1::MeRequest(), &me);
    return std::make_pair(status, me);
  };
  auto [ok, me] = me_with_key(created.key());
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(me.username(), "admin");
  {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM users.api_keys WHERE position($1::bytea IN "
                              "key_hash) > 0 OR prefix = $2",
                              created.key(), created.key())[0]
                  .as<int>(),
              0);
    EXPECT_FALSE(tx.exec1("SELECT last_used_at IS NULL FROM users.api_keys")[0].as<bool>());
  }
  v1::ListApiKeysResponse listed;
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->ListApiKeys(ctx, v1::ListApiKeysRequest(), &listed);
              }).ok());
  ASSERT_EQ(listed.api_keys_size(), 1);
  EXPECT_EQ(listed.api_keys(0).name(), "sonarr");

  EXPECT_EQ(me_with_key("pk_" + std::string(43, 'A')).first.error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(me_with_key("nonsense").first.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_id(created.api_key().id());
  v1::RevokeApiKeyResponse revoked;
  EXPECT_EQ(
      Call(As(2, "user"),
           [&](grpc::ClientContext* ctx) { return stub_->RevokeApiKey(ctx, revoke, &revoked); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);  // not his key
  ASSERT_TRUE(Call(As(1, "admin"), [&](grpc::ClientContext* ctx) {
                return stub_->RevokeApiKey(ctx, revoke, &revoked);
              }).ok());
  grpc::Status after = me_with_key(created.key()).first;
  EXPECT_EQ(after.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(after.error_message(), HasSubstr("revoked"));
}

TEST_F(UserAdminTest, SettingsAreValidatedAllOrNothingAndSecretsAreMasked) {
  auto update = [&](const std::string& token, std::map<std::string, std::string> json,
                    v1::ListSettingsResponse* out) {
    v1::UpdateSettingsRequest request;
    for (const auto& [key, value] : json) {
      EXPECT_TRUE(
          google::protobuf::util::JsonStringToMessage(value, &(*request.mutable_values())[key])
              .ok());
    }
    return Call(token,
                [&](grpc::ClientContext* ctx) { return stub_->UpdateSettings(ctx, request, out); });
  };
  auto find = [](const v1::ListSettingsResponse& list, const std::string& key) {
    for (const v1::Setting& s : list.settings()) {
      if (s.key() == key) return s;
    }
    return v1::Setting();
  };
  const std::string admin = As(1, "admin");
  v1::ListSettingsResponse list;
  ASSERT_TRUE(update(admin,
                     {{"plex.url", "\"http://plex:32400/\""},
                      {"plex.token", "\"s3cr3t-token\""},
                      {"quota.movie_limit", "5"}},
                     &list)
                  .ok());
  EXPECT_EQ(find(list, "plex.url").value().string_value(), "http://plex:32400");
  EXPECT_EQ(find(list, "quota.movie_limit").value().number_value(), 5);
  v1::Setting token = find(list, "plex.token");
  EXPECT_TRUE(token.is_set());
  EXPECT_EQ(token.type(), "secret");
  EXPECT_TRUE(token.value().has_null_value());
  EXPECT_EQ(list.DebugString().find("s3cr3t-token"), std::string::npos);
  EXPECT_EQ(find(list, "quota.movie_days").value().number_value(), 7);  // default

  // One bad value and nothing changes.
  for (const auto& [key, bad] :
       std::vector<std::pair<std::string, std::string>>{{"plex.url", "\"ftp://x\""},
                                                        {"library.movies_path", "\"movies\""},
                                                        {"quota.movie_days", "0"},
                                                        {"quota.tv_limit", "1.5"},
                                                        {"nope.key", "1"},
                                                        {"new_users.auto_approve", "\"yes\""}}) {
    grpc::Status status = update(admin, {{"app.title", "\"Changed\""}, {key, bad}}, &list);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_THAT(status.error_message(), HasSubstr(key));
  }
  v1::ListSettingsResponse current;
  ASSERT_TRUE(Call(admin, [&](grpc::ClientContext* ctx) {
                return stub_->ListSettings(ctx, v1::ListSettingsRequest(), &current);
              }).ok());
  EXPECT_EQ(find(current, "app.title").value().string_value(), "Plex Kiosk");

  // Services read the secrets; nobody else does, admins included.
  auto service_settings = [&](const std::string& token, v1::GetServiceSettingsResponse* out) {
    v1::GetServiceSettingsRequest request;
    request.add_keys("plex.url");
    request.add_keys("plex.token");
    request.add_keys("quota.tv_days");
    return Call(token, [&](grpc::ClientContext* ctx) {
      return stub_->GetServiceSettings(ctx, request, out);
    });
  };
  v1::GetServiceSettingsResponse for_service;
  ASSERT_TRUE(
      service_settings(jwt_.SignServiceToken("kiosk-plex", absl::Now()), &for_service).ok());
  EXPECT_EQ(for_service.values().at("plex.token").string_value(), "s3cr3t-token");
  EXPECT_EQ(for_service.values().at("plex.url").string_value(), "http://plex:32400");
  EXPECT_EQ(for_service.values().at("quota.tv_days").number_value(), 7);
  EXPECT_EQ(for_service.values().size(), 3u);
  EXPECT_EQ(service_settings(admin, &for_service).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(service_settings(As(2, "user"), &for_service).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // New users take their auto-approve default from the settings.
  ASSERT_TRUE(update(admin, {{"new_users.auto_approve", "true"}}, &list).ok());
  v1::User created;
  ASSERT_TRUE(Create(admin, "olga", &created).ok());
  EXPECT_TRUE(created.auto_approve());

  // null resets to the default; users may not read or write settings.
  ASSERT_TRUE(update(admin, {{"quota.movie_limit", "null"}}, &list).ok());
  EXPECT_FALSE(find(list, "quota.movie_limit").is_set());
  EXPECT_EQ(update(As(2, "user"), {{"app.title", "\"x\""}}, &list).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Call(As(2, "user"),
                 [&](grpc::ClientContext* ctx) {
                   return stub_->ListSettings(ctx, v1::ListSettingsRequest(), &current);
                 })
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace kiosk::users
