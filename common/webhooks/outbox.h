// Emitting an event: one "webhook.dispatch" job in the caller's transaction
// (the outbox pattern). The event exists if and only if the action that
// caused it committed, and emitting costs one INSERT: no network call, no
// read of the webhooks. The service's job workers later fan it out to the
// matching webhooks (delivery.h).
//
//   pqxx::work tx(conn);
//   ... the state change ...
//   RETURN_IF_ERROR(webhooks::EmitEvent(jobs.queue(), tx, webhooks::kRequestApproved,
//                                       {{"request_id", id}, {"title", title}}));
//   tx.commit();
#ifndef KIOSK_COMMON_WEBHOOKS_OUTBOX_H_
#define KIOSK_COMMON_WEBHOOKS_OUTBOX_H_

#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/jobs/job_queue.h"

namespace kiosk::webhooks {

inline constexpr char kDispatchKind[] = "webhook.dispatch";
// Attempts of a dispatch job (it only reads the webhooks and enqueues).
inline constexpr int kDispatchMaxAttempts = 10;

// Enqueues the dispatch of `event` (a name from events.h) with `data` (a JSON
// object) inside `tx`. Payload: {"event", "event_id" (random, the same in
// every delivery of this event), "occurred_at" (RFC 3339, UTC), "data"}.
// INVALID_ARGUMENT for an unknown event or data that is not an object.
absl::Status EmitEvent(const jobs::JobQueue& queue, pqxx::transaction_base& tx,
                       absl::string_view event, const nlohmann::json& data);

// RFC 3339 in UTC with milliseconds: "2026-12-01T09:30:00.123Z".
std::string FormatRfc3339(absl::Time time);
// A new random event id (32 hex digits).
std::string NewEventId();

}  // namespace kiosk::webhooks

#endif  // KIOSK_COMMON_WEBHOOKS_OUTBOX_H_
