// Prometheus' checkAST for a parsed tree: the same checks in the same order, so the first error
// reported is the one Prometheus reports first.
#include <string>

#include "alerts/promql/expr_parser.h"
#include "alerts/promql/functions.h"
#include "alerts/promql/quoting.h"

namespace vitals::promql::detail {
namespace {

// Prometheus' ValueType.String(), which one message uses instead of the documented names.
std::string_view internal_name(ValueType type) {
  switch (type) {
    case ValueType::Scalar:
      return "scalar";
    case ValueType::Vector:
      return "vector";
    case ValueType::Matrix:
      return "matrix";
    case ValueType::String:
      return "string";
  }
  return "none";
}

bool is_operand_type(ValueType type) {
  return type == ValueType::Scalar || type == ValueType::Vector;
}

class TypeChecker {
 public:
  explicit TypeChecker(std::string_view query) : query_(query) {}

  // The expression's type once it and everything below it passed; `label_selectors_only` is
  // info()'s second argument, which may select nothing but labels.
  Result<ValueType> check(Expr& expr, bool label_selectors_only = false);

 private:
  Result<void> check_selector(const VectorSelector& selector, const Span& span,
                              bool label_selectors_only) const;
  Result<void> check_binary(Binary& binary, const Span& span);
  Result<void> check_call(Call& call, const Span& span);
  Result<void> check_aggregate(Aggregate& aggregate);
  Result<void> expect_type(Expr& expr, ValueType want, std::string_view context);
  std::size_t operator_pos(const Binary& binary) const;

  tl::unexpected<Error> fail(std::size_t pos, std::string_view message) const {
    return parse_error(query_, pos, message);
  }

