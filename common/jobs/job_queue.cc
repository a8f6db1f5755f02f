#include "common/jobs/job_queue.h"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/db/with_connection.h"

namespace kiosk::jobs {
namespace {

// Timestamps travel as Unix microseconds (bigint) both ways.
#define KIOSK_MICROS(col) "(extract(epoch FROM " col ") * 1000000)::bigint"
constexpr char kJobColumns[] =
    "id, kind, payload::text, status, attempts, max_attempts, " KIOSK_MICROS("run_after")
    ", locked_by, " KIOSK_MICROS("locked_until") ", last_error, dedupe_key, " KIOSK_MICROS(
        "created_at") ", " KIOSK_MICROS("started_at") ", " KIOSK_MICROS(
            "finished_at") ", progress_done, progress_total, progress_note";
#undef KIOSK_MICROS

// {s} is the schema, {cols} the column list above.
constexpr char kEnqueueSql[] =
    "INSERT INTO {s}.jobs (kind, payload, max_attempts, run_after, dedupe_key) "
    "VALUES ($1, $2::jsonb, $3, COALESCE(to_timestamp($4::bigint / 1000000.0), now()), $5) "
    "ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND "
    "status IN ('queued', 'running', 'failed') DO NOTHING RETURNING id";
constexpr char kNotifySql[] = "SELECT pg_notify($1, $2)";
// Due jobs, and running ones whose worker stopped renewing the lease.
constexpr char kClaimSql[] =
    "WITH next AS ("
    "  SELECT id AS next_id FROM {s}.jobs"
    "  WHERE ((status IN ('queued', 'failed') AND run_after <= now())"
    "         OR (status = 'running' AND locked_until < now()))"
    "    AND kind = ANY($1::text[])"
    "  ORDER BY run_after, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE {s}.jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $2,"
    "  locked_until = now() + make_interval(secs => $3), started_at = now(), finished_at = NULL,"
    "  progress_done = NULL, progress_total = NULL, progress_note = NULL, updated_at = now() "
    "FROM next WHERE j.id = next.next_id RETURNING {cols}";
constexpr char kExtendSql[] =
    "UPDATE {s}.jobs SET locked_until = now() + make_interval(secs => $3), updated_at = now() "
    "WHERE locked_by = $1 AND status = 'running' AND id = ANY($2::bigint[])";
constexpr char kSucceedSql[] =
    "UPDATE {s}.jobs SET status = 'succeeded', finished_at = now(), locked_by = NULL,"
    "  locked_until = NULL, last_error = NULL, updated_at = now() "
    "WHERE id = $1 AND locked_by = $2 AND status = 'running'";
constexpr char kFailSql[] =
    "UPDATE {s}.jobs SET status = CASE WHEN $4 THEN 'dead' ELSE 'failed' END,"
    "  finished_at = CASE WHEN $4 THEN now() END, last_error = $3,"
    "  run_after = to_timestamp($5::bigint / 1000000.0), locked_by = NULL, locked_until = NULL,"
    "  updated_at = now() "
    "WHERE id = $1 AND locked_by = $2 AND status = 'running'";
constexpr char kProgressSql[] =
    "UPDATE {s}.jobs SET progress_done = $2, progress_total = $3, progress_note = $4,"
    "  updated_at = now() "
    "WHERE id = $1 AND status = 'running'";
constexpr char kReleaseSql[] =
    "UPDATE {s}.jobs SET status = 'queued', attempts = greatest(attempts - 1, 0),"
    "  run_after = now(), locked_by = NULL, locked_until = NULL, started_at = NULL,"
    "  updated_at = now() "
    "WHERE locked_by = $1 AND status = 'running'";
constexpr char kNextDueSql[] =
    "SELECT "
    "(extract(epoch FROM min(run_after)) * 1000000)::bigint FROM {s}.jobs "
    "WHERE status IN ('queued', 'failed')";
constexpr char kListSql[] =
    "SELECT {cols} FROM {s}.jobs "
    "WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR status = $2) AND ($3 = 0 OR id < $3) "
    "ORDER BY id DESC LIMIT $4";
constexpr char kGetSql[] = "SELECT {cols} FROM {s}.jobs WHERE id = $1";
constexpr char kRetrySql[] =
    "UPDATE {s}.jobs SET status = 'queued', attempts = 0, run_after = now(), finished_at = NULL,"
    "  updated_at = now() "
    "WHERE id = $1 AND status IN ('failed', 'dead', 'cancelled') RETURNING {cols}";
constexpr char kCancelSql[] =
    "UPDATE {s}.jobs SET status = 'cancelled', finished_at = now(), updated_at = now() "
    "WHERE id = $1 AND status IN ('queued', 'failed') RETURNING {cols}";
constexpr char kCountsSql[] = "SELECT kind, status, count(*) FROM {s}.jobs GROUP BY kind, status";
constexpr char kRecentSql[] =
    "SELECT kind,"
    "  count(*) FILTER (WHERE status = 'succeeded'),"
    "  COALESCE(avg(extract(epoch FROM finished_at - started_at))"
    "           FILTER (WHERE status = 'succeeded'), 0),"
    "  count(*) FILTER (WHERE status IN ('failed', 'dead')) "
    "FROM {s}.jobs WHERE updated_at > now() - interval '1 hour' GROUP BY kind";
constexpr char kDeleteFinishedSql[] =
    "DELETE FROM {s}.jobs WHERE status IN ('succeeded', 'dead', 'cancelled') "
    "AND finished_at < now() - make_interval(secs => $1)";

std::optional<absl::Time> OptionalTime(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return absl::FromUnixMicros(field.as<int64_t>());
}

std::optional<std::string> OptionalText(const pqxx::field& field) {
  if (field.is_null()) return std::nullopt;
  return field.as<std::string>();
}

Job ReadJob(const pqxx::row& row) {
  Job job;
  job.id = row[0].as<int64_t>();
  job.kind = row[1].as<std::string>();
  job.payload = row[2].as<std::string>();
  job.status = row[3].as<std::string>();
  job.attempts = row[4].as<int>();
  job.max_attempts = row[5].as<int>();
  job.run_after = absl::FromUnixMicros(row[6].as<int64_t>());
  job.locked_by = OptionalText(row[7]);
  job.locked_until = OptionalTime(row[8]);
  job.last_error = OptionalText(row[9]);
  job.dedupe_key = OptionalText(row[10]);
  job.created_at = absl::FromUnixMicros(row[11].as<int64_t>());
  job.started_at = OptionalTime(row[12]);
  job.finished_at = OptionalTime(row[13]);
  if (!row[14].is_null()) job.progress_done = row[14].as<int64_t>();
  if (!row[15].is_null()) job.progress_total = row[15].as<int64_t>();
  job.progress_note = OptionalText(row[16]);
  return job;
}

// kinds are checked identifiers and ids numbers, so no element needs quoting.
std::string ArrayLiteral(const std::vector<std::string>& items) {
  return absl::StrCat("{", absl::StrJoin(items, ","), "}");
}

bool IsSchemaName(const std::string& schema) {
  return !schema.empty() && std::all_of(schema.begin(), schema.end(),
                                        [](char c) { return absl::ascii_islower(c) || c == '_'; });
}

}  // namespace

struct JobQueue::Statements {
  explicit Statements(const std::string& schema) {
    auto make = [&](const char* text) {
      return absl::StrReplaceAll(text, {{"{s}", schema}, {"{cols}", kJobColumns}});
    };
    enqueue = make(kEnqueueSql);
    claim = make(kClaimSql);
    extend = make(kExtendSql);
    succeed = make(kSucceedSql);
    fail = make(kFailSql);
    release = make(kReleaseSql);
    progress = make(kProgressSql);
    next_due = make(kNextDueSql);
    list = make(kListSql);
    get = make(kGetSql);
    retry = make(kRetrySql);
    cancel = make(kCancelSql);
    counts = make(kCountsSql);
    recent = make(kRecentSql);
    delete_finished = make(kDeleteFinishedSql);
  }
  std::string enqueue, claim, extend, succeed, fail, release, progress, next_due, list, get, retry, cancel,
      counts, recent, delete_finished;
};

JobQueue::JobQueue(db::ConnectionPool& pool, std::string schema)
    : pool_(pool),
      schema_(IsSchemaName(schema) ? std::move(schema) : "invalid_schema_name"),
      channel_(absl::StrCat("kiosk_jobs_", schema_)),
      sql_(std::make_unique<Statements>(schema_)) {}

JobQueue::~JobQueue() = default;

absl::StatusOr<std::optional<int64_t>> JobQueue::Enqueue(pqxx::transaction_base& tx,
                                                         const std::string& kind,
                                                         const std::string& payload_json,
                                                         const EnqueueOptions& options) const {
  if (!IsJobKind(kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat("job kind \"", kind, "\" must match [a-z][a-z0-9_.-]{0,99}"));
  }
  nlohmann::json payload = nlohmann::json::parse(payload_json, nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("payload of a ", kind, " job must be a JSON object"));
  }
  if (options.max_attempts < 1 || options.max_attempts > 100) {
    return absl::InvalidArgumentError("max_attempts must be within 1..100");
  }
  std::optional<int64_t> run_after;
  if (options.run_after) run_after = absl::ToUnixMicros(*options.run_after);
  std::optional<std::string> dedupe;
  if (!options.dedupe_key.empty()) dedupe = options.dedupe_key;
  pqxx::result rows =
      tx.exec_params(sql_->enqueue, kind, payload_json, options.max_attempts, run_after, dedupe);
  if (rows.empty()) return std::optional<int64_t>();
  tx.exec_params(kNotifySql, channel_, kind);
  return std::optional<int64_t>(rows[0][0].as<int64_t>());
}

