#include "alerts/notify/matcher.h"

#include <re2/re2.h>

#include <algorithm>
#include <tuple>

#include "alerts/gotext/strconv.h"

namespace vitals::notify {

Result<Matcher> Matcher::create(ParsedMatcher spec) {
  Matcher matcher(std::move(spec));
  if (matcher.spec_.op == MatchOp::Regex || matcher.spec_.op == MatchOp::NotRegex) {
    // Anchored as Alertmanager does (`^(?:re)$`), so `card-.*` never matches `x-card-1`.
    auto regex = std::make_shared<re2::RE2>("^(?:" + matcher.spec_.value + ")$", RE2::Quiet);
    if (!regex->ok()) {
      return make_error(ErrorCode::InvalidArgument,
                        "invalid matcher regex \"" + matcher.spec_.value + "\": " + regex->error());
    }
    matcher.regex_ = std::move(regex);
  }
  return matcher;
}

Result<Matcher> Matcher::parse(std::string_view text) {
  auto spec = parse_label_matcher(text);
  if (!spec) return tl::unexpected(spec.error());
  return create(std::move(*spec));
}

bool Matcher::matches_value(std::string_view value) const {
  switch (spec_.op) {
    case MatchOp::Equal:
      return value == spec_.value;
    case MatchOp::NotEqual:
      return value != spec_.value;
    case MatchOp::Regex:
      return RE2::FullMatch(value, *regex_);
    case MatchOp::NotRegex:
      return !RE2::FullMatch(value, *regex_);
  }
  return false;
}

bool Matcher::matches(const LabelPairs& labels) const {
  return matches_value(label_value(labels, spec_.name));
}

std::string Matcher::to_string() const {
  return spec_.name + std::string(vitals::to_string(spec_.op)) + gotext::quote(spec_.value);
}

std::string_view label_value(const LabelPairs& labels, std::string_view name) {
  for (const LabelPair& pair : labels) {
    if (pair.name == name) return pair.value;
  }
  return {};
}

Result<std::vector<Matcher>> parse_matchers(const std::vector<std::string>& texts) {
  std::vector<Matcher> out;
  out.reserve(texts.size());
  for (const std::string& text : texts) {
    auto matcher = Matcher::parse(text);
    if (!matcher) return tl::unexpected(matcher.error());
    out.push_back(std::move(*matcher));
  }
  return out;
}

bool matches_all(const std::vector<Matcher>& matchers, const LabelPairs& labels) {
  return std::all_of(matchers.begin(), matchers.end(),
                     [&](const Matcher& m) { return m.matches(labels); });
}

std::string matchers_text(const std::vector<Matcher>& matchers) {
  std::vector<const ParsedMatcher*> sorted;
  for (const Matcher& m : matchers) sorted.push_back(&m.spec());
  // Alertmanager sorts a route's matchers by name, then value, then type before keying it.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const ParsedMatcher* a, const ParsedMatcher* b) {
                     return std::tie(a->name, a->value, a->op) < std::tie(b->name, b->value, b->op);
                   });
  std::string out = "{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) out += ',';
    out += sorted[i]->name + std::string(vitals::to_string(sorted[i]->op)) +
           gotext::quote(sorted[i]->value);
  }
  return out + "}";
}

}  // namespace vitals::notify
