// PromQL's binary operators: arithmetic, comparisons (filtering, or 0/1 with `bool`), the set
// operators, and vector matching with on/ignoring and group_left/group_right, as Prometheus'
// engine does them (VectorBinop, VectorAnd/Or/Unless, VectorscalarBinop).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "alerts/promql/evaluator.h"

namespace vitals::promql::detail {
namespace {

struct Outcome {
  double value = 0;
  bool keep = true;  // comparisons: whether the pair passes
};

Outcome compute(BinaryOp op, double lhs, double rhs) {
  switch (op) {
    case BinaryOp::Add:
      return {lhs + rhs};
    case BinaryOp::Sub:
      return {lhs - rhs};
    case BinaryOp::Mul:
      return {lhs * rhs};
    case BinaryOp::Div:
      return {lhs / rhs};
    case BinaryOp::Mod:
      return {std::fmod(lhs, rhs)};
    case BinaryOp::Pow:
      return {std::pow(lhs, rhs)};
    case BinaryOp::Atan2:
      return {std::atan2(lhs, rhs)};
    case BinaryOp::Eql:
      return {lhs, lhs == rhs};
    case BinaryOp::Neq:
      return {lhs, lhs != rhs};
    case BinaryOp::Gtr:
      return {lhs, lhs > rhs};
    case BinaryOp::Lss:
      return {lhs, lhs < rhs};
    case BinaryOp::Gte:
      return {lhs, lhs >= rhs};
    case BinaryOp::Lte:
      return {lhs, lhs <= rhs};
    default:
      return {0, false};  // set operators never reach here
  }
}

bool drops_name(BinaryOp op) {
  return !is_comparison(op) && !is_set_operator(op);
}

// The labels two samples must share to match: on(…)'s, or all but ignoring(…)'s and __name__.
std::string signature(const LabelPairs& labels, const VectorMatching& matching) {
  std::string key;
  for (const LabelPair& label : labels) {
    bool listed = std::find(matching.labels.begin(), matching.labels.end(), label.name) !=
                  matching.labels.end();
    bool include = matching.on ? listed : !listed && label.name != "__name__";
    if (!include) continue;
    key += label.name;
    key += '\xff';
    key += label.value;
    key += '\xff';
  }
  return key;
}

LabelPairs matched_labels(const LabelPairs& labels, const VectorMatching& matching) {
  LabelPairs out;
  for (const LabelPair& label : labels) {
    bool listed = std::find(matching.labels.begin(), matching.labels.end(), label.name) !=
                  matching.labels.end();
    if (matching.on ? listed : !listed && label.name != "__name__") out.push_back(label);
  }
  return out;
}

Value scalars(const Binary& binary, double lhs, double rhs) {
  Outcome outcome = compute(binary.op, lhs, rhs);
  if (is_comparison(binary.op)) return Scalar{outcome.keep ? 1.0 : 0.0};
  return Scalar{outcome.value};
}

// A vector against a scalar; `scalar_on_left` for `2 * x`.
Value vector_scalar(const Binary& binary, Vector vector, double scalar, bool scalar_on_left) {
  Vector out;
  for (Sample& sample : vector) {
    double lhs = scalar_on_left ? scalar : sample.value;
    double rhs = scalar_on_left ? sample.value : scalar;
    Outcome outcome = compute(binary.op, lhs, rhs);
    // A comparison keeps the vector's value, whichever side it is on.
    if (is_comparison(binary.op)) outcome.value = sample.value;
    if (binary.return_bool) {
      outcome.value = outcome.keep ? 1 : 0;
      outcome.keep = true;
    }
    if (!outcome.keep) continue;
    sample.value = outcome.value;
    if (drops_name(binary.op) || binary.return_bool) sample.drop_name = true;
    out.push_back(std::move(sample));
  }
  return out;
}

Value vector_and(Vector lhs, const Vector& rhs, const VectorMatching& matching) {
  std::set<std::string> right;
  for (const Sample& sample : rhs) right.insert(signature(sample.labels, matching));
  Vector out;
  for (Sample& sample : lhs) {
    if (right.contains(signature(sample.labels, matching))) out.push_back(std::move(sample));
  }
  return out;
}

Value vector_or(Vector lhs, Vector rhs, const VectorMatching& matching) {
  std::set<std::string> left;
  for (const Sample& sample : lhs) left.insert(signature(sample.labels, matching));
  Vector out = std::move(lhs);
  for (Sample& sample : rhs) {
    if (!left.contains(signature(sample.labels, matching))) out.push_back(std::move(sample));
  }
  return out;
}

Value vector_unless(Vector lhs, const Vector& rhs, const VectorMatching& matching) {
  std::set<std::string> right;
  for (const Sample& sample : rhs) right.insert(signature(sample.labels, matching));
  Vector out;
  for (Sample& sample : lhs) {
    if (!right.contains(signature(sample.labels, matching))) out.push_back(std::move(sample));
  }
  return out;
}

// The labels of a matched pair's result: the "many" side's, cut down by on/ignoring in
// one-to-one matching, with group_x's labels copied from the "one" side.
LabelPairs result_labels(const LabelPairs& many, const LabelPairs& one,
                         const VectorMatching& matching) {
  LabelPairs labels = many;
  if (matching.card == Cardinality::OneToOne) {
    if (matching.on) {
      std::erase_if(labels, [&](const LabelPair& l) {
        return std::find(matching.labels.begin(), matching.labels.end(), l.name) ==
               matching.labels.end();
      });
    } else {
      for (const std::string& name : matching.labels) drop_label(labels, name);
    }
  }
  for (const std::string& name : matching.include) {
    const std::string* value = find_label(one, name);
    set_label(labels, name, value ? *value : "");
  }
  return labels;
}

Result<Value> vector_vector(const Binary& binary, Vector lhs, Vector rhs,
                            const VectorMatching& matching) {
  const bool one_to_many = matching.card == Cardinality::OneToMany;
  if (one_to_many) std::swap(lhs, rhs);  // lhs is now the "many" side
  std::unordered_map<std::string, const Sample*> right;
  for (const Sample& sample : rhs) {
    auto [it, added] = right.emplace(signature(sample.labels, matching), &sample);
    if (!added) {
      std::string first = format_labels(sample.labels);
      std::string second = format_labels(it->second->labels);
      if (second < first) std::swap(first, second);
      return make_error(
          ErrorCode::InvalidArgument,
          "found duplicate series for the match group " +
              format_labels(matched_labels(sample.labels, matching)) + " on the " +
              (one_to_many ? "left" : "right") + " hand-side of the operation: [" + first + ", " +
              second +
              "];many-to-many matching not allowed: matching labels must be unique on one side");
    }
  }
  std::unordered_map<std::string, std::set<std::string>> matched;  // signature -> results
  Vector out;
  for (const Sample& sample : lhs) {
    std::string sig = signature(sample.labels, matching);
    auto found = right.find(sig);
    if (found == right.end()) continue;
    const Sample& other = *found->second;
    double left_value = sample.value;
    double right_value = other.value;
    if (one_to_many) std::swap(left_value, right_value);
    // Two samples of one match group are an error even when a comparison would drop them.
    auto [results, first] = matched.try_emplace(sig);
    if (matching.card == Cardinality::OneToOne && !first) {
      return make_error(ErrorCode::InvalidArgument,
                        "multiple matches for labels: many-to-one matching must be explicit "
                        "(group_left/group_right)");
    }
    Outcome outcome = compute(binary.op, left_value, right_value);
    if (binary.return_bool) {
      outcome.value = outcome.keep ? 1 : 0;
    } else if (!outcome.keep) {
      continue;
    }
    LabelPairs labels = result_labels(sample.labels, other.labels, matching);
    if (matching.card != Cardinality::OneToOne &&
        !results->second.insert(label_key(labels)).second) {
      return make_error(ErrorCode::InvalidArgument,
                        "multiple matches for labels: grouping labels must ensure unique matches");
    }
    out.push_back(
        Sample{.labels = std::move(labels),
               .value = outcome.value,
               .drop_name = sample.drop_name || drops_name(binary.op) || binary.return_bool});
  }
  return Value{std::move(out)};
}

}  // namespace

Result<Value> apply_binary(const Binary& binary, Value lhs, Value rhs) {
  auto* left_scalar = std::get_if<Scalar>(&lhs);
  auto* right_scalar = std::get_if<Scalar>(&rhs);
  if (left_scalar && right_scalar) return scalars(binary, left_scalar->value, right_scalar->value);
  if (right_scalar) {
    return vector_scalar(binary, std::get<Vector>(std::move(lhs)), right_scalar->value, false);
  }
  if (left_scalar) {
    return vector_scalar(binary, std::get<Vector>(std::move(rhs)), left_scalar->value, true);
  }
  VectorMatching matching = binary.matching.value_or(VectorMatching{});
  if (is_set_operator(binary.op)) matching.card = Cardinality::ManyToMany;
  Vector left = std::get<Vector>(std::move(lhs));
  Vector right = std::get<Vector>(std::move(rhs));
  switch (binary.op) {
    case BinaryOp::And:
      return vector_and(std::move(left), right, matching);
    case BinaryOp::Or:
      return vector_or(std::move(left), std::move(right), matching);
    case BinaryOp::Unless:
      return vector_unless(std::move(left), right, matching);
    default:
      return vector_vector(binary, std::move(left), std::move(right), matching);
  }
}

}  // namespace vitals::promql::detail
