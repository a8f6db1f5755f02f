#include "services/users/pg_user_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/pg_errors.h"
#include "common/db/with_connection.h"
#include "common/webhooks/events.h"
#include "common/webhooks/outbox.h"

namespace kiosk::users {
namespace {

constexpr char kUserColumns[] =
    "id, username, email, password_hash, role, is_active, must_change_password, auto_approve, "
    "preferred_language, extract(epoch FROM created_at)::float8, "
    "extract(epoch FROM last_login_at)::float8, movie_quota_limit, movie_quota_days, "
    "tv_quota_limit, tv_quota_days";

// An exact username match wins over an email match of another account.
const std::string kFindByLoginSql =
    absl::StrCat("SELECT ", kUserColumns,
                 " FROM users.users "
                 "WHERE lower(username) = lower($1) OR lower(email) = lower($1) "
                 "ORDER BY (lower(username) = lower($1)) DESC LIMIT 1");
const std::string kFindByIdSql =
    absl::StrCat("SELECT ", kUserColumns, " FROM users.users WHERE id = $1");
constexpr char kRecordLoginSql[] =
    "UPDATE users.users SET last_login_at = now(), "
    "password_hash = COALESCE(NULLIF($2, ''), password_hash) WHERE id = $1";
constexpr char kSetPasswordSql[] =
    "UPDATE users.users SET password_hash = $2, must_change_password = $3, updated_at = now() "
    "WHERE id = $1";
const std::string kInsertUserSql = absl::StrCat(
    "INSERT INTO users.users (username, email, password_hash, role, must_change_password, "
    "auto_approve, preferred_language, movie_quota_limit, movie_quota_days, tv_quota_limit, "
    "tv_quota_days) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ",
    kUserColumns);
constexpr char kUserFilter[] =
    " FROM users.users WHERE ($1 = '' OR role = $1) AND ($2::boolean IS NULL OR is_active = $2) "
    "AND ($3 = '' OR strpos(lower(username), lower($3)) > 0 OR strpos(lower(email), lower($3)) > "
    "0)";
const std::string kListUsersSql = absl::StrCat(
    "SELECT ", kUserColumns, kUserFilter, " ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5");
const std::string kCountUsersSql = absl::StrCat("SELECT count(*)", kUserFilter);
// Every active admin, locked in id order (the same order everywhere, so two
// admins demoting each other cannot deadlock): the last-admin rule is then
// checked against a list nobody else can change meanwhile.
constexpr char kLockAdminsSql[] =
    "SELECT id FROM users.users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE";
constexpr char kLockUserSql[] =
    "SELECT role = 'admin' AND is_active FROM users.users WHERE id = $1 FOR UPDATE";
// $n_set flags tell "leave as is" from "set to NULL" for the quotas.
const std::string kUpdateUserSql = absl::StrCat(
    "UPDATE users.users SET role = COALESCE($2, role), is_active = COALESCE($3, is_active), "
    "auto_approve = COALESCE($4, auto_approve), "
    "preferred_language = COALESCE($5, preferred_language), email = COALESCE($6, email), "
    "movie_quota_limit = CASE WHEN $7 THEN $8 ELSE movie_quota_limit END, "
    "movie_quota_days = CASE WHEN $9 THEN $10 ELSE movie_quota_days END, "
    "tv_quota_limit = CASE WHEN $11 THEN $12 ELSE tv_quota_limit END, "
    "tv_quota_days = CASE WHEN $13 THEN $14 ELSE tv_quota_days END, updated_at = now() "
    "WHERE id = $1 RETURNING ",
    kUserColumns);
constexpr char kDeleteUserSql[] = "DELETE FROM users.users WHERE id = $1";
constexpr char kListSettingsSql[] =
    "SELECT key, value::text, extract(epoch FROM updated_at)::float8 FROM users.system_settings "
    "ORDER BY key";
constexpr char kUpsertSettingSql[] =
    "INSERT INTO users.system_settings (key, value, is_secret, updated_at, updated_by) "
    "VALUES ($1, $2::jsonb, $3, now(), $4) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, "
    "is_secret = EXCLUDED.is_secret, updated_at = now(), updated_by = EXCLUDED.updated_by";
constexpr char kDeleteSettingSql[] = "DELETE FROM users.system_settings WHERE key = $1";
constexpr char kApiKeyColumns[] =
    "id, user_id, name, prefix, extract(epoch FROM created_at)::float8, "
    "extract(epoch FROM last_used_at)::float8";
const std::string kInsertApiKeySql = absl::StrCat(
    "INSERT INTO users.api_keys (user_id, name, prefix, key_hash) "
    "VALUES ($1, $2, $3, decode($4, 'hex')) RETURNING ",
    kApiKeyColumns);
const std::string kListApiKeysSql =
    absl::StrCat("SELECT ", kApiKeyColumns,
                 " FROM users.api_keys WHERE user_id = $1 AND revoked_at IS NULL "
                 "ORDER BY created_at, id");
constexpr char kRevokeApiKeySql[] =
    "UPDATE users.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL "
    "AND ($2::bigint IS NULL OR user_id = $2)";
// Records the use at most once a minute: no write per call under load.
constexpr char kUseApiKeySql[] =
    "UPDATE users.api_keys SET last_used_at = now() WHERE key_hash = decode($1, 'hex') "
    "AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < now() - interval '1 "
    "minute') "
    "RETURNING id";
constexpr char kFindApiKeySql[] =
    "SELECT id, user_id FROM users.api_keys WHERE key_hash = decode($1, 'hex') AND revoked_at IS "
    "NULL";
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
constexpr char kMarkRotatedSql[] =
    "UPDATE users.refresh_tokens SET rotated_at = now() WHERE id = $1";
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
  auto optional_int = [&](int i) {
    return row[i].is_null() ? std::optional<int>() : std::optional<int>(row[i].as<int>());
  };
  user.movie_quota_limit = optional_int(11);
  user.movie_quota_days = optional_int(12);
  user.tv_quota_limit = optional_int(13);
  user.tv_quota_days = optional_int(14);
  return user;
}

ApiKey ReadApiKey(const pqxx::row& row) {
  ApiKey key;
  key.id = row[0].as<int64_t>();
  key.user_id = row[1].as<int64_t>();
  key.name = row[2].as<std::string>();
  key.prefix = row[3].as<std::string>();
  key.created_at = absl::FromUnixMicros(static_cast<int64_t>(row[4].as<double>() * 1e6));
  if (!row[5].is_null()) {
    key.last_used_at = absl::FromUnixMicros(static_cast<int64_t>(row[5].as<double>() * 1e6));
  }
  return key;
}

absl::Status LastAdminError() {
  return absl::FailedPreconditionError(
      "this is the last active admin: make another user admin first");
}

// Under the admin locks: would removing `id` from the active admins leave none?
bool IsLastActiveAdmin(pqxx::work& tx, int64_t id) {
  pqxx::result admins = tx.exec(kLockAdminsSql);
  for (const pqxx::row& admin : admins) {
    if (admin[0].as<int64_t>() != id) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<User> PgUserStore::FindByLogin(const std::string& login) {
  return db::WithConnection(pool_, "finding user",
                            [&](pqxx::connection& conn) -> absl::StatusOr<User> {
                              pqxx::read_transaction tx(conn);
                              pqxx::result rows = tx.exec_params(kFindByLoginSql, login);
                              if (rows.empty()) return absl::NotFoundError("no such user");
                              return ReadUser(rows[0]);
                            });
}

absl::StatusOr<User> PgUserStore::FindById(int64_t id) {
  return db::WithConnection(
      pool_, "finding user", [&](pqxx::connection& conn) -> absl::StatusOr<User> {
        pqxx::read_transaction tx(conn);
        pqxx::result rows = tx.exec_params(kFindByIdSql, id);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("user ", id, " does not exist"));
        return ReadUser(rows[0]);
      });
}

absl::Status PgUserStore::RecordLogin(int64_t user_id, const std::string& new_hash) {
  return db::WithConnection(pool_, "recording login", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kRecordLoginSql, user_id, new_hash);
    tx.commit();
  });
}

