// Errors are values: a code, a message for people, and where in a source file it happened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace vitals {

enum class ErrorCode : std::uint8_t {
  InvalidArgument,  // the caller's input is wrong (config, rule, flag, request)
  NotFound,
  Unavailable,  // a resource (socket, file, database) could not be used right now
  Timeout,
  Internal,
};

struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
  std::optional<SourceLocation> where;
};

// "file:line:col: message" when the location is known, else the message alone.
std::string to_string(const Error& error);

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(ErrorCode code, std::string message,
                                        std::optional<SourceLocation> where = std::nullopt) {
  return tl::unexpected<Error>(Error{code, std::move(message), std::move(where)});
}

}  // namespace vitals
