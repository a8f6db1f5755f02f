#include "common/webhooks/delivery.h"

#include <memory>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/webhooks/events.h"
#include "common/webhooks/outbox.h"
#include "common/webhooks/signature.h"

namespace kiosk::webhooks {
namespace {

constexpr size_t kMaxErrorBodyBytes = 120;

// The delivery job's payload: everything the body needs but its id (the
// delivery job's own id, known once it is enqueued).
nlohmann::json DeliveryPayload(int64_t webhook_id, absl::string_view event,
                               const std::string& event_id, const std::string& occurred_at,
                               const nlohmann::json& data) {
  return {{"webhook_id", webhook_id},
          {"event", std::string(event)},
          {"event_id", event_id},
          {"occurred_at", occurred_at},
          {"data", data}};
}

absl::StatusOr<nlohmann::json> ParsePayload(const jobs::Job& job) {
  nlohmann::json payload = nlohmann::json::parse(job.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || !payload.contains("event") || !payload["event"].is_string() ||
      !payload.contains("data") || !payload["data"].is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat(job.kind, " job ", job.id, ": the payload needs \"event\" and \"data\""));
  }
  return payload;
}

std::string StringField(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The start of a receiver's answer, printable, for last_error.
std::string Excerpt(const std::string& body) {
  std::string out;
  for (char c : body) {
    if (out.size() >= kMaxErrorBodyBytes) {
      out += "...";
      break;
    }
    out += absl::ascii_isprint(static_cast<unsigned char>(c)) ? c : ' ';
  }
  return std::string(absl::StripAsciiWhitespace(out));
}

// Directory errors are retried, never fatal to the job.
absl::Status DirectoryError(const absl::Status& status) {
  return absl::UnavailableError(absl::StrCat("cannot read the webhooks: ", status.message()));
}

}  // namespace

absl::StatusOr<int64_t> EnqueueDelivery(jobs::JobQueue& queue, int64_t webhook_id,
                                        absl::string_view event, const nlohmann::json& data,
                                        const DeliveryOptions& options) {
  if (!IsKnownEvent(event)) {
    return absl::InvalidArgumentError(absl::StrCat("unknown event \"", event, "\""));
  }
  const nlohmann::json payload =
      DeliveryPayload(webhook_id, event, NewEventId(), FormatRfc3339(absl::Now()), data);
  jobs::EnqueueOptions enqueue;
  enqueue.max_attempts = options.max_attempts;
  absl::StatusOr<std::optional<int64_t>> id = queue.Enqueue(kDeliverKind, payload.dump(), enqueue);
  if (!id.ok()) return id.status();
  if (!*id) return absl::InternalError("the delivery job was not enqueued");
  return **id;
}

WebhookDelivery::WebhookDelivery(jobs::JobQueue& queue, WebhookDirectory& directory,
                                 http::HttpClient& client, DeliveryOptions options)
    : queue_(queue), directory_(directory), client_(client), options_(options) {}

absl::Status WebhookDelivery::Dispatch(const jobs::Job& job) {
  absl::StatusOr<nlohmann::json> payload = ParsePayload(job);
  if (!payload.ok()) return payload.status();
  const std::string event = (*payload)["event"].get<std::string>();
  std::string event_id = StringField(*payload, "event_id");
  if (event_id.empty()) event_id = absl::StrCat("dispatch-", job.id);
  std::string occurred_at = StringField(*payload, "occurred_at");
  if (occurred_at.empty()) occurred_at = FormatRfc3339(job.created_at);

  absl::StatusOr<std::vector<Webhook>> hooks = directory_.Enabled();
  if (!hooks.ok()) return DirectoryError(hooks.status());
  int deliveries = 0;
  for (const Webhook& hook : *hooks) {
    if (!hook.enabled || !FilterMatches(hook.events, event)) continue;
    const nlohmann::json delivery =
        DeliveryPayload(hook.id, event, event_id, occurred_at, (*payload)["data"]);
    // A re-run of this dispatch (its worker died) finds the deliveries it
    // already enqueued still pending and adds no second one.
    jobs::EnqueueOptions enqueue;
    enqueue.max_attempts = options_.max_attempts;
    enqueue.dedupe_key = absl::StrCat("deliver:", job.id, ":", hook.id);
    absl::StatusOr<std::optional<int64_t>> id =
        queue_.Enqueue(kDeliverKind, delivery.dump(), enqueue);
    if (!id.ok()) return id.status();
    ++deliveries;
  }
  log::Info("webhook_dispatched")
      .With("event", event)
      .With("event_id", event_id)
      .With("job", job.id)
      .With("deliveries", deliveries);
  return absl::OkStatus();
}

absl::Status WebhookDelivery::Deliver(const jobs::Job& job) {
  absl::StatusOr<nlohmann::json> payload = ParsePayload(job);
  if (!payload.ok()) return payload.status();
  auto webhook_id = payload->find("webhook_id");
  if (webhook_id == payload->end() || !webhook_id->is_number_integer()) {
    return absl::InvalidArgumentError(
        absl::StrCat(job.kind, " job ", job.id, ": the payload needs \"webhook_id\""));
  }
  const int64_t id = webhook_id->get<int64_t>();
  const std::string event = (*payload)["event"].get<std::string>();

  absl::StatusOr<std::optional<Webhook>> found = directory_.Find(id);
  if (!found.ok()) return DirectoryError(found.status());
  if (!found->has_value() || !(*found)->enabled) {
    log::Info("webhook_delivery_skipped")
        .With("webhook", id)
        .With("event", event)
        .With("delivery", job.id)
        .With("reason", found->has_value() ? "disabled" : "deleted");
    return absl::OkStatus();
  }
  const Webhook& hook = **found;

  // Built the same way for every attempt (nlohmann sorts the keys), so a
  // retry carries the same body.
  const std::string body = nlohmann::json{
      {"id", job.id},
      {"event", event},
      {"event_id", StringField(*payload, "event_id")},
      {"occurred_at", StringField(*payload, "occurred_at")},
      {"data",
       (*payload)["data"]}}.dump();
  const int64_t timestamp = absl::ToUnixSeconds(absl::Now());
  http::HttpRequest request{
      .method = "POST",
      .url = hook.url,
      .headers = {{"Content-Type", "application/json"},
                  {kEventHeader, event},
                  {kDeliveryHeader, absl::StrCat(job.id)},
                  {kTimestampHeader, absl::StrCat(timestamp)},
                  {kSignatureHeader, SignatureHeaderValue(hook.secret, timestamp, body)}},
      .body = body,
      .timeout = options_.timeout,
      .connect_timeout = options_.connect_timeout};
  const std::string where =
      absl::StrCat("webhook \"", hook.name, "\" (", http::RedactUrl(hook.url), ")");
  const absl::Time start = absl::Now();
  absl::StatusOr<http::HttpResponse> response = client_.Send(request);
  const double took_ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  if (!response.ok()) {
    // UNAVAILABLE / DEADLINE_EXCEEDED are retried; the message already has
    // the redacted URL.
    return absl::Status(response.status().code(),
                        absl::StrCat("delivery to webhook \"", hook.name,
                                     "\" failed: ", response.status().message()));
  }
  if (response->status >= 200 && response->status < 300) {
    log::Info("webhook_delivered")
        .With("webhook", hook.id)
        .With("event", event)
        .With("delivery", job.id)
        .With("attempt", job.attempts)
        .With("http_status", response->status)
        .With("url", http::RedactUrl(hook.url))
        .With("duration_ms", took_ms);
    return absl::OkStatus();
  }
  std::string answer = Excerpt(response->body);
  if (!answer.empty()) answer = absl::StrCat(": ", answer);
  if (response->status == 410) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " answered HTTP 410 Gone: the receiver wants no more deliveries; not retried",
        answer));
  }
  return absl::UnavailableError(absl::StrCat(where, " answered HTTP ", response->status, answer));
}

void RegisterWebhookJobs(jobs::JobRuntime& jobs, WebhookDirectory& directory,
                         http::HttpClient& client, DeliveryOptions options) {
  auto delivery = std::make_shared<WebhookDelivery>(jobs.queue(), directory, client, options);
  jobs.Register(kDispatchKind,
                [delivery](const jobs::Job& job) { return delivery->Dispatch(job); });
  jobs.Register(kDeliverKind, [delivery](const jobs::Job& job) { return delivery->Deliver(job); },
                {.concurrency = options.concurrency});
}

}  // namespace kiosk::webhooks
