#include "services/media/pg_request_store.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/pg_errors.h"
#include "common/db/with_connection.h"
#include "common/webhooks/events.h"
#include "common/webhooks/outbox.h"
#include "nlohmann/json.hpp"
#include "services/media/request_status.h"

namespace kiosk::media {
namespace {

using nlohmann::json;

// Every column a MediaRequest needs, times as microseconds since the epoch.
#define KIOSK_REQUEST_COLUMNS                                                                  \
  "id, user_id, media_type, tmdb_id, coalesce(imdb_id, '') AS imdb_id, "                       \
  "coalesce(tvdb_id, 0) AS tvdb_id, title, coalesce(title_fr, '') AS title_fr, "               \
  "coalesce(title_en, '') AS title_en, coalesce(original_title, '') AS original_title, "       \
  "coalesce(year, 0) AS year, language, coalesce(requested_seasons::text, '') AS seasons, "    \
  "status, coalesce(status_reason, '') AS status_reason, coalesce(approved_by, 0) AS "         \
  "approved_by, (extract(epoch FROM approved_at) * 1000000)::bigint AS approved_at_us, "       \
  "(extract(epoch FROM created_at) * 1000000)::bigint AS created_at_us, "                      \
  "(extract(epoch FROM updated_at) * 1000000)::bigint AS updated_at_us, progress_percent, "    \
  "progress_speed, progress_eta, progress_stage, progress_message, "                           \
  "(extract(epoch FROM progress_updated_at) * 1000000)::bigint AS progress_at_us, "            \
  "coalesce(poster_path, '') AS poster_path, episodes_requested, "                             \
  "available_episodes::text AS available_episodes"

constexpr char kSelectRequestSql[] =
    "SELECT " KIOSK_REQUEST_COLUMNS " FROM media.media_requests WHERE id = $1";
constexpr char kLockRequestSql[] =
    "SELECT " KIOSK_REQUEST_COLUMNS " FROM media.media_requests WHERE id = $1 FOR UPDATE";

// Serialises the creations of one user so two at once cannot both fit in
// the last quota slot.
constexpr char kLockUserQuotaSql[] = "SELECT pg_advisory_xact_lock(20261130, $1::int)";
constexpr char kQuotaUsageSql[] = R"sql(
SELECT count(*)::int, (extract(epoch FROM min(created_at)) * 1000000)::bigint
FROM media.media_requests
WHERE user_id = $1 AND media_type = $2 AND status NOT IN ('declined', 'cancelled')
  AND created_at >= $3::timestamptz)sql";

constexpr char kFindActiveSql[] = R"sql(
SELECT id, status FROM media.media_requests
WHERE media_type = $1 AND tmdb_id = $2 AND language = $3
  AND status IN ('pending', 'approved', 'processing', 'downloading', 'importing')
LIMIT 1)sql";

constexpr char kInsertRequestSql[] = R"sql(
INSERT INTO media.media_requests
  (user_id, media_type, tmdb_id, imdb_id, tvdb_id, title, title_fr, title_en, original_title,
   year, language, requested_seasons, status, approved_by, approved_at, poster_path,
   created_at, updated_at)
VALUES ($1, $2, $3, nullif($4, ''), nullif($5, 0), $6, nullif($7, ''), nullif($8, ''),
        nullif($9, ''), nullif($10, 0), $11, nullif($12, '')::jsonb, $13, nullif($14, 0),
        CASE WHEN $13 = 'approved' THEN $15::timestamptz END, nullif($16, ''),
        $15::timestamptz, $15::timestamptz)
RETURNING id)sql";

constexpr char kInsertTransitionSql[] = R"sql(
INSERT INTO media.request_transitions
  (request_id, from_status, to_status, actor_user_id, actor_service, reason, at)
VALUES ($1, nullif($2, ''), $3, nullif($4, 0), nullif($5, ''), $6, $7::timestamptz))sql";

constexpr char kUpdateStatusSql[] = R"sql(
UPDATE media.media_requests SET
  status = $2,
  status_reason = CASE WHEN $2 = status THEN status_reason ELSE nullif($3, '') END,
  decline_reason = CASE WHEN $2 = 'declined' THEN nullif($3, '') ELSE decline_reason END,
  approved_by = CASE WHEN $2 = 'approved' AND status <> 'approved' THEN nullif($4, 0)
                     ELSE approved_by END,
  approved_at = CASE WHEN $2 = 'approved' AND status <> 'approved' THEN $5::timestamptz
                     ELSE approved_at END,
  updated_at = $5::timestamptz
WHERE id = $1)sql";

