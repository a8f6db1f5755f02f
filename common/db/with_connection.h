// Takes a pooled connection and runs `fn(connection)`, turning a failed
// checkout or any database exception into a Status: the store-side edge of
// "absl::Status inside".
//
//   return WithConnection(pool_, "finding user", [&](pqxx::connection& conn) ->
//   absl::StatusOr<User> {
//     pqxx::read_transaction tx(conn);
//     ...
//   });
#ifndef KIOSK_COMMON_DB_WITH_CONNECTION_H_
#define KIOSK_COMMON_DB_WITH_CONNECTION_H_

#include "absl/strings/string_view.h"
#include "common/db/connection_pool.h"
#include "common/db/pg_errors.h"

namespace kiosk::db {

template <typename Fn>
auto WithConnection(ConnectionPool& pool, absl::string_view what, Fn&& fn) {
  absl::StatusOr<ConnectionPool::Lease> lease = pool.Acquire();
  auto run = [&] { return fn(**lease); };
  using Result = decltype(RunWithStatus(what, run));
  if (!lease.ok()) return Result(lease.status());
  return RunWithStatus(what, run);
}

}  // namespace kiosk::db

#endif  // KIOSK_COMMON_DB_WITH_CONNECTION_H_