absl::Status PgUserStore::SetPassword(int64_t user_id, const std::string& new_hash,
                                      bool must_change_password) {
  return db::WithConnection(
      pool_, "changing password", [&](pqxx::connection& conn) -> absl::Status {
        pqxx::work tx(conn);
        if (tx.exec_params(kSetPasswordSql, user_id, new_hash, must_change_password)
                .affected_rows() == 0) {
          return absl::NotFoundError(absl::StrCat("user ", user_id, " does not exist"));
        }
        tx.exec_params(kRevokeAllTokensSql, user_id, std::string("password_changed"));
        tx.commit();
        return absl::OkStatus();
      });
}

absl::StatusOr<User> PgUserStore::CreateUser(const User& user) {
  absl::StatusOr<User> created = db::WithConnection(
      pool_, "creating user", [&](pqxx::connection& conn) -> absl::StatusOr<User> {
        pqxx::work tx(conn);
        User out = ReadUser(
            tx.exec_params1(kInsertUserSql, user.username, user.email, user.password_hash,
                            user.role, user.must_change_password, user.auto_approve,
                            user.preferred_language, user.movie_quota_limit, user.movie_quota_days,
                            user.tv_quota_limit, user.tv_quota_days));
        if (events_ != nullptr) {
          // The event exists if and only if the user does.
          absl::Status emitted =
              webhooks::EmitEvent(*events_, tx, webhooks::kUserCreated,
                                  {{"id", out.id}, {"username", out.username}, {"role", out.role}});
          if (!emitted.ok()) return emitted;
        }
        tx.commit();
        return out;
      });
  if (absl::IsAlreadyExists(created.status())) {
    return absl::AlreadyExistsError("a user with this username or email already exists");
  }
  return created;
}