constexpr char kUpdateProgressSql[] = R"sql(
UPDATE media.media_requests SET
  progress_percent = $2, progress_speed = $3, progress_eta = $4, progress_stage = $5,
  progress_message = $6, progress_updated_at = $7::timestamptz, updated_at = $7::timestamptz
WHERE id = $1)sql";

constexpr char kUpdateEpisodesSql[] = R"sql(
UPDATE media.media_requests SET
  episodes_requested = $2, available_episodes = coalesce(nullif($3, '')::jsonb, '[]'::jsonb),
  updated_at = $4::timestamptz
WHERE id = $1)sql";

constexpr char kDeleteRequestSql[] = "DELETE FROM media.media_requests WHERE id = $1";

constexpr char kHistorySql[] = R"sql(
SELECT id, request_id, coalesce(from_status, ''), to_status, coalesce(actor_user_id, 0),
       coalesce(actor_service, ''), reason, (extract(epoch FROM at) * 1000000)::bigint
FROM media.request_transitions WHERE request_id = $1 ORDER BY id)sql";

// Filters: $1 user (0 = any), $2 status, $3 type, $4 language ('' = any).
#define KIOSK_REQUEST_FILTER                                                   \
  " WHERE ($1 = 0 OR user_id = $1) AND ($2 = '' OR status = $2)"               \
  " AND ($3 = '' OR media_type = $3) AND ($4 = '' OR language = $4)"
constexpr char kCountFilteredSql[] =
    "SELECT count(*) FROM media.media_requests" KIOSK_REQUEST_FILTER;
constexpr char kListByAddedSql[] = "SELECT " KIOSK_REQUEST_COLUMNS
                                   " FROM media.media_requests" KIOSK_REQUEST_FILTER
                                   " ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6";
constexpr char kListByModifiedSql[] = "SELECT " KIOSK_REQUEST_COLUMNS
                                      " FROM media.media_requests" KIOSK_REQUEST_FILTER
                                      " ORDER BY updated_at DESC, id DESC LIMIT $5 OFFSET $6";

constexpr char kCountByStatusSql[] = R"sql(
SELECT status, count(*) FROM media.media_requests WHERE ($1 = 0 OR user_id = $1)
GROUP BY status)sql";

constexpr char kTrackedTitlesSql[] = R"sql(
SELECT media_type, tmdb_id, max(coalesce(imdb_id, '')), max(coalesce(tvdb_id, 0))
FROM media.media_requests
WHERE status IN ('approved', 'processing', 'downloading', 'importing', 'available',
                 'partially_available')
GROUP BY media_type, tmdb_id ORDER BY media_type, tmdb_id)sql";

constexpr char kTrackedRequestsSql[] = "SELECT " KIOSK_REQUEST_COLUMNS
                                       " FROM media.media_requests"
                                       " WHERE media_type = $1 AND tmdb_id = $2 AND status IN"
                                       " ('approved', 'processing', 'downloading', 'importing',"
                                       " 'available', 'partially_available') ORDER BY id";

constexpr char kLatestForSql[] = "SELECT DISTINCT ON (media_type, tmdb_id) " KIOSK_REQUEST_COLUMNS
                                 " FROM media.media_requests"
                                 " WHERE (media_type || ':' || tmdb_id) = ANY($1::text[])"
                                 " AND status NOT IN ('declined', 'cancelled', 'failed')"
                                 " ORDER BY media_type, tmdb_id, created_at DESC";

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

absl::Time FromMicros(const pqxx::field& f) { return absl::FromUnixMicros(f.as<int64_t>()); }

std::string SeasonsJson(const std::vector<SeasonSelection>& seasons) {
  if (seasons.empty()) return "";  // NULL: every season
  json out = json::array();
  for (const SeasonSelection& s : seasons) {
    if (s.episode_numbers.empty()) {
      out.push_back(s.season_number);
    } else {
      out.push_back({{"season", s.season_number}, {"episodes", s.episode_numbers}});
    }
  }
  return out.dump();
}

std::vector<SeasonSelection> ParseSeasons(const std::string& text) {
  std::vector<SeasonSelection> seasons;
  json parsed = json::parse(text, nullptr, false);
  if (!parsed.is_array()) return seasons;
  for (const json& item : parsed) {
    if (item.is_number_integer()) {
      seasons.push_back({item.get<int>(), {}});
    } else if (item.is_object() && item.contains("season")) {
      SeasonSelection s{item["season"].get<int>(), {}};
      if (item.contains("episodes") && item["episodes"].is_array()) {
        for (const json& e : item["episodes"]) {
          if (e.is_number_integer()) s.episode_numbers.push_back(e.get<int>());
        }
      }
      seasons.push_back(std::move(s));
    }
  }
  return seasons;
}

