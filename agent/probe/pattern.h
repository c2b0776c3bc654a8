// A regular expression from a probe's configuration (RE2, unanchored), and the quoting of what
// a target sent for an error message. Internal to the probers; immutable after construction.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <string>
#include <string_view>

namespace vitals::detail {

class Pattern {
 public:
  // An empty `text` is no expectation: everything matches.
  explicit Pattern(const std::string& text);

  bool empty() const { return re_ == nullptr; }
  // Why the pattern did not compile; "" when it did. (The configuration is validated, so this
  // only guards probers built from unchecked structs.)
  const std::string& error() const { return error_; }
  const std::string& text() const { return text_; }
  // True when the pattern matches anywhere in `subject`, or is empty.
  bool search(std::string_view subject) const;

 private:
  std::string text_;
  std::string error_{};
  std::unique_ptr<RE2> re_{};
};

// `data` in double quotes, non-printable bytes escaped, cut at `limit` bytes with "…".
std::string quote_excerpt(std::string_view data, std::size_t limit = 80);

}  // namespace vitals::detail