absl::StatusOr<std::pair<std::vector<User>, int>> PgUserStore::ListUsers(const UserFilter& filter,
                                                                         int limit, int offset) {
  return db::WithConnection(pool_, "listing users", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::pair<std::vector<User>, int> page;
    for (const pqxx::row& row : tx.exec_params(kListUsersSql, filter.role, filter.is_active,
                                               filter.search, limit, offset)) {
      page.first.push_back(ReadUser(row));
    }
    page.second =
        tx.exec_params1(kCountUsersSql, filter.role, filter.is_active, filter.search)[0].as<int>();
    return page;
  });
}

absl::StatusOr<User> PgUserStore::UpdateUser(int64_t id, const UserPatch& patch) {
  absl::StatusOr<User> updated = db::WithConnection(
      pool_, "updating user", [&](pqxx::connection& conn) -> absl::StatusOr<User> {
        pqxx::work tx(conn);
        bool removes_admin =
            (patch.role && *patch.role != "admin") || (patch.is_active && !*patch.is_active);
        bool last_admin = removes_admin && IsLastActiveAdmin(tx, id);
        pqxx::result target = tx.exec_params(kLockUserSql, id);
        if (target.empty())
          return absl::NotFoundError(absl::StrCat("user ", id, " does not exist"));
        if (last_admin && target[0][0].as<bool>()) return LastAdminError();
        auto set = [](const std::optional<std::optional<int>>& field) { return field.has_value(); };
        auto value = [](const std::optional<std::optional<int>>& field) {
          return field.has_value() ? *field : std::optional<int>();
        };
        User out = ReadUser(tx.exec_params1(
            kUpdateUserSql, id, patch.role, patch.is_active, patch.auto_approve,
            patch.preferred_language, patch.email, set(patch.movie_quota_limit),
            value(patch.movie_quota_limit), set(patch.movie_quota_days),
            value(patch.movie_quota_days), set(patch.tv_quota_limit), value(patch.tv_quota_limit),
            set(patch.tv_quota_days), value(patch.tv_quota_days)));
        if (patch.is_active && !*patch.is_active) {
          tx.exec_params(kRevokeAllTokensSql, id,
                         std::string("admin"));  // a deactivated user is out
        }
        tx.commit();
        return out;
      });
  if (absl::IsAlreadyExists(updated.status())) {
    return absl::AlreadyExistsError("another user already has this email");
  }
  return updated;
}