MediaRequest RowToRequest(const pqxx::row& row) {
  MediaRequest r;
  r.id = row["id"].as<int64_t>();
  r.user_id = row["user_id"].as<int64_t>();
  r.media_type = row["media_type"].as<std::string>();
  r.tmdb_id = row["tmdb_id"].as<int>();
  r.imdb_id = row["imdb_id"].as<std::string>();
  r.tvdb_id = row["tvdb_id"].as<int>();
  r.title = row["title"].as<std::string>();
  r.title_fr = row["title_fr"].as<std::string>();
  r.title_en = row["title_en"].as<std::string>();
  r.original_title = row["original_title"].as<std::string>();
  r.year = row["year"].as<int>();
  r.language = row["language"].as<std::string>();
  r.seasons = ParseSeasons(row["seasons"].as<std::string>());
  r.status = row["status"].as<std::string>();
  r.status_reason = row["status_reason"].as<std::string>();
  r.approved_by = row["approved_by"].as<int64_t>();
  if (!row["approved_at_us"].is_null()) r.approved_at = FromMicros(row["approved_at_us"]);
  r.created_at = FromMicros(row["created_at_us"]);
  r.updated_at = FromMicros(row["updated_at_us"]);
  r.progress.percent = row["progress_percent"].as<double>();
  r.progress.speed = row["progress_speed"].as<int64_t>();
  r.progress.eta_seconds = row["progress_eta"].as<int64_t>();
  r.progress.stage = row["progress_stage"].as<std::string>();
  r.progress.message = row["progress_message"].as<std::string>();
  if (!row["progress_at_us"].is_null()) r.progress.updated_at = FromMicros(row["progress_at_us"]);
  r.poster_path = row["poster_path"].as<std::string>();
  r.episodes_requested = row["episodes_requested"].as<int>();
  r.available_episodes = ParseSeasons(row["available_episodes"].as<std::string>());
  return r;
}

json EventData(const MediaRequest& r, const std::string& reason) {
  json data = {{"request_id", r.id},     {"user_id", r.user_id},  {"media_type", r.media_type},
               {"tmdb_id", r.tmdb_id},   {"title", r.title},      {"language", r.language},
               {"status", r.status}};
  if (!reason.empty()) data["reason"] = reason;
  return data;
}

// The webhook event a new status announces, or "" for none.
const char* EventFor(const std::string& status) {
  if (status == kApproved) return webhooks::kRequestApproved;
  if (status == kDeclined) return webhooks::kRequestDeclined;
  if (status == kAvailable || status == kPartiallyAvailable) return webhooks::kRequestAvailable;
  if (status == kFailed) return webhooks::kRequestFailed;
  return "";
}

// Throws the status out of RunWithStatus's lambda without a second type.
struct StatusError {
  absl::Status status;
};

void Check(absl::Status status) {
  if (!status.ok()) throw StatusError{std::move(status)};
}

// The request job: hands the request to kiosk-downloads; one per request
// while it may still run.
void EnqueueRequestJob(const jobs::JobQueue& queue, pqxx::work& tx, int64_t id) {
  absl::StatusOr<std::optional<int64_t>> job =
      queue.Enqueue(tx, kRequestJobKind, json{{"request_id", id}}.dump(),
                    {.max_attempts = 20, .dedupe_key = absl::StrCat("request:", id)});
  Check(job.status());
}

template <typename Fn>
auto Run(db::ConnectionPool& pool, absl::string_view what, Fn&& fn) {
  return db::WithConnection(pool, what, [&](pqxx::connection& conn) {
    using Result = decltype(fn(conn));
    if constexpr (std::is_same_v<Result, absl::Status> || db::IsStatusOr<Result>::value) {
      try {
        return fn(conn);
      } catch (const StatusError& e) {
        return Result(e.status);
      }
    } else {
      return fn(conn);
    }
  });
}

}  // namespace

std::string TitleKeyString(const std::string& media_type, int tmdb_id) {
  return absl::StrCat(media_type, ":", tmdb_id);
}

