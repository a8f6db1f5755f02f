// The one place where PostgreSQL errors become absl::Status.
//
//   try { ... pqxx work ... } catch (const std::exception& e) {
//     return StatusFromException(e, "saving user");
//   }
//
// or, shorter, `return RunWithStatus("saving user", [&] { ...; return value; });`
//
// SQLSTATE classes: 23505 unique -> ALREADY_EXISTS, 23503 foreign key ->
// FAILED_PRECONDITION, 23514 check / 23502 not null / 22xxx data ->
// INVALID_ARGUMENT, 40001 serialization / 40P01 deadlock -> ABORTED (retry),
// 08xxx / 57P0x / 53300 / broken connection -> UNAVAILABLE, 57014 canceled
// (statement_timeout) -> DEADLINE_EXCEEDED, anything else -> INTERNAL.
#ifndef KIOSK_COMMON_DB_PG_ERRORS_H_
#define KIOSK_COMMON_DB_PG_ERRORS_H_

#include <exception>
#include <string>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kiosk::db {

absl::StatusCode CodeForSqlState(absl::string_view sqlstate);

// `context` says what was being done ("saving user"); it prefixes the message.
absl::Status StatusFromException(const std::exception& error, absl::string_view context);

template <typename T>
struct IsStatusOr : std::false_type {};
template <typename T>
struct IsStatusOr<absl::StatusOr<T>> : std::true_type {};

// Runs `fn` and turns any exception into a Status. `fn` returns a value,
// nothing, absl::Status or absl::StatusOr<T> (passed through as it is).
template <typename Fn>
auto RunWithStatus(absl::string_view context, Fn&& fn) {
  using Result = std::invoke_result_t<Fn>;
  if constexpr (std::is_same_v<Result, absl::Status> || IsStatusOr<Result>::value) {
    try {
      return fn();
    } catch (const std::exception& e) {
      return Result(StatusFromException(e, context));
    }
  } else {
    using Out = std::conditional_t<std::is_same_v<Result, void>, absl::Status,
                                   absl::StatusOr<Result>>;
    try {
      if constexpr (std::is_same_v<Result, void>) {
        fn();
        return Out(absl::OkStatus());
      } else {
        return Out(fn());
      }
    } catch (const std::exception& e) {
      return Out(StatusFromException(e, context));
    }
  }
}

}  // namespace kiosk::db

#endif  // KIOSK_COMMON_DB_PG_ERRORS_H_
