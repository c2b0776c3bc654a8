#include "alerts/promql/metric_names.h"

#include <algorithm>

namespace vitals::promql {
namespace {

// Calls `on_selector` for every selector of the tree, in any order.
template <class OnSelector>
void for_each_selector(const Expr& expr, OnSelector& on_selector) {
  auto child = [&](const ExprPtr& e) {
    if (e) for_each_selector(*e, on_selector);
  };
  std::visit(
      [&](const auto& node) {
        using Node = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<Node, VectorSelector>) {
          on_selector(node);
        } else if constexpr (std::is_same_v<Node, MatrixSelector>) {
          on_selector(node.selector);
        } else if constexpr (std::is_same_v<Node, Subquery> || std::is_same_v<Node, Unary> ||
                             std::is_same_v<Node, Paren>) {
          child(node.expr);
        } else if constexpr (std::is_same_v<Node, Call>) {
          for (const ExprPtr& arg : node.args) child(arg);
        } else if constexpr (std::is_same_v<Node, Aggregate>) {
          child(node.expr);
          child(node.param);
        } else if constexpr (std::is_same_v<Node, Binary>) {
          child(node.lhs);
          child(node.rhs);
        }
      },
      expr.node);
}

bool matches_all(const std::vector<LabelMatcher>& matchers, const std::string& name) {
  return std::all_of(matchers.begin(), matchers.end(),
                     [&](const LabelMatcher& m) { return m.matches(name); });
}

}  // namespace

MetricNames MetricNames::read_by(const Expr& expr) {
  MetricNames names;
  auto add = [&](const VectorSelector& selector) { names.add(selector); };
  for_each_selector(expr, add);
  std::sort(names.exact_.begin(), names.exact_.end());
  names.exact_.erase(std::unique(names.exact_.begin(), names.exact_.end()), names.exact_.end());
  return names;
}

void MetricNames::add(const VectorSelector& selector) {
  std::vector<LabelMatcher> on_name;
  for (const LabelMatcher& m : selector.matchers) {
    if (m.name() != "__name__") continue;
    if (m.op() == MatchOp::Equal) {
      exact_.push_back(m.value());
      return;
    }
    on_name.push_back(m);
  }
  patterns_.push_back(std::move(on_name));
}

void MetricNames::merge(const MetricNames& other) {
  std::vector<std::string> exact;
  std::set_union(exact_.begin(), exact_.end(), other.exact_.begin(), other.exact_.end(),
                 std::back_inserter(exact));
  exact_ = std::move(exact);
  patterns_.insert(patterns_.end(), other.patterns_.begin(), other.patterns_.end());
}

bool MetricNames::any_of(std::span<const std::string> names) const {
  // Both sorted: one merge-like pass.
  auto wanted = exact_.begin();
  for (const std::string& name : names) {
    wanted = std::lower_bound(wanted, exact_.end(), name);
    if (wanted == exact_.end()) break;
    if (*wanted == name) return true;
  }
  for (const auto& matchers : patterns_) {
    if (matchers.empty() && !names.empty()) return true;
    for (const std::string& name : names) {
      if (matches_all(matchers, name)) return true;
    }
  }
  return false;
}

}  // namespace vitals::promql