absl::StatusOr<std::optional<int64_t>> JobQueue::Enqueue(const std::string& kind,
                                                         const std::string& payload_json,
                                                         const EnqueueOptions& options) {
  return db::WithConnection(pool_, "enqueueing a job",
                            [&](pqxx::connection& conn) -> absl::StatusOr<std::optional<int64_t>> {
                              pqxx::work tx(conn);
                              absl::StatusOr<std::optional<int64_t>> id =
                                  Enqueue(tx, kind, payload_json, options);
                              if (id.ok()) tx.commit();
                              return id;
                            });
}

absl::StatusOr<std::optional<Job>> JobQueue::Claim(const std::string& worker,
                                                   const std::vector<std::string>& kinds,
                                                   absl::Duration lease) {
  return db::WithConnection(
      pool_, "claiming a job", [&](pqxx::connection& conn) -> std::optional<Job> {
        pqxx::work tx(conn);
        pqxx::result rows =
            tx.exec_params(sql_->claim, ArrayLiteral(kinds), worker, absl::ToDoubleSeconds(lease));
        tx.commit();
        if (rows.empty()) return std::nullopt;
        return ReadJob(rows[0]);
      });
}

absl::Status JobQueue::ExtendLeases(const std::string& worker, const std::vector<int64_t>& ids,
                                    absl::Duration lease) {
  if (ids.empty()) return absl::OkStatus();
  std::vector<std::string> texts;
  for (int64_t id : ids) texts.push_back(absl::StrCat(id));
  return db::WithConnection(pool_, "extending job leases", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    tx.exec_params(sql_->extend, worker, ArrayLiteral(texts), absl::ToDoubleSeconds(lease));
    tx.commit();
  });
}

