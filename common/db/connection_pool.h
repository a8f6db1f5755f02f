// A bounded pool of libpqxx connections with SQLAlchemy's QueuePool semantics,
// the ones the old application was tuned with:
//   pool_size     connections kept open when idle (10)
//   max_overflow  extra connections opened under load, closed when returned
//                 while pool_size idle ones are already kept (20)
//   recycle       a connection older than this is replaced at checkout (3600 s)
//   pre_ping      `SELECT 1` at checkout; a dead connection is replaced and
//                 the caller never sees it (true)
// Checkout waits up to `checkout_timeout`, then fails with UNAVAILABLE.
// Connections open lazily, so a service starts while its database is down.
//
//   ConnectionPool pool(options);
//   ASSIGN_OR_RETURN(ConnectionPool::Lease conn, pool.Acquire());
//   pqxx::work tx(*conn); ...; tx.commit();
//   // the lease returns the connection when it goes out of scope
//
// Thread-safe. A pqxx::connection itself is not: one lease, one thread.
#ifndef KIOSK_COMMON_DB_CONNECTION_POOL_H_
#define KIOSK_COMMON_DB_CONNECTION_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace kiosk::db {

struct PoolOptions {
  std::string conninfo;          // libpq key=value string (DatabaseUrl::ToConnString())
  std::string application_name;  // shown in pg_stat_activity
  int pool_size = 10;
  int max_overflow = 20;
  absl::Duration recycle = absl::Seconds(3600);
  bool pre_ping = true;
  absl::Duration checkout_timeout = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(5);  // unless the URL sets its own
};

struct PoolStats {
  int open = 0;     // idle + in use (+ being opened)
  int idle = 0;
  int in_use = 0;
  int waiting = 0;  // callers blocked in Acquire()
  int64_t opened_total = 0;
  int64_t closed_total = 0;
  int64_t replaced_dead = 0;      // found dead by pre-ping and replaced
  int64_t replaced_recycled = 0;  // older than `recycle` and replaced
};

// `conninfo` prefixed with connect_timeout and application_name. libpq keeps
// the last value of a keyword, so values already in `conninfo` win.
std::string ConnInfoWithDefaults(absl::string_view conninfo, absl::string_view application_name,
                                 absl::Duration connect_timeout);

class ConnectionPool {
 public:
  struct Entry {
    std::unique_ptr<pqxx::connection> connection;
    absl::Time created_at;
  };

  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    pqxx::connection& operator*() const { return *entry_->connection; }
    pqxx::connection* operator->() const { return entry_->connection.get(); }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<Entry> entry);
    void Release();

    ConnectionPool* pool_;
    std::unique_ptr<Entry> entry_;
  };

  explicit ConnectionPool(PoolOptions options);
  // Closes idle connections. Every lease must be gone by then.
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  absl::StatusOr<Lease> Acquire() { return Acquire(options_.checkout_timeout); }
  absl::StatusOr<Lease> Acquire(absl::Duration timeout);

  PoolStats Stats() const;
  const PoolOptions& options() const { return options_; }

 private:
  absl::StatusOr<std::unique_ptr<Entry>> Connect();
  // Recycles or pings an idle connection; nullptr means "open a new one".
  std::unique_ptr<Entry> Validate(std::unique_ptr<Entry> entry);
  void Return(std::unique_ptr<Entry> entry);
  void Forget();  // a slot's connection was closed or never opened

  const PoolOptions options_;
  const std::string full_conninfo_;
  mutable std::mutex mu_;
  std::condition_variable released_;
  std::vector<std::unique_ptr<Entry>> idle_ ABSL_GUARDED_BY(mu_);  // back = most recent
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int waiting_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t opened_total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t closed_total_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t replaced_dead_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t replaced_recycled_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace kiosk::db

#endif  // KIOSK_COMMON_DB_CONNECTION_POOL_H_
