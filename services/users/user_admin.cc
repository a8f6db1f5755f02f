#include "services/users/user_admin.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/users/auth_logic.h"

namespace kiosk::users {
namespace {

constexpr int kMaxPageSize = 200;
constexpr int kDefaultPageSize = 50;

absl::Status ValidateQuota(const char* name, const std::optional<std::optional<int>>& value,
                           int min, int max) {
  if (!value || !value->has_value()) return absl::OkStatus();
  int v = **value;
  if (v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be from ", min, " to ", max, " (or cleared)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateUsername(const std::string& username) {
  if (username.empty() || username.size() > 150) {
    return absl::InvalidArgumentError("the username must have 1 to 150 characters");
  }
  for (char c : username) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-' && c != '@') {
      return absl::InvalidArgumentError(
          "the username may contain letters, digits and . _ - @ only");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateEmail(const std::string& email) {
  size_t at = email.find('@');
  if (email.size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email.size() ||
      email.find('@', at + 1) != std::string::npos || absl::StrContains(email, " ")) {
    return absl::InvalidArgumentError("the email address is not valid");
  }
  return absl::OkStatus();
}

absl::Status ValidateLanguage(const std::string& language) {
  if (language == "fr" || language == "en") return absl::OkStatus();
  return absl::InvalidArgumentError("the preferred language must be \"fr\" or \"en\"");
}

absl::Status ValidatePatch(const UserPatch& patch) {
  if (patch.role && *patch.role != "admin" && *patch.role != "user") {
    return absl::InvalidArgumentError("the role must be admin or user");
  }
  if (patch.preferred_language) {
    if (absl::Status s = ValidateLanguage(*patch.preferred_language); !s.ok()) return s;
  }
  if (patch.email) {
    if (absl::Status s = ValidateEmail(*patch.email); !s.ok()) return s;
  }
  for (auto [name, value, min, max] :
       {std::tuple{"movie_quota_limit", &patch.movie_quota_limit, 0, 10000},
        std::tuple{"movie_quota_days", &patch.movie_quota_days, 1, 3650},
        std::tuple{"tv_quota_limit", &patch.tv_quota_limit, 0, 10000},
        std::tuple{"tv_quota_days", &patch.tv_quota_days, 1, 3650}}) {
    if (absl::Status s = ValidateQuota(name, *value, min, max); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::StatusOr<User> UserAdmin::Get(const auth::Caller& caller, int64_t id) {
  // Services read users too (kiosk-media: role, auto-approve, language, quotas).
  if (!caller.is_admin() && !caller.is_service() && caller.user_id != id) {
    return absl::PermissionDeniedError("only admins can read other users");
  }
  return store_.FindById(id);
}

absl::StatusOr<UserPage> UserAdmin::List(const auth::Caller& caller, const UserFilter& filter,
                                         int page_size, int offset) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (page_size < 0 || page_size > kMaxPageSize || offset < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be from 1 to ", kMaxPageSize, " and the page token valid"));
  }
  if (page_size == 0) page_size = kDefaultPageSize;
  absl::StatusOr<std::pair<std::vector<User>, int>> rows =
      store_.ListUsers(filter, page_size, offset);
  if (!rows.ok()) return rows.status();
  UserPage page;
  page.users = std::move(rows->first);
  page.total = rows->second;
  int end = offset + static_cast<int>(page.users.size());
  if (end < page.total && !page.users.empty()) page.next_offset = end;
  return page;
}

absl::StatusOr<User> UserAdmin::Create(const auth::Caller& caller, User user,
                                       std::optional<bool> auto_approve) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (!auto_approve) {
    // The default permission of new users, from the system settings.
    absl::StatusOr<std::vector<StoredSetting>> settings = store_.ListSettings();
    if (!settings.ok()) return settings.status();
    auto_approve = false;
    for (const StoredSetting& setting : *settings) {
      if (setting.key == "new_users.auto_approve") auto_approve = setting.json == "true";
    }
  }
  user.auto_approve = *auto_approve;
  if (user.role.empty()) user.role = "user";
  if (user.preferred_language.empty()) user.preferred_language = "fr";
  UserPatch checks;
  checks.role = user.role;
  checks.preferred_language = user.preferred_language;
  checks.email = user.email;
  checks.movie_quota_limit = user.movie_quota_limit;
  checks.movie_quota_days = user.movie_quota_days;
  checks.tv_quota_limit = user.tv_quota_limit;
  checks.tv_quota_days = user.tv_quota_days;
  for (const absl::Status& s : {ValidateUsername(user.username), ValidatePatch(checks),
                                ValidateNewPassword(user.username, user.password_hash)}) {
    if (!s.ok()) return s;
  }
  absl::StatusOr<std::string> hash = hasher_.Hash(user.password_hash);
  if (!hash.ok()) return hash.status();
  user.password_hash = *hash;
  user.must_change_password = true;  // the admin knows this password
  user.is_active = true;
  return store_.CreateUser(user);
}

absl::StatusOr<User> UserAdmin::Update(const auth::Caller& caller, int64_t id,
                                       const UserPatch& patch) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (absl::Status s = ValidatePatch(patch); !s.ok()) return s;
  return store_.UpdateUser(id, patch);
}

absl::StatusOr<User> UserAdmin::ResetPassword(const auth::Caller& caller, int64_t id,
                                              const std::string& new_password) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  absl::StatusOr<User> user = store_.FindById(id);
  if (!user.ok()) return user.status();
  if (absl::Status s = ValidateNewPassword(user->username, new_password); !s.ok()) return s;
  absl::StatusOr<std::string> hash = hasher_.Hash(new_password);
  if (!hash.ok()) return hash.status();
  if (absl::Status s = store_.SetPassword(id, *hash, /*must_change_password=*/true); !s.ok()) {
    return s;
  }
  user->must_change_password = true;
  user->password_hash = *hash;
  return user;
}

absl::Status UserAdmin::Delete(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  return store_.DeleteUser(id);
}

absl::StatusOr<User> UserAdmin::UpdateMe(const auth::Caller& caller,
                                         const std::optional<std::string>& email,
                                         const std::optional<std::string>& preferred_language) {
  UserPatch patch;
  patch.email = email;
  patch.preferred_language = preferred_language;
  if (absl::Status s = ValidatePatch(patch); !s.ok()) return s;
  return store_.UpdateUser(caller.user_id, patch);
}

}  // namespace kiosk::users