absl::Status PgUserStore::DeleteUser(int64_t id) {
  return db::WithConnection(pool_, "deleting user", [&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    bool last_admin = IsLastActiveAdmin(tx, id);
    pqxx::result target = tx.exec_params(kLockUserSql, id);
    if (target.empty()) return absl::NotFoundError(absl::StrCat("user ", id, " does not exist"));
    if (last_admin && target[0][0].as<bool>()) return LastAdminError();
    tx.exec_params(kDeleteUserSql, id);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::Status PgUserStore::InsertRefreshToken(int64_t user_id, const std::string& family_id,
                                             const std::string& token_hash, absl::Time expires_at,
                                             const std::string& client_addr) {
  return db::WithConnection(pool_, "storing refresh token", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kInsertTokenSql, user_id, family_id, token_hash, Epoch(expires_at), client_addr);
    tx.commit();
  });
}

absl::StatusOr<RotationOutcome> PgUserStore::RotateRefreshToken(
    const std::string& old_hash, const std::string& new_hash, absl::Time now, absl::Time expires_at,
    const std::string& client_addr, int64_t* user_id) {
  return db::WithConnection(
      pool_, "rotating refresh token",
      [&](pqxx::connection& conn) -> absl::StatusOr<RotationOutcome> {
        pqxx::work tx(conn);
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
  return db::WithConnection(
      pool_, "revoking refresh token", [&](pqxx::connection& conn) -> absl::Status {
        pqxx::work tx(conn);
        if (tx.exec_params(kRevokeTokenSql, user_id, token_hash).affected_rows() == 0) {
          return absl::NotFoundError("unknown refresh token");
        }
        tx.commit();
        return absl::OkStatus();
      });
}

absl::StatusOr<ApiKey> PgUserStore::CreateApiKey(int64_t user_id, const std::string& name,
                                                 const std::string& prefix,
                                                 const std::string& key_hash) {
  absl::StatusOr<ApiKey> key =
      db::WithConnection(pool_, "creating API key", [&](pqxx::connection& conn) {
        pqxx::work tx(conn);
        ApiKey out = ReadApiKey(tx.exec_params1(kInsertApiKeySql, user_id, name, prefix, key_hash));
        tx.commit();
        return out;
      });
  if (absl::IsAlreadyExists(key.status())) {
    return absl::AlreadyExistsError("you already have a live API key with this name");
  }
  return key;
}

absl::StatusOr<std::vector<ApiKey>> PgUserStore::ListApiKeys(int64_t user_id) {
  return db::WithConnection(pool_, "listing API keys", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<ApiKey> keys;
    for (const pqxx::row& row : tx.exec_params(kListApiKeysSql, user_id)) {
      keys.push_back(ReadApiKey(row));
    }
    return keys;
  });
}

absl::Status PgUserStore::RevokeApiKey(int64_t id, std::optional<int64_t> owner) {
  return db::WithConnection(pool_, "revoking API key", [&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    if (tx.exec_params(kRevokeApiKeySql, id, owner).affected_rows() == 0) {
      return absl::NotFoundError(absl::StrCat("no live API key ", id));
    }
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::pair<User, int64_t>> PgUserStore::UseApiKey(const std::string& key_hash) {
  return db::WithConnection(
      pool_, "checking API key",
      [&](pqxx::connection& conn) -> absl::StatusOr<std::pair<User, int64_t>> {
        pqxx::work tx(conn);
        pqxx::result key = tx.exec_params(kFindApiKeySql, key_hash);
        if (key.empty()) return absl::NotFoundError("unknown or revoked API key");
        tx.exec_params(kUseApiKeySql, key_hash);
        pqxx::result user = tx.exec_params(kFindByIdSql, key[0][1].as<int64_t>());
        tx.commit();
        if (user.empty()) return absl::NotFoundError("unknown or revoked API key");
        return std::make_pair(ReadUser(user[0]), key[0][0].as<int64_t>());
      });
}

absl::StatusOr<std::vector<StoredSetting>> PgUserStore::ListSettings() {
  return db::WithConnection(pool_, "reading settings", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredSetting> settings;
    for (const pqxx::row& row : tx.exec(kListSettingsSql)) {
      settings.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                          absl::FromUnixMicros(static_cast<int64_t>(row[2].as<double>() * 1e6))});
    }
    return settings;
  });
}

absl::Status PgUserStore::WriteSettings(const std::vector<SettingWrite>& writes,
                                        int64_t updated_by) {
  return db::WithConnection(pool_, "writing settings", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    for (const SettingWrite& write : writes) {
      if (write.json) {
        tx.exec_params(kUpsertSettingSql, write.key, *write.json, write.is_secret, updated_by);
      } else {
        tx.exec_params(kDeleteSettingSql, write.key);
      }
    }
    tx.commit();
  });
}

absl::StatusOr<std::optional<absl::Time>> PgUserStore::BlockedUntil(
    const std::vector<std::string>& keys, absl::Time now) {
  return db::WithConnection(
      pool_, "reading login throttle",
      [&](pqxx::connection& conn) -> absl::StatusOr<std::optional<absl::Time>> {
        pqxx::read_transaction tx(conn);
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
  return db::WithConnection(pool_, "recording failed login", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    for (const std::string& key : keys) {
      tx.exec_params(kRecordFailureSql, key, Epoch(now), absl::ToDoubleSeconds(policy.window),
                     policy.max_failures, absl::ToDoubleSeconds(policy.block));
    }
    tx.commit();
  });
}

absl::Status PgUserStore::ClearFailures(const std::string& key) {
  return db::WithConnection(pool_, "clearing login throttle", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(kClearFailuresSql, key);
    tx.commit();
  });
}

}  // namespace kiosk::users