absl::StatusOr<MediaRequest> PgRequestStore::Create(const MediaRequest& request,
                                                    const Actor& actor,
                                                    const std::optional<QuotaRule>& quota,
                                                    absl::Time now) {
  auto existing_message = [&](const pqxx::row& row) {
    return absl::AlreadyExistsError(absl::StrCat(
        "this title is already requested in this language: request ", row[0].as<int64_t>(), " (",
        row[1].as<std::string>(), "); follow that one instead of asking again"));
  };
  absl::StatusOr<int64_t> id = Run(pool_, "creating a media request", [&](pqxx::connection& conn)
                                                                           -> absl::StatusOr<int64_t> {
    pqxx::work tx(conn);
    if (quota && quota->limit > 0) {
      tx.exec_params(kLockUserQuotaSql, request.user_id);
      absl::Time since = now - absl::Hours(24) * quota->days;
      pqxx::row usage =
          tx.exec_params1(kQuotaUsageSql, request.user_id, request.media_type, TimeText(since));
      int used = usage[0].as<int>();
      if (used >= quota->limit) {
        absl::Time frees = FromMicros(usage[1]) + absl::Hours(24) * quota->days;
        return absl::ResourceExhaustedError(absl::StrCat(
            "request quota reached: ", quota->limit, " ", quota->noun, " per ", quota->days,
            " days; the next one is possible from ",
            absl::FormatTime("%Y-%m-%d %H:%M UTC", frees, absl::UTCTimeZone())));
      }
    }
    pqxx::result active =
        tx.exec_params(kFindActiveSql, request.media_type, request.tmdb_id, request.language);
    if (!active.empty()) return existing_message(active[0]);
    int64_t new_id =
        tx.exec_params1(kInsertRequestSql, request.user_id, request.media_type, request.tmdb_id,
                        request.imdb_id, request.tvdb_id, request.title, request.title_fr,
                        request.title_en, request.original_title, request.year, request.language,
                        SeasonsJson(request.seasons), request.status, request.approved_by,
                        TimeText(now), request.poster_path)[0]
            .as<int64_t>();
    tx.exec_params(kInsertTransitionSql, new_id, "", request.status, actor.user_id, actor.service,
                   request.status == kApproved ? "auto-approved" : "", TimeText(now));
    MediaRequest created = request;
    created.id = new_id;
    Check(webhooks::EmitEvent(queue_, tx, webhooks::kRequestCreated, EventData(created, "")));
    if (request.status == kApproved) {
      Check(webhooks::EmitEvent(queue_, tx, webhooks::kRequestApproved,
                                EventData(created, "auto-approved")));
      EnqueueRequestJob(queue_, tx, new_id);
    }
    tx.commit();
    return new_id;
  });
  if (absl::IsAlreadyExists(id.status())) {
    // Lost a race on media_requests_active_key: name the winner.
    absl::StatusOr<absl::Status> named =
        Run(pool_, "finding the active request", [&](pqxx::connection& conn) {
          pqxx::read_transaction tx(conn);
          pqxx::result active = tx.exec_params(kFindActiveSql, request.media_type,
                                               request.tmdb_id, request.language);
          return active.empty() ? id.status() : existing_message(active[0]);
        });
    return named.ok() ? *named : named.status();
  }
  if (!id.ok()) return id.status();
  return Get(*id);
}

absl::StatusOr<MediaRequest> PgRequestStore::Get(int64_t id) {
  return Run(pool_, "reading a media request",
             [&](pqxx::connection& conn) -> absl::StatusOr<MediaRequest> {
               pqxx::read_transaction tx(conn);
               pqxx::result rows = tx.exec_params(kSelectRequestSql, id);
               if (rows.empty()) return absl::NotFoundError(absl::StrCat("no request ", id));
               return RowToRequest(rows[0]);
             });
}

absl::StatusOr<RequestPage> PgRequestStore::List(const RequestFilter& f) {
  return Run(pool_, "listing media requests", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    RequestPage page;
    page.page = f.page;
    page.results = tx.exec_params1(kCountFilteredSql, f.user_id, f.status, f.media_type,
                                   f.language)[0]
                       .as<int64_t>();
    page.pages = static_cast<int>((page.results + f.page_size - 1) / f.page_size);
    pqxx::result rows =
        tx.exec_params(f.sort == "modified" ? kListByModifiedSql : kListByAddedSql, f.user_id,
                       f.status, f.media_type, f.language, f.page_size,
                       static_cast<int64_t>(f.page - 1) * f.page_size);
    for (const pqxx::row& row : rows) page.requests.push_back(RowToRequest(row));
    return page;
  });
}

