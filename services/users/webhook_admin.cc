#include "services/users/webhook_admin.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/crypto.h"
#include "common/http/url.h"
#include "common/webhooks/delivery.h"
#include "common/webhooks/events.h"

namespace kiosk::users {
namespace {

constexpr size_t kMaxNameLength = 100;
constexpr size_t kMaxUrlLength = 2048;
constexpr size_t kMinSecretLength = 16;
constexpr size_t kMaxSecretLength = 512;
constexpr size_t kGeneratedSecretBytes = 32;

}  // namespace

absl::Status ValidateWebhookName(const std::string& name) {
  if (name.empty() || name.size() > kMaxNameLength ||
      absl::StripAsciiWhitespace(name).size() != name.size()) {
    return absl::InvalidArgumentError(
        "name: 1 to 100 characters, without leading or trailing spaces");
  }
  return absl::OkStatus();
}

absl::Status ValidateWebhookUrl(const std::string& url) {
  if (url.size() > kMaxUrlLength) {
    return absl::InvalidArgumentError("url: at most 2048 characters");
  }
  absl::StatusOr<http::UrlParts> parts = http::ParseUrl(url);
  if (!parts.ok() || parts->host.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("url: expected an http:// or https:// URL with a host, got \"",
                     http::RedactUrl(url), "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateWebhookSecret(const std::string& secret) {
  if (secret.size() < kMinSecretLength || secret.size() > kMaxSecretLength) {
    return absl::InvalidArgumentError(
        "secret: 16 to 512 characters (or none at creation, and one is generated)");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NormalizeEventFilter(
    const std::vector<std::string>& events) {
  std::vector<std::string> out;
  for (const std::string& event : events) {
    if (!webhooks::IsValidEventFilter(event)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "events: unknown event \"", absl::CEscape(event), "\"; known events are ",
          absl::StrJoin(webhooks::KnownEvents(), ", "), ", or a group such as request.*"));
    }
    if (std::find(out.begin(), out.end(), event) == out.end()) out.push_back(event);
  }
  return out;
}

absl::StatusOr<StoredWebhook> WebhookAdmin::Create(const auth::Caller& caller, StoredWebhook hook) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (hook.secret.empty()) hook.secret = absl::BytesToHexString(RandomBytes(kGeneratedSecretBytes));
  for (const absl::Status& s : {ValidateWebhookName(hook.name), ValidateWebhookUrl(hook.url),
                                ValidateWebhookSecret(hook.secret)}) {
    if (!s.ok()) return s;
  }
  absl::StatusOr<std::vector<std::string>> events = NormalizeEventFilter(hook.events);
  if (!events.ok()) return events.status();
  hook.events = *std::move(events);
  return store_.CreateWebhook(hook);
}

absl::StatusOr<std::vector<StoredWebhook>> WebhookAdmin::List(const auth::Caller& caller) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  return store_.ListWebhooks(/*enabled_only=*/false);
}

absl::StatusOr<StoredWebhook> WebhookAdmin::Update(const auth::Caller& caller, int64_t id,
                                                   WebhookPatch patch) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  if (patch.name) {
    if (absl::Status s = ValidateWebhookName(*patch.name); !s.ok()) return s;
  }
  if (patch.url) {
    if (absl::Status s = ValidateWebhookUrl(*patch.url); !s.ok()) return s;
  }
  if (patch.secret) {
    if (absl::Status s = ValidateWebhookSecret(*patch.secret); !s.ok()) return s;
  }
  if (patch.events) {
    absl::StatusOr<std::vector<std::string>> events = NormalizeEventFilter(*patch.events);
    if (!events.ok()) return events.status();
    patch.events = *std::move(events);
  }
  return store_.UpdateWebhook(id, patch);
}

absl::Status WebhookAdmin::Delete(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  return store_.DeleteWebhook(id);
}

absl::StatusOr<int64_t> WebhookAdmin::Test(const auth::Caller& caller, int64_t id) {
  if (absl::Status s = auth::RequireAdmin(caller); !s.ok()) return s;
  absl::StatusOr<StoredWebhook> hook = store_.FindWebhook(id);
  if (!hook.ok()) return hook.status();
  if (!hook->enabled) {
    return absl::FailedPreconditionError(
        absl::StrCat("webhook ", id, " is disabled: enable it first (UpdateWebhook)"));
  }
  return webhooks::EnqueueDelivery(queue_, id, webhooks::kWebhookTest,
                                   {{"webhook_id", id},
                                    {"name", hook->name},
                                    {"message", "This is a test notification from plex-kiosk."}});
}

absl::StatusOr<std::vector<StoredWebhook>> WebhookAdmin::Targets(const auth::Caller& caller) {
  if (absl::Status s = auth::RequireService(caller); !s.ok()) return s;
  return store_.ListWebhooks(/*enabled_only=*/true);
}

}  // namespace kiosk::users