absl::StatusOr<bool> JobQueue::Succeed(int64_t id, const std::string& worker) {
  return db::WithConnection(pool_, "finishing a job", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    bool held = tx.exec_params(sql_->succeed, id, worker).affected_rows() == 1;
    tx.commit();
    return held;
  });
}

absl::StatusOr<bool> JobQueue::Fail(int64_t id, const std::string& worker, const std::string& error,
                                    bool dead, absl::Time retry_at) {
  return db::WithConnection(pool_, "recording a failed job", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    bool held = tx.exec_params(sql_->fail, id, worker, error, dead, absl::ToUnixMicros(retry_at))
                    .affected_rows() == 1;
    // A retry becomes due later; idle workers compute their wake-up from it.
    if (held && !dead) tx.exec_params(kNotifySql, channel_, "retry");
    tx.commit();
    return held;
  });
}

absl::Status JobQueue::ReportProgress(int64_t id, int64_t done, int64_t total,
                                      const std::string& note) {
  if (done < 0) return absl::InvalidArgumentError("progress done must not be negative");
  std::optional<int64_t> known_total;
  if (total >= 0) known_total = std::max(total, done);
  std::optional<std::string> known_note;
  if (!note.empty()) known_note = note.substr(0, 200);
  return db::WithConnection(
      pool_, "recording job progress", [&](pqxx::connection& conn) -> absl::Status {
        pqxx::work tx(conn);
        bool running = tx.exec_params(sql_->progress, id, done, known_total, known_note)
                           .affected_rows() == 1;
        tx.commit();
        if (!running) {
          return absl::FailedPreconditionError(
              absl::StrCat("job ", id, " is not running; progress is only recorded while it runs"));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<int> JobQueue::ReleaseAll(const std::string& worker) {
  return db::WithConnection(pool_, "releasing jobs", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    int released = static_cast<int>(tx.exec_params(sql_->release, worker).affected_rows());
    if (released > 0) tx.exec_params(kNotifySql, channel_, "released");
    tx.commit();
    return released;
  });
}

absl::StatusOr<std::optional<absl::Time>> JobQueue::NextDue() {
  return db::WithConnection(pool_, "looking for due jobs",
                            [&](pqxx::connection& conn) -> std::optional<absl::Time> {
                              pqxx::read_transaction tx(conn);
                              return OptionalTime(tx.exec(sql_->next_due)[0][0]);
                            });
}

absl::StatusOr<std::vector<Job>> JobQueue::List(const JobFilter& filter) {
  if (!filter.status.empty() && !IsJobStatus(filter.status)) {
    return absl::InvalidArgumentError(
        absl::StrCat("status \"", filter.status,
                     "\" is not one of queued, running, succeeded, failed, dead, cancelled"));
  }
  return db::WithConnection(pool_, "listing jobs", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::vector<Job> jobs;
    for (const pqxx::row& row :
         tx.exec_params(sql_->list, filter.kind, filter.status, filter.before_id, filter.limit)) {
      jobs.push_back(ReadJob(row));
    }
    return jobs;
  });
}

absl::StatusOr<Job> JobQueue::Get(int64_t id) {
  return db::WithConnection(
      pool_, "reading a job", [&](pqxx::connection& conn) -> absl::StatusOr<Job> {
        pqxx::read_transaction tx(conn);
        pqxx::result rows = tx.exec_params(sql_->get, id);
        if (rows.empty()) {
          return absl::NotFoundError(absl::StrCat("no job ", id, " in ", schema_));
        }
        return ReadJob(rows[0]);
      });
}

absl::StatusOr<Job> JobQueue::Retry(int64_t id) {
  return db::WithConnection(
      pool_, "retrying a job", [&](pqxx::connection& conn) -> absl::StatusOr<Job> {
        pqxx::work tx(conn);
        pqxx::result rows = tx.exec_params(sql_->retry, id);
        if (rows.empty()) {
          pqxx::result current = tx.exec_params(sql_->get, id);
          if (current.empty()) return absl::NotFoundError(absl::StrCat("no job ", id));
          return absl::FailedPreconditionError(
              absl::StrCat("job ", id, " is ", current[0][3].as<std::string>(),
                           "; only failed, dead or cancelled jobs can be retried"));
        }
        Job job = ReadJob(rows[0]);
        tx.exec_params(kNotifySql, channel_, job.kind);
        tx.commit();
        return job;
      });
}

absl::StatusOr<Job> JobQueue::Cancel(int64_t id) {
  return db::WithConnection(
      pool_, "cancelling a job", [&](pqxx::connection& conn) -> absl::StatusOr<Job> {
        pqxx::work tx(conn);
        pqxx::result rows = tx.exec_params(sql_->cancel, id);
        if (rows.empty()) {
          pqxx::result current = tx.exec_params(sql_->get, id);
          if (current.empty()) return absl::NotFoundError(absl::StrCat("no job ", id));
          return absl::FailedPreconditionError(
              absl::StrCat("job ", id, " is ", current[0][3].as<std::string>(),
                           "; only queued jobs or failed ones waiting for a retry can be "
                           "cancelled"));
        }
        tx.commit();
        return ReadJob(rows[0]);
      });
}

absl::StatusOr<std::map<std::string, KindStats>> JobQueue::Stats() {
  return db::WithConnection(pool_, "counting jobs", [&](pqxx::connection& conn) {
    pqxx::read_transaction tx(conn);
    std::map<std::string, KindStats> stats;
    for (const pqxx::row& row : tx.exec(sql_->counts)) {
      stats[row[0].as<std::string>()].by_status[row[1].as<std::string>()] = row[2].as<int64_t>();
    }
    for (const pqxx::row& row : tx.exec(sql_->recent)) {
      KindStats& kind = stats[row[0].as<std::string>()];
      kind.succeeded_last_hour = row[1].as<int64_t>();
      kind.mean_run_seconds = row[2].as<double>();
      kind.failed_last_hour = row[3].as<int64_t>();
    }
    return stats;
  });
}

absl::StatusOr<int64_t> JobQueue::DeleteFinished(absl::Duration age) {
  return db::WithConnection(pool_, "deleting finished jobs", [&](pqxx::connection& conn) {
    pqxx::work tx(conn);
    int64_t deleted =
        tx.exec_params(sql_->delete_finished, absl::ToDoubleSeconds(age)).affected_rows();
    tx.commit();
    return deleted;
  });
}

}  // namespace kiosk::jobs
