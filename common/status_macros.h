// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status and absl::StatusOr,
// with the semantics of the macros used inside Google and Abseil:
//
//   RETURN_IF_ERROR(store.Save(user));
//   ASSIGN_OR_RETURN(User user, store.Find(id));
#ifndef KIOSK_COMMON_STATUS_MACROS_H_
#define KIOSK_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KIOSK_STATUS_CONCAT_INNER_(a, b) a##b
#define KIOSK_STATUS_CONCAT_(a, b) KIOSK_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                         \
  do {                                                \
    ::absl::Status kiosk_status_ = (expr);            \
    if (!kiosk_status_.ok()) return kiosk_status_;    \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  KIOSK_ASSIGN_OR_RETURN_IMPL_(KIOSK_STATUS_CONCAT_(kiosk_statusor_, __LINE__), lhs, expr)

#define KIOSK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // KIOSK_COMMON_STATUS_MACROS_H_
