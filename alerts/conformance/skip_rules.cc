#include "alerts/conformance/skip_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <utility>

#include "agent/store/postings.h"

namespace vitals::conformance {
namespace {

constexpr std::string_view kNative = "native histograms";
constexpr std::string_view kExperimental = "experimental functions";

// Prometheus' experimental functions (Experimental: true in promql/parser/functions.go) and
// aggregations (limitk, limit_ratio), the histogram functions other than histogram_quantile
// (Prometheus also takes classic buckets in histogram_fraction; vitals does not), info(), and
// the binary-operator fill modifiers.
constexpr std::array<FunctionSkip, 29> kFunctionSkips{{
    {"histogram_count", kNative},
    {"histogram_sum", kNative},
    {"histogram_avg", kNative},
    {"histogram_stddev", kNative},
    {"histogram_stdvar", kNative},
    {"histogram_fraction", kNative},
    {"info", "info()"},
    {"fill", "fill modifier"},
    {"fill_left", "fill modifier"},
    {"fill_right", "fill modifier"},
    {"double_exponential_smoothing", kExperimental},
    {"first_over_time", kExperimental},
    {"histogram_quantiles", kExperimental},
    {"integral", kExperimental},
    {"mad_over_time", kExperimental},
    {"ts_of_first_over_time", kExperimental},
    {"ts_of_last_over_time", kExperimental},
    {"ts_of_max_over_time", kExperimental},
    {"ts_of_min_over_time", kExperimental},
    {"sort_by_label", kExperimental},
    {"sort_by_label_desc", kExperimental},
    {"limitk", kExperimental},
    {"limit_ratio", kExperimental},
    {"start", kExperimental},
    {"end", kExperimental},
    {"range", kExperimental},
    {"step", kExperimental},
    {"min_of", "duration expressions"},
    {"max_of", "duration expressions"},
}};

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view value_of(const LabelPairs& labels, std::string_view name) {
  for (const LabelPair& pair : labels) {
    if (pair.name == name) return pair.value;
  }
  return {};
}

MatchOp op_of(std::string_view op) {
  if (op == "!=") return MatchOp::NotEqual;
  if (op == "=~") return MatchOp::Regex;
  if (op == "!~") return MatchOp::NotRegex;
  return MatchOp::Equal;
}

// Whether a selector's matchers select any of `series`. A matcher that does not compile
// selects nothing (the query fails anyway).
bool selects_any(const std::vector<detail::MatcherText>& selector,
                 const std::vector<LabelPairs>& series) {
  if (series.empty()) return false;
  std::vector<LabelMatcher> matchers;
  for (const detail::MatcherText& m : selector) {
    auto matcher = LabelMatcher::make(m.name, op_of(m.op), m.value);
    if (!matcher) return false;
    matchers.push_back(std::move(*matcher));
  }
  return std::any_of(series.begin(), series.end(), [&](const LabelPairs& labels) {
    return std::all_of(matchers.begin(), matchers.end(), [&](const LabelMatcher& m) {
      return m.matches(value_of(labels, m.name()));
    });
  });
}

bool references(const detail::QueryFacts& facts, const std::vector<LabelPairs>& series) {
  return std::any_of(facts.selectors.begin(), facts.selectors.end(),
                     [&](const auto& selector) { return selects_any(selector, series); });
}

bool expects_histogram(const EvalCommand& eval) {
  return std::any_of(eval.series.begin(), eval.series.end(), [](const ExpectedSeries& s) {
    return std::any_of(s.values.begin(), s.values.end(),
                       [](const SeriesValue& v) { return v.kind == SeriesValue::Kind::Histogram; });
  });
}

// The native histogram load_with_nhcb makes of a classic histogram's series: the name without
// its _bucket/_count/_sum suffix, and no `le`; none for other series.
std::optional<LabelPairs> nhcb_of(const LabelPairs& labels) {
  const std::string_view name = value_of(labels, "__name__");
  for (std::string_view suffix : {"_bucket", "_count", "_sum"}) {
    if (!name.ends_with(suffix) || name.size() == suffix.size()) continue;
    LabelPairs out;
    for (const LabelPair& pair : labels) {
      if (pair.name == "le") continue;
      out.push_back(
          pair.name == "__name__"
              ? LabelPair{pair.name, std::string(name.substr(0, name.size() - suffix.size()))}
              : pair);
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::span<const FunctionSkip> function_skips() {
  return kFunctionSkips;
}

void SkipContext::load(const LoadCommand& load) {
  for (const SeriesDescription& series : load.series) {
    if (series.has_histograms()) native_.push_back(series.labels);
    if (load.with_nhcb) {
      if (auto nhcb = nhcb_of(series.labels)) nhcb_.push_back(std::move(*nhcb));
    }
  }
  for (const LabelPairs& labels : load.start_timestamps) {
    if (labels.empty()) {
      for (const SeriesDescription& series : load.series)
        start_timestamps_.push_back(series.labels);
    } else {
      start_timestamps_.push_back(labels);
    }
  }
}

void SkipContext::clear() {
  *this = SkipContext();
}

std::optional<std::string> SkipContext::reason(const EvalCommand& eval) const {
  if (!eval.unsupported.empty()) return "unsupported syntax";
  if (expects_histogram(eval)) return std::string(kNative);
  const detail::QueryFacts facts = detail::scan_query(eval.expr);
  if (facts.at_start_end) return "@ start()/end()";
  if (facts.duration_expression) return "duration expressions";
  if (facts.extended_range) return "extended range selectors";
  for (const std::string& call : facts.calls) {
    for (const FunctionSkip& skip : kFunctionSkips) {
      if (skip.function == call) return std::string(skip.reason);
    }
  }
  if (references(facts, native_)) return std::string(kNative);
  if (references(facts, nhcb_)) return "load_with_nhcb";
  if (references(facts, start_timestamps_)) return "start timestamps";
  if (eval.warn || eval.info) return "annotations";
  return std::nullopt;
}

namespace detail {
namespace {

struct Token {
  enum class Kind : std::uint8_t { Ident, String, Number, Bracket, Punct };
  Kind kind = Kind::Punct;
  std::string_view text{};  // a Bracket's text is what is between `[` and `]`
};

bool is_ident_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
}
bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// The index just past the literal starting at q[i] (the end when unterminated).
std::size_t skip_string(std::string_view q, std::size_t i) {
  const char quote = q[i];
  for (++i; i < q.size(); ++i) {
    if (q[i] == '\\' && quote != '`') {
      ++i;
    } else if (q[i] == quote) {
      return i + 1;
    }
  }
  return q.size();
}

std::size_t skip_bracket(std::string_view q, std::size_t i) {
  int depth = 0;
  for (; i < q.size(); ++i) {
    if (q[i] == '[') ++depth;
    if (q[i] == ']' && --depth == 0) return i + 1;
  }
  return q.size();
}

std::vector<Token> tokenize(std::string_view q) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    std::size_t end = i + 1;
    Token::Kind kind = Token::Kind::Punct;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#') {
      end = std::min(q.find('\n', i), q.size());
      i = end;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      kind = Token::Kind::String, end = skip_string(q, i);
    } else if (c == '[') {
      kind = Token::Kind::Bracket, end = skip_bracket(q, i);
    } else if (is_ident_start(c)) {
      kind = Token::Kind::Ident;
      while (end < q.size() && is_ident_char(q[end])) ++end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      kind = Token::Kind::Number;
      while (end < q.size() && (std::isalnum(static_cast<unsigned char>(q[end])) || q[end] == '.'))
        ++end;
    } else if (end < q.size() && (q[end] == '=' || q[end] == '~') &&
               std::string_view("!=<>").find(c) != std::string_view::npos) {
      ++end;  // != =~ !~ == <= >=
    }
    std::string_view text = q.substr(i, end - i);
    if (kind == Token::Kind::Bracket) {
      text = text.substr(1, text.ends_with(']') ? text.size() - 2 : text.size() - 1);
    }
    tokens.push_back({kind, text});
    i = end;
  }
  return tokens;
}

bool is_punct(const std::vector<Token>& tokens, std::size_t k, std::string_view text) {
  return k < tokens.size() && tokens[k].kind == Token::Kind::Punct && tokens[k].text == text;
}

bool is_keyword(const std::string& word) {
  static constexpr std::array<std::string_view, 16> kKeywords{
      "and", "or",      "unless", "bool",     "atan2",      "inf",         "nan",      "offset",
      "by",  "without", "on",     "ignoring", "group_left", "group_right", "anchored", "smoothed"};
  return std::find(kKeywords.begin(), kKeywords.end(), word) != kKeywords.end();
}

// Whether tokens[k] comes right after a selector, its range or its offset / @ modifier (so it
// is a modifier, not a metric name).
bool follows_selector(const std::vector<Token>& tokens, std::size_t k) {
  if (k == 0) return false;
  const Token& prev = tokens[k - 1];
  return prev.kind == Token::Kind::Bracket || prev.kind == Token::Kind::Ident ||
         prev.kind == Token::Kind::Number || is_punct(tokens, k - 1, "}");
}

// The index of the token closing the group opened at tokens[k] (or the last token).
std::size_t closing(const std::vector<Token>& tokens, std::size_t k, std::string_view open,
                    std::string_view close) {
  int depth = 0;
  for (; k < tokens.size(); ++k) {
    if (is_punct(tokens, k, open)) ++depth;
    if (is_punct(tokens, k, close) && --depth == 0) return k;
  }
  return tokens.size() - 1;
}

std::string unquoted(std::string_view literal) {
  auto text = unquote(literal);
  return text ? std::move(*text) : std::string(literal);
}

// The matchers of the `{…}` opened at tokens[k]; returns the index of its `}`.
std::size_t read_matchers(const std::vector<Token>& tokens, std::size_t k,
                          std::vector<MatcherText>& out) {
  const std::size_t end = closing(tokens, k, "{", "}");
  for (++k; k < end; ++k) {
    const Token& t = tokens[k];
    if (t.kind != Token::Kind::Ident && t.kind != Token::Kind::String) continue;
    std::string name = t.kind == Token::Kind::Ident ? std::string(t.text) : unquoted(t.text);
    const bool has_op = k + 2 < end && tokens[k + 1].kind == Token::Kind::Punct &&
                        tokens[k + 2].kind == Token::Kind::String;
    if (has_op) {
      out.push_back(
          {std::move(name), std::string(tokens[k + 1].text), unquoted(tokens[k + 2].text)});
      k += 2;
    } else if (t.kind == Token::Kind::String) {
      out.push_back({"__name__", "=", std::move(name)});
    }
  }
  return end;
}

// A range or subquery's `[…]` holds plain durations only, unless duration expressions are used.
bool plain_durations(std::string_view text) {
  std::size_t colon = text.find(':');
  std::array<std::string_view, 2> parts{text.substr(0, colon), colon == std::string_view::npos
                                                                   ? std::string_view("0")
                                                                   : text.substr(colon + 1)};
  for (std::size_t p = 0; p < parts.size(); ++p) {
    std::string_view part = parts[p];
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front())))
      part.remove_prefix(1);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back())))
      part.remove_suffix(1);
    if (part.empty() && p == 1) continue;
    if (part.empty() || !std::isdigit(static_cast<unsigned char>(part.front())) ||
        !parse_duration_ms(part)) {
      return false;
    }
  }
  return true;
}

}  // namespace

