#include "services/users/quota.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/users/settings_schema.h"

namespace kiosk::users {
namespace {

// The setting's stored value, else its default, checked against its rules.
absl::StatusOr<int> IntegerSetting(const std::vector<StoredSetting>& stored,
                                   const std::string& key) {
  const SettingDef* def = FindSetting(key);
  if (def == nullptr) return absl::InternalError(absl::StrCat("no setting ", key));
  nlohmann::json value = def->default_value;
  for (const StoredSetting& row : stored) {
    if (row.key == key) value = nlohmann::json::parse(row.json, nullptr, false);
  }
  absl::StatusOr<nlohmann::json> valid = ValidateSetting(*def, value);
  if (!valid.ok() || !valid->is_number_integer()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the system setting ", key, " holds ", value.dump(),
                     ", not a valid value; an admin must fix it with UpdateSettings"));
  }
  return valid->get<int>();
}

// The user's own value, else the setting.
absl::StatusOr<int> Resolve(const std::optional<int>& own, const std::vector<StoredSetting>& stored,
                            const std::string& key) {
  if (own) return *own;
  return IntegerSetting(stored, key);
}

// The window of `days` days ending at `now`, at PostgreSQL's precision so
// the start reported is the start counted.
QuotaWindow Window(int limit, int days, absl::Time now) {
  QuotaWindow window;
  window.limit = limit;
  window.window_days = days;
  window.window_start = absl::FromUnixMicros(absl::ToUnixMicros(now - absl::Hours(24) * days));
  return window;
}

void SetUsed(int used, QuotaWindow* window) {
  window->used = used;
  window->remaining = window->unlimited() ? -1 : std::max(0, window->limit - used);
}

}  // namespace

absl::StatusOr<UserQuota> Quotas::Get(const auth::Caller& caller, int64_t user_id,
                                      const std::string& request_id) {
  if (user_id == 0) {
    if (caller.is_service()) {
      return absl::InvalidArgumentError("a service must name the user (user_id)");
    }
    user_id = caller.user_id;
  }
  if (!caller.is_admin() && !caller.is_service() && caller.user_id != user_id) {
    return absl::PermissionDeniedError("only admins can read the quota of other users");
  }
  absl::StatusOr<User> user = store_.FindById(user_id);
  if (!user.ok()) return user.status();
  absl::StatusOr<std::vector<StoredSetting>> stored = store_.ListSettings();
  if (!stored.ok()) return stored.status();

  absl::StatusOr<int> movie_limit = Resolve(user->movie_quota_limit, *stored, "quota.movie_limit");
  if (!movie_limit.ok()) return movie_limit.status();
  absl::StatusOr<int> movie_days = Resolve(user->movie_quota_days, *stored, "quota.movie_days");
  if (!movie_days.ok()) return movie_days.status();
  absl::StatusOr<int> tv_limit = Resolve(user->tv_quota_limit, *stored, "quota.tv_limit");
  if (!tv_limit.ok()) return tv_limit.status();
  absl::StatusOr<int> tv_days = Resolve(user->tv_quota_days, *stored, "quota.tv_days");
  if (!tv_days.ok()) return tv_days.status();

  const absl::Time now = clock_();
  UserQuota quota;
  quota.user_id = user_id;
  quota.movie = Window(*movie_limit, *movie_days, now);
  quota.tv = Window(*tv_limit, *tv_days, now);
  absl::StatusOr<RequestCounts> counts = counter_.CountUserRequests(
      user_id, quota.movie.window_start, quota.tv.window_start, request_id);
  if (!counts.ok()) return counts.status();
  SetUsed(counts->movie, &quota.movie);
  SetUsed(counts->tv, &quota.tv);
  return quota;
}

}  // namespace kiosk::users
