#include "services/users/pg_webhook_store.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "common/db/with_connection.h"

namespace kiosk::users {
namespace {

// events travel as JSON arrays both ways (libpqxx 6 has no text[] binding).
constexpr char kWebhookColumns[] =
    "id, name, url, secret, array_to_json(events)::text, enabled, "
    "extract(epoch FROM created_at)::float8, extract(epoch FROM updated_at)::float8";
const std::string kInsertWebhookSql = absl::StrCat(
    "INSERT INTO users.webhooks (name, url, secret, events, enabled) "
    "VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5) RETURNING ",
    kWebhookColumns);
const std::string kListWebhooksSql = absl::StrCat(
    "SELECT ", kWebhookColumns, " FROM users.webhooks WHERE (NOT $1 OR enabled) ORDER BY id");
const std::string kFindWebhookSql =
    absl::StrCat("SELECT ", kWebhookColumns, " FROM users.webhooks WHERE id = $1");
const std::string kUpdateWebhookSql = absl::StrCat(
    "UPDATE users.webhooks SET name = COALESCE($2, name), url = COALESCE($3, url), "
    "secret = COALESCE($4, secret), "
    "events = CASE WHEN $5::jsonb IS NULL THEN events "
    "ELSE ARRAY(SELECT jsonb_array_elements_text($5::jsonb)) END, "
    "enabled = COALESCE($6, enabled), updated_at = now() WHERE id = $1 RETURNING ",
    kWebhookColumns);
constexpr char kDeleteWebhookSql[] = "DELETE FROM users.webhooks WHERE id = $1";

absl::Time FromEpoch(const pqxx::field& field) {
  return absl::FromUnixMicros(static_cast<int64_t>(field.as<double>() * 1e6));
}

StoredWebhook ReadWebhook(const pqxx::row& row) {
  StoredWebhook hook;
  hook.id = row[0].as<int64_t>();
  hook.name = row[1].as<std::string>();
  hook.url = row[2].as<std::string>();
  hook.secret = row[3].as<std::string>();
  nlohmann::json events =
      nlohmann::json::parse(row[4].as<std::string>(), nullptr, /*allow_exceptions=*/false);
  if (events.is_array()) {
    for (const nlohmann::json& event : events) {
      if (event.is_string()) hook.events.push_back(event.get<std::string>());
    }
  }
  hook.enabled = row[5].as<bool>();
  hook.created_at = FromEpoch(row[6]);
  hook.updated_at = FromEpoch(row[7]);
  return hook;
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("webhook ", id, " does not exist"));
}

template <typename T>
absl::StatusOr<T> NameTaken(absl::StatusOr<T> result) {
  if (absl::IsAlreadyExists(result.status())) {
    return absl::AlreadyExistsError("a webhook with this name already exists");
  }
  return result;
}

}  // namespace

webhooks::Webhook ToDirectoryWebhook(const StoredWebhook& hook) {
  return {.id = hook.id,
          .name = hook.name,
          .url = hook.url,
          .secret = hook.secret,
          .events = hook.events,
          .enabled = hook.enabled};
}

absl::StatusOr<StoredWebhook> PgWebhookStore::CreateWebhook(const StoredWebhook& hook) {
  return NameTaken(db::WithConnection(pool_, "creating webhook", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    StoredWebhook out =
        ReadWebhook(tx.exec_params1(kInsertWebhookSql, hook.name, hook.url, hook.secret,
                                    nlohmann::json(hook.events).dump(), hook.enabled));
    tx.commit();
    return out;
  }));
}

absl::StatusOr<std::vector<StoredWebhook>> PgWebhookStore::ListWebhooks(bool enabled_only) {
  return db::WithConnection(pool_, "listing webhooks", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<StoredWebhook> hooks;
    for (const pqxx::row& row : tx.exec_params(kListWebhooksSql, enabled_only)) {
      hooks.push_back(ReadWebhook(row));
    }
    return hooks;
  });
}

absl::StatusOr<StoredWebhook> PgWebhookStore::FindWebhook(int64_t id) {
  return db::WithConnection(pool_, "finding webhook",
                            [&](pqxx::connection& conn) -> absl::StatusOr<StoredWebhook> {
                              pqxx::read_transaction tx(conn);
                              pqxx::result rows = tx.exec_params(kFindWebhookSql, id);
                              if (rows.empty()) return NotFound(id);
                              return ReadWebhook(rows[0]);
                            });
}

absl::StatusOr<StoredWebhook> PgWebhookStore::UpdateWebhook(int64_t id, const WebhookPatch& patch) {
  std::optional<std::string> events;
  if (patch.events) events = nlohmann::json(*patch.events).dump();
  return NameTaken(db::WithConnection(
      pool_, "updating webhook", [&](pqxx::connection& conn) -> absl::StatusOr<StoredWebhook> {
        pqxx::work tx(conn);
        pqxx::result rows = tx.exec_params(kUpdateWebhookSql, id, patch.name, patch.url,
                                           patch.secret, events, patch.enabled);
        if (rows.empty()) return NotFound(id);
        StoredWebhook out = ReadWebhook(rows[0]);
        tx.commit();
        return out;
      }));
}

absl::Status PgWebhookStore::DeleteWebhook(int64_t id) {
  return db::WithConnection(pool_, "deleting webhook", [&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    if (tx.exec_params(kDeleteWebhookSql, id).affected_rows() == 0) return NotFound(id);
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<webhooks::Webhook>> PgWebhookStore::Enabled() {
  absl::StatusOr<std::vector<StoredWebhook>> hooks = ListWebhooks(/*enabled_only=*/true);
  if (!hooks.ok()) return hooks.status();
  std::vector<webhooks::Webhook> out;
  for (const StoredWebhook& hook : *hooks) out.push_back(ToDirectoryWebhook(hook));
  return out;
}

absl::StatusOr<std::optional<webhooks::Webhook>> PgWebhookStore::Find(int64_t id) {
  absl::StatusOr<StoredWebhook> hook = FindWebhook(id);
  if (absl::IsNotFound(hook.status())) return std::optional<webhooks::Webhook>();
  if (!hook.ok()) return hook.status();
  return std::optional<webhooks::Webhook>(ToDirectoryWebhook(*hook));
}

}  // namespace kiosk::users
