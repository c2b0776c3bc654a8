#include "alerts/promql/printer.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

#include "alerts/promql/quoting.h"

namespace vitals::promql {
namespace {

std::string label_name(const std::string& name) {
  return is_legacy_label_name(name) ? name : go_quote(name);
}

std::string label_list(const std::vector<std::string>& labels) {
  std::string out;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ", ";
    out += label_name(labels[i]);
  }
  return out;
}

std::string at_suffix(const std::optional<AtModifier>& at) {
  if (!at) return {};
  switch (at->kind) {
    case AtModifier::Kind::Start:
      return " @ start()";
    case AtModifier::Kind::End:
      return " @ end()";
    case AtModifier::Kind::Timestamp:
      break;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, " @ %.3f", static_cast<double>(at->timestamp_ms) / 1000.0);
  return buffer;
}

std::string offset_suffix(std::int64_t offset_ms) {
  if (offset_ms == 0) return {};
  return " offset " + format_duration_ms(offset_ms);
}

// The selector without its modifiers: `name{sorted matchers}`. The matcher that repeats the
// written name is left out.
std::string selector_body(const VectorSelector& selector) {
  std::vector<std::string> matchers;
  for (const LabelMatcher& matcher : selector.matchers) {
    const bool is_name = matcher.name() == "__name__" && matcher.op() == MatchOp::Equal &&
                         matcher.value() == selector.name && !selector.name.empty();
    if (!is_name) matchers.push_back(format(matcher));
  }
  std::string out = selector.name;
  if (matchers.empty()) return out;
  std::sort(matchers.begin(), matchers.end());
  out += '{';
  for (std::size_t i = 0; i < matchers.size(); ++i) {
    if (i > 0) out += ',';
    out += matchers[i];
  }
  return out + '}';
}

std::string matching_clause(const std::optional<VectorMatching>& matching) {
  if (!matching) return {};
  const bool grouped =
      matching->card == Cardinality::ManyToOne || matching->card == Cardinality::OneToMany;
  std::string out;
  if (!matching->labels.empty() || matching->on || grouped) {
    out += matching->on ? " on (" : " ignoring (";
    out += label_list(matching->labels) + ")";
  }
  if (grouped) {
    out += matching->card == Cardinality::ManyToOne ? " group_left (" : " group_right (";
    out += label_list(matching->include) + ")";
  }
  return out;
}

struct Printer {
  std::string operator()(const NumberLiteral& number) const {
    if (number.duration && std::isfinite(number.value)) {
      return format_duration_ms(std::llround(number.value * 1000));
    }
    return format_number(number.value);
  }
  std::string operator()(const StringLiteral& string) const { return go_quote(string.value); }
  std::string operator()(const VectorSelector& selector) const {
    return selector_body(selector) + at_suffix(selector.at) + offset_suffix(selector.offset_ms);
  }
  std::string operator()(const MatrixSelector& matrix) const {
    return selector_body(matrix.selector) + "[" + format_duration_ms(matrix.range_ms) + "]" +
           at_suffix(matrix.selector.at) + offset_suffix(matrix.selector.offset_ms);
  }
  std::string operator()(const Subquery& subquery) const {
    const std::string step = subquery.step_ms != 0 ? format_duration_ms(subquery.step_ms) : "";
    return format(*subquery.expr) + "[" + format_duration_ms(subquery.range_ms) + ":" + step + "]" +
           at_suffix(subquery.at) + offset_suffix(subquery.offset_ms);
  }
  std::string operator()(const Call& call) const {
    std::string out = call.function + "(";
    for (std::size_t i = 0; i < call.args.size(); ++i) {
      if (i > 0) out += ", ";
      out += format(*call.args[i]);
    }
    return out + ")";
  }
  std::string operator()(const Aggregate& aggregate) const {
    std::string out(to_string(aggregate.op));
    if (aggregate.without) {
      out += " without (" + label_list(aggregate.grouping) + ") ";
    } else if (!aggregate.grouping.empty()) {
      out += " by (" + label_list(aggregate.grouping) + ") ";
    }
    out += "(";
    if (aggregate.param) out += format(*aggregate.param) + ", ";
    return out + format(*aggregate.expr) + ")";
  }
  std::string operator()(const Unary& unary) const {
    return (unary.negate ? "-" : "+") + format(*unary.expr);
  }
  std::string operator()(const Binary& binary) const {
    std::string lhs = format(*binary.lhs);
    // "+Inf ^ 2" would read back as +(Inf ^ 2): a sign binds looser than ^.
    if (binary.op == BinaryOp::Pow && lhs == "+Inf") lhs = "Inf";
    return lhs + " " + std::string(to_string(binary.op)) + (binary.return_bool ? " bool" : "") +
           matching_clause(binary.matching) + " " + format(*binary.rhs);
  }
  std::string operator()(const Paren& paren) const { return "(" + format(*paren.expr) + ")"; }
};

}  // namespace

std::string format(const Expr& expr) {
  return std::visit(Printer{}, expr.node);
}

std::string format(const LabelMatcher& matcher) {
  return label_name(matcher.name()) + std::string(to_string(matcher.op())) +
         go_quote(matcher.value());
}

std::string format_duration_ms(std::int64_t ms) {
  if (ms == 0) return "0s";
  std::string out = ms < 0 ? "-" : "";
  // Negating the most negative value is undefined; no written duration comes near it.
  std::uint64_t rest = ms < 0 ? static_cast<std::uint64_t>(-(ms + 1)) + 1 : ms;
  struct Unit {
    const char* name;
    std::uint64_t ms;
    bool exact;  // only when it divides evenly: "90d" reads better than "12w6d"
  };
  constexpr Unit kUnits[] = {{"y", 365ULL * 24 * 3600 * 1000, true},
                             {"w", 7ULL * 24 * 3600 * 1000, true},
                             {"d", 24ULL * 3600 * 1000, false},
                             {"h", 3600ULL * 1000, false},
                             {"m", 60ULL * 1000, false},
                             {"s", 1000, false},
                             {"ms", 1, false}};
  for (const Unit& unit : kUnits) {
    if (unit.exact && rest % unit.ms != 0) continue;
    if (const std::uint64_t count = rest / unit.ms; count > 0) {
      out += std::to_string(count) + unit.name;
      rest -= count * unit.ms;
    }
  }
  return out;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[512];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
  return std::string(buffer, result.ptr);
}

}  // namespace vitals::promql
