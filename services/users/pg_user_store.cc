#include "services/users/pg_user_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/pg_errors.h"

namespace kiosk::users {
namespace {

constexpr char kUserColumns[] =
    "id, username, email, password_hash, role, is_active, must_change_password, auto_approve, "
    "preferred_language, extract(epoch FROM created_at)::float8, "
    "extract(epoch FROM last_login_at)::float8";

// An exact username match wins over an email match of another account.
const std::string kFindByLoginSql = absl::StrCat(
    "SELECT ", kUserColumns, " FROM users.users "
    "WHERE lower(username) = lower($1) OR lower(email) = lower($1) "
    "ORDER BY (lower(username) = lower($1)) DESC LIMIT 1");
const std::string kFindByIdSql =
    absl::StrCat("SELECT ", kUserColumns, " FROM users.users WHERE id = $1");
constexpr char kRecordLoginSql[] =
    "UPDATE users.users SET last_login_at = now(), "
    "password_hash = COALESCE(NULLIF($2, ''), password_hash) WHERE id = $1";
constexpr char kSetPasswordSql[] =
    "UPDATE users.users SET password_hash = $2, must_change_password = false, updated_at = now() "
    "WHERE id = $1";
constexpr char kRevokeAllTokensSql[] =
    "UPDATE users.refresh_tokens SET revoked_at = now(), revoked_reason = $2 "
    "WHERE user_id = $1 AND revoked_at IS NULL";
constexpr char kInsertTokenSql[] =
    "INSERT INTO users.refresh_tokens (user_id, family_id, token_hash, expires_at, client_addr) "
    "VALUES ($1, COALESCE(NULLIF($2, '')::uuid, gen_random_uuid()), decode($3, 'hex'), "
    "to_timestamp($4), NULLIF($5, ''))";
constexpr char kLockTokenSql[] =
    "SELECT id, user_id, family_id::text, expires_at <= to_timestamp($2), "
    "rotated_at IS NOT NULL OR revoked_at IS NOT NULL "
    "FROM users.refresh_tokens WHERE token_hash = decode($1, 'hex') FOR UPDATE";
constexpr char kMarkRotatedSql[] = "UPDATE users.refresh_tokens SET rotated_at = now() WHERE id = $1";
constexpr char kRevokeFamilySql[] =
    "UPDATE users.refresh_tokens SET revoked_at = now(), revoked_reason = 'reuse' "
    "WHERE family_id = $1::uuid AND revoked_at IS NULL";
constexpr char kRevokeTokenSql[] =
    "UPDATE users.refresh_tokens SET revoked_at = COALESCE(revoked_at, now()), "
    "revoked_reason = COALESCE(revoked_reason, 'logout') "
    "WHERE user_id = $1 AND token_hash = decode($2, 'hex')";
constexpr char kBlockedUntilSql[] =
    "SELECT extract(epoch FROM blocked_until)::float8 FROM users.login_throttle "
    "WHERE key = $1 AND blocked_until > to_timestamp($2)";
// A failure outside the window starts a new window.
constexpr char kRecordFailureSql[] = R"sql(
INSERT INTO users.login_throttle AS t (key, failures, window_start, blocked_until)
VALUES ($1, 1, to_timestamp($2), CASE WHEN 1 >= $4 THEN to_timestamp($2 + $5) END)
ON CONFLICT (key) DO UPDATE SET
  failures = CASE WHEN t.window_start < to_timestamp($2 - $3) THEN 1 ELSE t.failures + 1 END,
  window_start = CASE WHEN t.window_start < to_timestamp($2 - $3) THEN to_timestamp($2)
                      ELSE t.window_start END,
  blocked_until = CASE
    WHEN (CASE WHEN t.window_start < to_timestamp($2 - $3) THEN 1 ELSE t.failures + 1 END) >= $4
    THEN to_timestamp($2 + $5) ELSE t.blocked_until END)sql";
constexpr char kClearFailuresSql[] = "DELETE FROM users.login_throttle WHERE key = $1";

double Epoch(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

User ReadUser(const pqxx::row& row) {
  User user;
  user.id = row[0].as<int64_t>();
  user.username = row[1].as<std::string>();
  user.email = row[2].as<std::string>();
  user.password_hash = row[3].as<std::string>();
  user.role = row[4].as<std::string>();
  user.is_active = row[5].as<bool>();
  user.must_change_password = row[6].as<bool>();
  user.auto_approve = row[7].as<bool>();
  user.preferred_language = row[8].as<std::string>();
  user.created_at = absl::FromUnixMicros(static_cast<int64_t>(row[9].as<double>() * 1e6));
  if (!row[10].is_null()) {
    user.last_login_at = absl::FromUnixMicros(static_cast<int64_t>(row[10].as<double>() * 1e6));
  }
  return user;
}

}  // namespace

absl::StatusOr<User> PgUserStore::FindByLogin(const std::string& login) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("finding user", [&]() -> absl::StatusOr<User> {
    pqxx::read_transaction tx(**conn);
    pqxx::result rows = tx.exec_params(kFindByLoginSql, login);
    if (rows.empty()) return absl::NotFoundError("no such user");
    return ReadUser(rows[0]);
  });
}

