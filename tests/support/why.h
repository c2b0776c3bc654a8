// The reason to print beside a Result check. doctest may evaluate a _MESSAGE argument even when
// the check passes (under -s), so the message must be safe to build from a successful Result.
#pragma once

#include <string>

#include "vitals/common/error.h"

namespace vitals::testing {

template <class T>
std::string why(const Result<T>& result) {
  return result ? std::string("ok") : to_string(result.error());
}

}  // namespace vitals::testing
