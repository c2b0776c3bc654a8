// A label matcher compiled once for the notifier (routes, inhibit rules, silences), evaluated
// with Alertmanager's semantics: a missing label reads as "", regexes match the whole value.
// Immutable after create(); safe to share between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/config/matcher.h"
#include "agent/store/label_set.h"
#include "vitals/common/error.h"

namespace re2 {
class RE2;
}

namespace vitals::notify {

class Matcher {
 public:
  // InvalidArgument when a regex does not compile.
  static Result<Matcher> create(ParsedMatcher spec);
  // Parses Alertmanager's syntax (`severity="page"`) and compiles it.
  static Result<Matcher> parse(std::string_view text);

  bool matches(const LabelPairs& labels) const;
  bool matches_value(std::string_view value) const;

  const ParsedMatcher& spec() const { return spec_; }
  // Alertmanager's String(): name, operator and the value quoted as Go's %q, e.g.
  // `service=~"card-.*"`.
  std::string to_string() const;

 private:
  explicit Matcher(ParsedMatcher spec) : spec_(std::move(spec)) {}

  ParsedMatcher spec_;
  std::shared_ptr<const re2::RE2> regex_{};  // anchored; set for Regex and NotRegex
};

// The value of `name` in `labels`, "" when absent (Alertmanager reads missing labels as empty).
std::string_view label_value(const LabelPairs& labels, std::string_view name);

// Every matcher of `texts`, in order; the first that fails to parse is the error.
Result<std::vector<Matcher>> parse_matchers(const std::vector<std::string>& texts);
// True when every matcher matches (so an empty list matches everything).
bool matches_all(const std::vector<Matcher>& matchers, const LabelPairs& labels);
// Alertmanager's Matchers.String() after its sort (name, value, type): `{a="1",b=~"x"}`.
std::string matchers_text(const std::vector<Matcher>& matchers);

}  // namespace vitals::notify