QueryFacts scan_query(std::string_view query) {
  QueryFacts facts;
  const std::vector<Token> tokens = tokenize(query);
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const Token& t = tokens[k];
    if (t.kind == Token::Kind::Bracket) {
      facts.duration_expression = facts.duration_expression || !plain_durations(t.text);
      continue;
    }
    if (is_punct(tokens, k, "{")) {
      std::vector<MatcherText> selector;
      k = read_matchers(tokens, k, selector);
      facts.selectors.push_back(std::move(selector));
      continue;
    }
    if (is_punct(tokens, k, "@")) {
      const bool call = k + 2 < tokens.size() && is_punct(tokens, k + 2, "(");
      const std::string next = k + 1 < tokens.size() ? lower(tokens[k + 1].text) : "";
      facts.at_start_end = facts.at_start_end || (call && (next == "start" || next == "end"));
      continue;
    }
    if (t.kind != Token::Kind::Ident) continue;
    const std::string word = lower(t.text);
    const bool label_list = word == "by" || word == "without" || word == "on" ||
                            word == "ignoring" || word == "group_left" || word == "group_right";
    if (label_list && is_punct(tokens, k + 1, "(")) {
      k = closing(tokens, k + 1, "(", ")");
      continue;
    }
    if (word == "offset") {
      std::size_t j = k + 1;
      if (is_punct(tokens, j, "-") || is_punct(tokens, j, "+")) ++j;
      const bool expression =
          j < tokens.size() && (is_punct(tokens, j, "(") || tokens[j].kind == Token::Kind::Ident);
      facts.duration_expression = facts.duration_expression || expression;
      continue;
    }
    if ((word == "anchored" || word == "smoothed") && follows_selector(tokens, k)) {
      facts.extended_range = true;
      continue;
    }
    const bool modifier_follows =
        k + 1 < tokens.size() && tokens[k + 1].kind == Token::Kind::Ident &&
        (lower(tokens[k + 1].text) == "by" || lower(tokens[k + 1].text) == "without");
    if (is_punct(tokens, k + 1, "(") || modifier_follows) {
      facts.calls.push_back(word);
      continue;
    }
    if (is_keyword(word)) continue;
    std::vector<MatcherText> selector{{"__name__", "=", std::string(t.text)}};
    if (is_punct(tokens, k + 1, "{")) k = read_matchers(tokens, k + 1, selector);
    facts.selectors.push_back(std::move(selector));
  }
  return facts;
}

}  // namespace detail
}  // namespace vitals::conformance
