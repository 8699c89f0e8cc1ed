#ifndef WIT_BASE_STATUS_H_
#define WIT_BASE_STATUS_H_

#include <optional>
#include <string>
#include <utility>

namespace wit {

// Status is the outcome of an operation that can fail in an expected way. Each code maps onto
// one HTTP status (HttpStatusOf below): InvalidArgument→400, Unauthenticated→401,
// PermissionDenied→403, NotFound→404, FailedPrecondition→409, Unavailable→503, Internal→500.
//
//   Status s = log.Append(event);
//   if (!s.ok()) return s;
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidArgument,
    kUnauthenticated,
    kPermissionDenied,
    kNotFound,
    kFailedPrecondition,
    kUnavailable,
    kInternal,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }
  static Status Unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string message_;
};

// HttpStatusOf is the HTTP status the API answers for `code` (200 for kOk).
int HttpStatusOf(Status::Code code);

// CodeOfHttpStatus is the reverse, for clients: 400, 405 and 413 are kInvalidArgument; statuses
// the API does not send are kInternal.
Status::Code CodeOfHttpStatus(int http_status);

// HttpErrorCode is the API's `error.code` name for an HTTP status: "invalid_argument",
// "unauthenticated", "permission_denied", "not_found", "method_not_allowed",
// "payload_too_large", "failed_precondition", "unavailable", else "internal".
const char* HttpErrorCode(int http_status);

// StatusOr<T> holds either a value or a non-OK Status explaining why there is none.
//
//   StatusOr<Token> t = ParseToken(text);
//   if (!t.ok()) return t.status();
//   Use(*t);
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  StatusOr(Status status) : status_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace wit

#endif  // WIT_BASE_STATUS_H_
