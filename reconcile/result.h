// Errors as values at the host edge: Result<T> holds a T or an Error naming the object and cause.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sriov {

struct Error {
  Error() = default;
  Error(std::string message, int code = 0) : message(std::move(message)), code(code) {}
  // An error at line:col (1-based, col in characters) of fileName: message reads
  // "FILE:LINE:COL: detail".
  static Error at(const std::string& fileName, int line, int col, std::string detail) {
    Error e(fileName + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + detail);
    e.line = line;
    e.col = col;
    e.detail = std::move(detail);
    return e;
  }

  std::string message;  // full sentence naming the object and the cause, no trailing period
  int code = 0;         // errno (or libvirt error code) when one is known, else 0
  // An error at a place in an input file (a state file's bad key): its 1-based line and column,
  // and the message without the "FILE:LINE:COL: " that `message` starts with. 0 and empty when
  // the error has no place.
  int line = 0;
  int col = 0;
  std::string detail;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace sriov