absl::StatusOr<std::map<std::string, int64_t>> PgRequestStore::CountByStatus(int64_t user_id) {
  return Run(pool_, "counting media requests", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, int64_t> counts;
    for (const std::string& status : RequestStatuses()) counts[status] = 0;
    for (const pqxx::row& row : tx.exec_params(kCountByStatusSql, user_id)) {
      counts[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    return counts;
  });
}

absl::StatusOr<MediaRequest> PgRequestStore::Transition(int64_t id,
                                                        const TransitionDecision& decide,
                                                        const Actor& actor, absl::Time now) {
  absl::Status applied =
      Run(pool_, "changing a media request", [&](pqxx::connection& conn) -> absl::Status {
        pqxx::work tx(conn);
        pqxx::result rows = tx.exec_params(kLockRequestSql, id);
        if (rows.empty()) return absl::NotFoundError(absl::StrCat("no request ", id));
        MediaRequest current = RowToRequest(rows[0]);
        absl::StatusOr<TransitionPlan> plan = decide(current);
        if (!plan.ok()) return plan.status();
        if (plan->progress) {
          const RequestProgress& p = *plan->progress;
          tx.exec_params(kUpdateProgressSql, id, p.percent, p.speed, p.eta_seconds, p.stage,
                         p.message, TimeText(now));
        }
        if (plan->episodes) {
          tx.exec_params(kUpdateEpisodesSql, id, plan->episodes->requested,
                         SeasonsJson(plan->episodes->available), TimeText(now));
        }
        if (plan->to != current.status) {
          tx.exec_params(kUpdateStatusSql, id, plan->to, plan->reason, actor.user_id,
                         TimeText(now));
          tx.exec_params(kInsertTransitionSql, id, current.status, plan->to, actor.user_id,
                         actor.service, plan->reason, TimeText(now));
          MediaRequest moved = current;
          moved.status = plan->to;
          if (const char* event = EventFor(plan->to); *event != '\0') {
            Check(webhooks::EmitEvent(queue_, tx, event, EventData(moved, plan->reason)));
          }
          if (plan->to == kApproved) EnqueueRequestJob(queue_, tx, id);
        }
        tx.commit();
        return absl::OkStatus();
      });
  if (!applied.ok()) return applied;
  return Get(id);
}

absl::Status PgRequestStore::Delete(int64_t id) {
  return Run(pool_, "deleting a media request", [&](pqxx::connection& conn) -> absl::Status {
    pqxx::work tx(conn);
    pqxx::result done = tx.exec_params(kDeleteRequestSql, id);
    if (done.affected_rows() == 0) return absl::NotFoundError(absl::StrCat("no request ", id));
    tx.commit();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<media::Transition>> PgRequestStore::History(int64_t id) {
  return Run(pool_, "reading a request's history", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<media::Transition> history;
    for (const pqxx::row& row : tx.exec_params(kHistorySql, id)) {
      history.push_back({.id = row[0].as<int64_t>(),
                         .request_id = row[1].as<int64_t>(),
                         .from_status = row[2].as<std::string>(),
                         .to_status = row[3].as<std::string>(),
                         .actor = {row[4].as<int64_t>(), row[5].as<std::string>()},
                         .reason = row[6].as<std::string>(),
                         .at = FromMicros(row[7])});
    }
    return history;
  });
}

absl::StatusOr<std::vector<TitleKey>> PgRequestStore::TrackedTitles() {
  return Run(pool_, "listing tracked titles", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<TitleKey> titles;
    for (const pqxx::row& row : tx.exec(kTrackedTitlesSql)) {
      titles.push_back({row[0].as<std::string>(), row[1].as<int>(), row[2].as<std::string>(),
                        row[3].as<int>()});
    }
    return titles;
  });
}

absl::StatusOr<std::vector<MediaRequest>> PgRequestStore::TrackedRequests(
    const std::string& media_type, int tmdb_id) {
  return Run(pool_, "reading tracked requests", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<MediaRequest> requests;
    for (const pqxx::row& row : tx.exec_params(kTrackedRequestsSql, media_type, tmdb_id)) {
      requests.push_back(RowToRequest(row));
    }
    return requests;
  });
}

absl::StatusOr<std::map<std::string, MediaRequest>> PgRequestStore::LatestFor(
    const std::vector<TitleKey>& keys) {
  std::vector<std::string> names;
  for (const TitleKey& key : keys) names.push_back(TitleKeyString(key.media_type, key.tmdb_id));
  // Names are "movie:<digits>" / "tv:<digits>": nothing to quote in the literal.
  std::string array = absl::StrCat("{", absl::StrJoin(names, ","), "}");
  return Run(pool_, "reading requests of titles", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, MediaRequest> latest;
    for (const pqxx::row& row : tx.exec_params(kLatestForSql, array)) {
      MediaRequest r = RowToRequest(row);
      latest[TitleKeyString(r.media_type, r.tmdb_id)] = std::move(r);
    }
    return latest;
  });
}

}  // namespace kiosk::media