absl::StatusOr<User> PgUserStore::FindById(int64_t id) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("finding user", [&]() -> absl::StatusOr<User> {
    pqxx::read_transaction tx(**conn);
    pqxx::result rows = tx.exec_params(kFindByIdSql, id);
    if (rows.empty()) return absl::NotFoundError(absl::StrCat("user ", id, " does not exist"));
    return ReadUser(rows[0]);
  });
}

absl::Status PgUserStore::RecordLogin(int64_t user_id, const std::string& new_hash) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("recording login", [&] {
    pqxx::work tx(**conn);
    tx.exec_params(kRecordLoginSql, user_id, new_hash);
    tx.commit();
  });
}

absl::Status PgUserStore::ChangePassword(int64_t user_id, const std::string& new_hash) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("changing password", [&]() -> absl::Status {
    pqxx::work tx(**conn);
    if (tx.exec_params(kSetPasswordSql, user_id, new_hash).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("user ", user_id, " does not exist"));
    }
    tx.exec_params(kRevokeAllTokensSql, user_id, std::string("password_changed"));
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgUserStore::InsertRefreshToken(int64_t user_id, const std::string& family_id,
                                             const std::string& token_hash, absl::Time expires_at,
                                             const std::string& client_addr) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("storing refresh token", [&] {
    pqxx::work tx(**conn);
    tx.exec_params(kInsertTokenSql, user_id, family_id, token_hash, Epoch(expires_at),
                   client_addr);
    tx.commit();
  });
}

absl::StatusOr<RotationOutcome> PgUserStore::RotateRefreshToken(
    const std::string& old_hash, const std::string& new_hash, absl::Time now,
    absl::Time expires_at, const std::string& client_addr, int64_t* user_id) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("rotating refresh token", [&]() -> absl::StatusOr<RotationOutcome> {
    pqxx::work tx(**conn);
    pqxx::result rows = tx.exec_params(kLockTokenSql, old_hash, Epoch(now));
    if (rows.empty()) return RotationOutcome::kUnknown;
    const pqxx::row& token = rows[0];
    std::string family = token[2].as<std::string>();
    if (token[4].as<bool>()) {
      // A spent token came back: someone kept a copy. End every session of
      // that login; the rightful owner logs in again.
      tx.exec_params(kRevokeFamilySql, family);
      tx.commit();
      return RotationOutcome::kReused;
    }
    if (token[3].as<bool>()) return RotationOutcome::kExpired;
    tx.exec_params(kMarkRotatedSql, token[0].as<int64_t>());
    *user_id = token[1].as<int64_t>();
    tx.exec_params(kInsertTokenSql, *user_id, family, new_hash, Epoch(expires_at), client_addr);
    tx.commit();
    return RotationOutcome::kRotated;
  });
}

absl::Status PgUserStore::RevokeRefreshToken(int64_t user_id, const std::string& token_hash) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("revoking refresh token", [&]() -> absl::Status {
    pqxx::work tx(**conn);
    if (tx.exec_params(kRevokeTokenSql, user_id, token_hash).affected_rows() == 0) {
      return absl::NotFoundError("unknown refresh token");
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<absl::Time>> PgUserStore::BlockedUntil(
    const std::vector<std::string>& keys, absl::Time now) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus(
      "reading login throttle", [&]() -> absl::StatusOr<std::optional<absl::Time>> {
        pqxx::read_transaction tx(**conn);
        std::optional<absl::Time> until;
        for (const std::string& key : keys) {
          pqxx::result rows = tx.exec_params(kBlockedUntilSql, key, Epoch(now));
          if (rows.empty()) continue;
          absl::Time t = absl::FromUnixMicros(static_cast<int64_t>(rows[0][0].as<double>() * 1e6));
          if (!until || t > *until) until = t;
        }
        return until;
      });
}

absl::Status PgUserStore::RecordFailure(const std::vector<std::string>& keys, absl::Time now,
                                        const ThrottlePolicy& policy) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("recording failed login", [&] {
    pqxx::work tx(**conn);
    for (const std::string& key : keys) {
      tx.exec_params(kRecordFailureSql, key, Epoch(now), absl::ToDoubleSeconds(policy.window),
                     policy.max_failures, absl::ToDoubleSeconds(policy.block));
    }
    tx.commit();
  });
}

absl::Status PgUserStore::ClearFailures(const std::string& key) {
  absl::StatusOr<db::ConnectionPool::Lease> conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return db::RunWithStatus("clearing login throttle", [&] {
    pqxx::work tx(**conn);
    tx.exec_params(kClearFailuresSql, key);
    tx.commit();
  });
}

}  // namespace kiosk::users
