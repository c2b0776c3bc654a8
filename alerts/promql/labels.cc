// Label helpers shared by the evaluator's pieces, and the delayed removal of __name__.
#include <algorithm>
#include <set>

#include "alerts/gotext/strconv.h"
#include "alerts/promql/evaluator.h"

namespace vitals::promql::detail {

const std::string* find_label(const LabelPairs& labels, std::string_view name) {
  for (const LabelPair& label : labels) {
    if (label.name == name) return &label.value;
  }
  return nullptr;
}

void set_label(LabelPairs& labels, std::string_view name, std::string_view value) {
  auto it = std::lower_bound(labels.begin(), labels.end(), name,
                             [](const LabelPair& l, std::string_view n) { return l.name < n; });
  const bool present = it != labels.end() && it->name == name;
  if (value.empty()) {
    if (present) labels.erase(it);
  } else if (present) {
    it->value = value;
  } else {
    labels.insert(it, LabelPair{std::string(name), std::string(value)});
  }
}

void drop_label(LabelPairs& labels, std::string_view name) {
  set_label(labels, name, "");
}

std::string label_key(const LabelPairs& labels) {
  std::string key;
  for (const LabelPair& label : labels) {
    key += label.name;
    key += '\xff';
    key += label.value;
    key += '\xff';
  }
  return key;
}

std::string format_labels(const LabelPairs& labels) {
  std::string out = "{";
  for (const LabelPair& label : labels) {
    if (out.size() > 1) out += ", ";
    out += label.name;
    out += '=';
    out += gotext::quote(label.value);  // labels.Labels.String quotes with strconv.Quote
  }
  out += '}';
  return out;
}

// Prometheus 3 drops the type and unit metadata labels together with the name.
void drop_name(LabelPairs& labels) {
  drop_label(labels, "__name__");
  drop_label(labels, "__type__");
  drop_label(labels, "__unit__");
}

Result<Vector> finish_vector(Vector vector) {
  std::set<std::string> seen;
  for (Sample& sample : vector) {
    if (sample.drop_name) drop_name(sample.labels);
    sample.drop_name = false;
    if (!seen.insert(label_key(sample.labels)).second) {
      return make_error(ErrorCode::InvalidArgument,
                        "vector cannot contain metrics with the same labelset");
    }
  }
  return vector;
}

Result<Matrix> finish_matrix(Matrix matrix) {
  std::set<std::string> seen;
  for (Series& series : matrix) {
    if (series.drop_name) drop_name(series.labels);
    series.drop_name = false;
    if (!seen.insert(label_key(series.labels)).second) {
      return make_error(ErrorCode::InvalidArgument,
                        "vector cannot contain metrics with the same labelset");
    }
  }
  return matrix;
}

}  // namespace vitals::promql::detail
