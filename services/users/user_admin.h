// Account management of kiosk-users: what admins do to users, and what a
// user does to his own profile. No gRPC here; every call states who calls.
#ifndef KIOSK_SERVICES_USERS_USER_ADMIN_H_
#define KIOSK_SERVICES_USERS_USER_ADMIN_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/caller.h"
#include "common/auth/password_hasher.h"
#include "services/users/model.h"
#include "services/users/user_store.h"

namespace kiosk::users {

struct UserPage {
  std::vector<User> users;
  int total = 0;
  int next_offset = -1;  // -1 on the last page
};

class UserAdmin {
 public:
  UserAdmin(UserStore& store, const auth::PasswordHasher& hasher)
      : store_(store), hasher_(hasher) {}

  // Admins, services, or the user himself.
  absl::StatusOr<User> Get(const auth::Caller& caller, int64_t id);
  absl::StatusOr<UserPage> List(const auth::Caller& caller, const UserFilter& filter, int page_size,
                                int offset);
  // `user.password_hash` holds the initial password in clear here; it is
  // validated and hashed, and the user must change it at first login.
  // `auto_approve` unset = the setting new_users.auto_approve.
  absl::StatusOr<User> Create(const auth::Caller& caller, User user,
                              std::optional<bool> auto_approve);
  absl::StatusOr<User> Update(const auth::Caller& caller, int64_t id, const UserPatch& patch);
  absl::StatusOr<User> ResetPassword(const auth::Caller& caller, int64_t id,
                                     const std::string& new_password);
  absl::Status Delete(const auth::Caller& caller, int64_t id);
  // Own profile: email and preferred language only.
  absl::StatusOr<User> UpdateMe(const auth::Caller& caller, const std::optional<std::string>& email,
                                const std::optional<std::string>& preferred_language);

 private:
  UserStore& store_;
  const auth::PasswordHasher& hasher_;
};

absl::Status ValidateUsername(const std::string& username);
absl::Status ValidateEmail(const std::string& email);
absl::Status ValidateLanguage(const std::string& language);
absl::Status ValidatePatch(const UserPatch& patch);

}  // namespace kiosk::users

#endif  // KIOSK_SERVICES_USERS_USER_ADMIN_H_