  std::string_view query_;
};

Result<ValueType> TypeChecker::check(Expr& expr, bool label_selectors_only) {
  const ValueType type = expr.type();
  Result<void> checked;
  if (auto* selector = std::get_if<VectorSelector>(&expr.node)) {
    checked = check_selector(*selector, expr.span, label_selectors_only);
  } else if (auto* matrix = std::get_if<MatrixSelector>(&expr.node)) {
    checked = check_selector(matrix->selector, expr.span, false);
  } else if (auto* subquery = std::get_if<Subquery>(&expr.node)) {
    auto inner = check(*subquery->expr);
    if (!inner) return inner;
    if (*inner != ValueType::Vector) {
      return fail(expr.span.begin, "subquery is only allowed on instant vector, got " +
                                       std::string(internal_name(*inner)) + " instead");
    }
  } else if (auto* call = std::get_if<Call>(&expr.node)) {
    checked = check_call(*call, expr.span);
  } else if (auto* aggregate = std::get_if<Aggregate>(&expr.node)) {
    checked = check_aggregate(*aggregate);
  } else if (auto* unary = std::get_if<Unary>(&expr.node)) {
    auto inner = check(*unary->expr);
    if (!inner) return inner;
    if (!is_operand_type(*inner)) {
      return fail(expr.span.begin,
                  "unary expression only allowed on expressions of type scalar or instant "
                  "vector, got " +
                      go_quote(to_string(*inner)));
    }
  } else if (auto* binary = std::get_if<Binary>(&expr.node)) {
    checked = check_binary(*binary, expr.span);
  } else if (auto* paren = std::get_if<Paren>(&expr.node)) {
    auto inner = check(*paren->expr);
    if (!inner) return inner;
  }
  if (!checked) return tl::unexpected(checked.error());
  return type;
}

Result<void> TypeChecker::check_selector(const VectorSelector& selector, const Span& span,
                                         bool label_selectors_only) const {
  if (!selector.name.empty()) {
    // The first matcher is the written name; another __name__ matcher names it twice.
    for (std::size_t i = 1; i < selector.matchers.size(); ++i) {
      const LabelMatcher& matcher = selector.matchers[i];
      if (matcher.name() == "__name__") {
        return fail(span.begin, "metric name must not be set twice: " + go_quote(selector.name) +
                                    " or " + go_quote(matcher.value()));
      }
    }
    return {};
  }
  if (label_selectors_only) return {};
  for (const LabelMatcher& matcher : selector.matchers) {
    if (!matcher.matches("")) return {};
  }
  // Selecting every series by accident (a typo in a name) is refused.
  return fail(span.begin, "vector selector must contain at least one non-empty matcher");
}

Result<void> TypeChecker::check_call(Call& call, const Span& span) {
  const Function& function = *find_function(call.function);
  const std::size_t count = call.args.size();
  const std::string name = go_quote(function.name);
  const std::string got = ", got " + std::to_string(count);
  if (function.variadic == 0) {
    if (count != function.arg_types.size()) {
      return fail(span.begin, "expected " + std::to_string(function.arg_types.size()) +
                                  " argument(s) in call to " + name + got);
    }
  } else if (count < function.min_args()) {
    return fail(span.begin, "expected at least " + std::to_string(function.min_args()) +
                                " argument(s) in call to " + name + got);
  } else if (auto max = function.max_args(); max && count > *max) {
    return fail(span.begin, "expected at most " + std::to_string(*max) +
                                " argument(s) in call to " + name + got);
  }
  bool labels_only = false;
  if (function.name == "info" && count > 1) {
    Expr& labels = *call.args[1];
    if (labels.type() != ValueType::Vector) {
      return fail(span.begin, "expected type instant vector in call to function " + name +
                                  ", got " + std::string(to_string(labels.type())));
    }
    auto* selector = std::get_if<VectorSelector>(&labels.node);
    if (selector && !selector->name.empty()) {
      return fail(labels.span.begin, "expected label selectors only, got vector selector instead");
    }
    if (!selector) return fail(labels.span.begin, "expected label selectors only");
    labels_only = true;
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (i >= function.arg_types.size() && function.variadic == 0) break;
    auto type = check(*call.args[i], labels_only && i == 1);
    if (!type) return tl::unexpected(type.error());
    const ValueType want = function.arg_type(i);
    if (*type != want) {
      return fail(call.args[i]->span.begin, "expected type " + std::string(to_string(want)) +
                                                " in call to function " + name + ", got " +
                                                std::string(to_string(*type)));
    }
  }
  return {};
}

Result<void> TypeChecker::check_aggregate(Aggregate& aggregate) {
  if (auto checked = expect_type(*aggregate.expr, ValueType::Vector, "aggregation expression");
      !checked) {
    return checked;
  }
  switch (aggregate.op) {
    case AggregateOp::Topk:
    case AggregateOp::Bottomk:
    case AggregateOp::Quantile:
    case AggregateOp::Limitk:
    case AggregateOp::LimitRatio:
      return expect_type(*aggregate.param, ValueType::Scalar, "aggregation parameter");
    case AggregateOp::CountValues:
      return expect_type(*aggregate.param, ValueType::String, "aggregation parameter");
    default:
      return {};
  }
}

Result<void> TypeChecker::expect_type(Expr& expr, ValueType want, std::string_view context) {
  auto type = check(expr);
  if (!type) return tl::unexpected(type.error());
  if (*type == want) return {};
  return fail(expr.span.begin, "expected type " + std::string(to_string(want)) + " in " +
                                   std::string(context) + ", got " + std::string(to_string(*type)));
}

Result<void> TypeChecker::check_binary(Binary& binary, const Span& span) {
  auto lhs = check(*binary.lhs);
  if (!lhs) return tl::unexpected(lhs.error());
  auto rhs = check(*binary.rhs);
  if (!rhs) return tl::unexpected(rhs.error());
  const std::string op = go_quote(to_string(binary.op));
  if (binary.return_bool && !is_comparison(binary.op)) {
    return fail(operator_pos(binary), "bool modifier can only be used on comparison operators");
  }
  if (is_comparison(binary.op) && !binary.return_bool && *lhs == ValueType::Scalar &&
      *rhs == ValueType::Scalar) {
    return fail(operator_pos(binary), "comparisons between scalars must use BOOL modifier");
  }
  VectorMatching& matching = *binary.matching;
  if (is_set_operator(binary.op) && matching.card == Cardinality::OneToOne) {
    matching.card = Cardinality::ManyToMany;
  }
  for (const std::string& label : matching.labels) {
    for (const std::string& included : matching.include) {
      if (label == included && matching.on) {
        return fail(operator_pos(binary),
                    "label " + go_quote(label) + " must not occur in ON and GROUP clause at once");
      }
    }
  }
  constexpr std::string_view kOperands =
      "binary expression must contain only scalar and instant vector types";
  if (!is_operand_type(*lhs)) return fail(binary.lhs->span.begin, kOperands);
  if (!is_operand_type(*rhs)) return fail(binary.rhs->span.begin, kOperands);
  if (*lhs != ValueType::Vector || *rhs != ValueType::Vector) {
    if (!matching.labels.empty()) {
      return fail(span.begin, "vector matching only allowed between instant vectors");
    }
    binary.matching.reset();
  } else if (is_set_operator(binary.op)) {
    if (matching.card == Cardinality::OneToMany || matching.card == Cardinality::ManyToOne) {
      return fail(span.begin, "no grouping allowed for " + op + " operation");
    }
    if (matching.card != Cardinality::ManyToMany) {
      return fail(span.begin, "set operations must always be many-to-many");
    }
  }
  if ((*lhs == ValueType::Scalar || *rhs == ValueType::Scalar) && is_set_operator(binary.op)) {
    return fail(span.begin, "set operator " + op + " not allowed in binary scalar expression");
  }
  return {};
}

// Where the operator starts: the first non-space after the left operand, as Prometheus finds it.
std::size_t TypeChecker::operator_pos(const Binary& binary) const {
  std::size_t pos = binary.lhs->span.end;
  while (pos < query_.size() && (query_[pos] == ' ' || query_[pos] == '\t' || query_[pos] == '\n' ||
                                 query_[pos] == '\r')) {
    ++pos;
  }
  return pos;
}

}  // namespace

Result<void> check_types(Expr& expr, std::string_view query) {
  auto type = TypeChecker(query).check(expr);
  if (!type) return tl::unexpected(type.error());
  return {};
}

}  // namespace vitals::promql::detail
