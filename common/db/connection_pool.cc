#include "common/db/connection_pool.h"

#include <pqxx/nontransaction>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/db/database_url.h"
#include "common/db/pg_errors.h"

namespace kiosk::db {
namespace {

void Close(std::unique_ptr<ConnectionPool::Entry> entry) {
  // Destroying the connection sends libpq's Terminate message and closes the socket.
  entry.reset();
}

}  // namespace

std::string ConnInfoWithDefaults(absl::string_view conninfo, absl::string_view application_name,
                                 absl::Duration connect_timeout) {
  std::string prefix = absl::StrCat(
      "connect_timeout=", std::max<int64_t>(1, absl::ToInt64Seconds(connect_timeout)));
  if (!application_name.empty()) {
    absl::StrAppend(&prefix, " application_name=", QuoteConnValue(application_name));
  }
  return absl::StrCat(prefix, " ", conninfo);
}

ConnectionPool::Lease::Lease(ConnectionPool* pool, std::unique_ptr<Entry> entry)
    : pool_(pool), entry_(std::move(entry)) {}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), entry_(std::move(other.entry_)) {}

ConnectionPool::Lease& ConnectionPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = other.pool_;
    entry_ = std::move(other.entry_);
  }
  return *this;
}

ConnectionPool::Lease::~Lease() { Release(); }

void ConnectionPool::Lease::Release() {
  if (entry_ != nullptr) pool_->Return(std::move(entry_));
}

ConnectionPool::ConnectionPool(PoolOptions options)
    : options_(std::move(options)), full_conninfo_(ConnInfoWithDefaults(options_.conninfo, options_.application_name,
                                                options_.connect_timeout)) {}

ConnectionPool::~ConnectionPool() {
  std::vector<std::unique_ptr<Entry>> idle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle.swap(idle_);
  }
}

absl::StatusOr<std::unique_ptr<ConnectionPool::Entry>> ConnectionPool::Connect() {
  auto entry = std::make_unique<Entry>();
  absl::Status status = RunWithStatus("connecting to PostgreSQL", [&] {
    entry->connection = std::make_unique<pqxx::connection>(full_conninfo_);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // The pool replaces dead connections itself; pqxx 6's silent
    // reconnection would hide them (and lose session state).
    entry->connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  });
  if (!status.ok()) {
    // Connection failures mean the server cannot be reached or refuses us.
    if (status.code() == absl::StatusCode::kInternal) {
      status = absl::UnavailableError(status.message());
    }
    return status;
  }
  entry->created_at = absl::Now();
  return entry;
}

std::unique_ptr<ConnectionPool::Entry> ConnectionPool::Validate(std::unique_ptr<Entry> entry) {
  if (absl::Now() - entry->created_at > options_.recycle) {
    Close(std::move(entry));
    std::lock_guard<std::mutex> lock(mu_);
    ++replaced_recycled_;
    ++closed_total_;
    return nullptr;
  }
  bool alive = entry->connection->is_open();
  if (alive && options_.pre_ping) {
    alive = RunWithStatus("pre-ping", [&] {
              pqxx::nontransaction tx(*entry->connection);
              tx.exec("SELECT 1");
            }).ok();
  }
  if (alive) return entry;
  Close(std::move(entry));
  std::lock_guard<std::mutex> lock(mu_);
  ++replaced_dead_;
  ++closed_total_;
  return nullptr;
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  const int limit = options_.pool_size + options_.max_overflow;
  std::unique_ptr<Entry> entry;
  {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    while (idle_.empty() && open_ >= limit) {
      if (released_.wait_until(lock, absl::ToChronoTime(deadline)) == std::cv_status::timeout &&
          idle_.empty() && open_ >= limit) {
        --waiting_;
        return absl::UnavailableError(absl::StrFormat(
            "no database connection free after %s: all %d connections (DB_POOL_SIZE %d + "
            "DB_MAX_OVERFLOW %d) are in use; raise them or look for slow queries",
            absl::FormatDuration(timeout), limit, options_.pool_size, options_.max_overflow));
      }
    }
    --waiting_;
    if (!idle_.empty()) {
      entry = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;  // reserve the slot before connecting outside the lock
    }
  }
  // The slot is ours now; whatever fails below must give it back.
  if (entry != nullptr) entry = Validate(std::move(entry));
  if (entry == nullptr) {
    absl::StatusOr<std::unique_ptr<Entry>> fresh = Connect();
    if (!fresh.ok()) {
      Forget();
      return fresh.status();
    }
    entry = *std::move(fresh);
    std::lock_guard<std::mutex> lock(mu_);
    ++opened_total_;
  }
  return Lease(this, std::move(entry));
}

void ConnectionPool::Return(std::unique_ptr<Entry> entry) {
  bool keep = entry->connection->is_open();
  {
    std::lock_guard<std::mutex> lock(mu_);
    keep = keep && static_cast<int>(idle_.size()) < options_.pool_size;
    if (keep) idle_.push_back(std::move(entry));
  }
  if (keep) {
    released_.notify_one();
  } else {
    Close(std::move(entry));
    Forget();
    std::lock_guard<std::mutex> lock(mu_);
    ++closed_total_;
  }
}

void ConnectionPool::Forget() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
  }
  released_.notify_one();
}

PoolStats ConnectionPool::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  PoolStats stats;
  stats.open = open_;
  stats.idle = static_cast<int>(idle_.size());
  stats.in_use = open_ - stats.idle;
  stats.waiting = waiting_;
  stats.opened_total = opened_total_;
  stats.closed_total = closed_total_;
  stats.replaced_dead = replaced_dead_;
  stats.replaced_recycled = replaced_recycled_;
  return stats;
}

}  // namespace kiosk::db
