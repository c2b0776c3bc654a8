#include "vitals/common/error.h"

namespace vitals {

std::string to_string(const Error& error) {
  if (!error.where) return error.message;
  const SourceLocation& at = *error.where;
  return at.file + ":" + std::to_string(at.line) + ":" + std::to_string(at.column) + ": " +
         error.message;
}

}  // namespace vitals
