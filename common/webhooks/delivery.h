// Webhook delivery: the two job kinds a service that emits events registers.
//
//   // in the service factory (common/server/service_main.h):
//   auto& http = env.owner.Own(std::make_unique<http::CurlHttpClient>());
//   webhooks::RegisterWebhookJobs(env.jobs, directory, http);
//
// "webhook.dispatch" (one per event, see outbox.h) reads the enabled webhooks
// whose filter matches the event and enqueues one "webhook.deliver" job per
// webhook, dedupe key "deliver:<dispatch job id>:<webhook id>".
//
// "webhook.deliver" POSTs the event to the webhook's URL:
//   Content-Type: application/json
//   User-Agent: plex-kiosk/<version>
//   X-Kiosk-Event: <event>
//   X-Kiosk-Delivery: <the deliver job's id>
//   X-Kiosk-Timestamp: <unix seconds of this attempt>
//   X-Kiosk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//   {"id": <delivery id>, "event": ..., "event_id": ..., "occurred_at": "<RFC 3339>",
//    "data": {...}}
// The URL and secret are read when the attempt runs, so an update applies to
// deliveries already queued. 2xx = delivered. 410 Gone = the receiver wants
// no more: the job is dead at once. Any other status, or no answer within the
// timeout = a failed attempt, retried with the queue's backoff up to
// max_attempts (8). A webhook deleted or disabled meanwhile = nothing to do:
// the job succeeds without sending.
//
// Guarantee: AT LEAST ONCE. A delivery whose worker died after the receiver
// answered, or a dispatch re-run after a crash between fanning out and
// recording its outcome, sends the event again. Receivers dedupe on
// X-Kiosk-Delivery (the same for every attempt of one delivery) and on the
// body's "event_id" (the same for every delivery of one event).
// Secrets and URL query strings are never logged (http::RedactUrl).
#ifndef KIOSK_COMMON_WEBHOOKS_DELIVERY_H_
#define KIOSK_COMMON_WEBHOOKS_DELIVERY_H_

#include <cstdint>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http/http_client.h"
#include "common/jobs/job.h"
#include "common/jobs/job_queue.h"
#include "common/jobs/job_runtime.h"
#include "common/webhooks/outbox.h"  // kDispatchKind
#include "common/webhooks/webhook_directory.h"

namespace kiosk::webhooks {

inline constexpr char kDeliverKind[] = "webhook.deliver";

inline constexpr char kEventHeader[] = "X-Kiosk-Event";
inline constexpr char kDeliveryHeader[] = "X-Kiosk-Delivery";
inline constexpr char kTimestampHeader[] = "X-Kiosk-Timestamp";
inline constexpr char kSignatureHeader[] = "X-Kiosk-Signature";

struct DeliveryOptions {
  absl::Duration timeout = absl::Seconds(10);  // per attempt, connect included
  absl::Duration connect_timeout = absl::Seconds(3);
  int max_attempts = 8;
  // webhook.deliver jobs running at once in one replica. Keep it below the
  // job worker threads so that a receiver that never answers cannot hold
  // every worker.
  int concurrency = 1;
};

// Enqueues one delivery of `event` with `data` to webhook `webhook_id`, in a
// transaction of its own, and returns the job id (= the delivery id).
// UsersService.TestWebhook sends webhook.test this way.
absl::StatusOr<int64_t> EnqueueDelivery(jobs::JobQueue& queue, int64_t webhook_id,
                                        absl::string_view event, const nlohmann::json& data,
                                        const DeliveryOptions& options = {});

// The two handlers; RegisterWebhookJobs is the usual way to use them.
class WebhookDelivery {
 public:
  WebhookDelivery(jobs::JobQueue& queue, WebhookDirectory& directory, http::HttpClient& client,
                  DeliveryOptions options = {});

  absl::Status Dispatch(const jobs::Job& job);
  absl::Status Deliver(const jobs::Job& job);

 private:
  jobs::JobQueue& queue_;
  WebhookDirectory& directory_;
  http::HttpClient& client_;
  const DeliveryOptions options_;
};

// Registers webhook.dispatch and webhook.deliver on `jobs` (before it
// starts). `directory` and `client` must outlive `jobs`' workers.
void RegisterWebhookJobs(jobs::JobRuntime& jobs, WebhookDirectory& directory,
                         http::HttpClient& client, DeliveryOptions options = {});

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_DELIVERY_H_
