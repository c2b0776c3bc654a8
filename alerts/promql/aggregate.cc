// PromQL's aggregation operators with Prometheus' arithmetic: Kahan-compensated sum and avg
// (avg switching to an incremental mean before it would overflow), Welford's variance, NaN
// handling in min/max, topk/bottomk's ordering, quantile's interpolation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "alerts/gotext/strconv.h"
#include "alerts/gotext/utf8.h"
#include "alerts/promql/evaluator.h"
#include "alerts/promql/float_math.h"

namespace vitals::promql::detail {
namespace {

struct Group {
  LabelPairs labels{};
  bool drop_name = false;
  double count = 0;
  double value = 0;  // min, max
  KahanSum sum{};
  // avg: the sum until it would overflow, then the incremental mean.
  bool incremental = false;
  KahanSum mean{};
  double welford_mean = 0;  // stddev, stdvar
  double welford_m2 = 0;
  std::vector<Sample> members{};  // topk, bottomk, quantile
};

bool in_list(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

LabelPairs group_labels(const LabelPairs& labels, const Aggregate& aggregate) {
  LabelPairs out;
  for (const LabelPair& label : labels) {
    bool listed = in_list(aggregate.grouping, label.name);
    if (aggregate.without ? !listed && label.name != "__name__" : listed) out.push_back(label);
  }
  return out;
}

void add_to_avg(Group& group, double v) {
  if (!group.incremental) {
    KahanSum next = group.sum;
    next.add(v);
    if (!std::isinf(next.sum)) {
      group.sum = next;
      return;
    }
    // The sum would overflow: go on with the mean of what came so far.
    group.incremental = true;
    group.mean.sum = group.sum.sum / (group.count - 1);
    group.mean.c = group.sum.c / (group.count - 1);
  }
  if (std::isinf(group.mean.sum)) {
    if (std::isinf(v) && (group.mean.sum > 0) == (v > 0)) return;
    if (!std::isinf(v) && !std::isnan(v)) return;
  }
  double current = group.mean.value();
  group.mean.add(v / group.count - current / group.count);
}

void accumulate(Group& group, AggregateOp op, const Sample& sample, bool first) {
  const double v = sample.value;
  group.drop_name = group.drop_name || sample.drop_name;
  group.count += 1;
  if (first) {
    group.value = v;
    group.sum.sum = v;
  }
  switch (op) {
    case AggregateOp::Sum:
      if (!first) group.sum.add(v);
      break;
    case AggregateOp::Avg:
      if (!first) add_to_avg(group, v);
      break;
    case AggregateOp::Max:
      if (group.value < v || std::isnan(group.value)) group.value = v;
      break;
    case AggregateOp::Min:
      if (group.value > v || std::isnan(group.value)) group.value = v;
      break;
    case AggregateOp::Stddev:
    case AggregateOp::Stdvar: {
      // From zero, the first sample included: a NaN or infinite one makes the result NaN.
      double delta = v - group.welford_mean;
      group.welford_mean += delta / group.count;
      group.welford_m2 += delta * (v - group.welford_mean);
      break;
    }
    default:
      group.members.push_back(sample);
  }
}

// topk keeps the k largest (bottomk the k smallest), a NaN only when nothing else is left;
// the result of each group is sorted, largest (smallest) first, NaN last.
std::vector<Sample> select_k(std::vector<Sample> members, std::int64_t k, bool top) {
  auto better = [top](const Sample& a, const Sample& b) {
    if (std::isnan(a.value)) return false;
    if (std::isnan(b.value)) return true;
    return top ? a.value > b.value : a.value < b.value;
  };
  std::stable_sort(members.begin(), members.end(), better);
  if (static_cast<std::int64_t>(members.size()) > k) members.resize(static_cast<std::size_t>(k));
  return members;
}

Result<Value> count_values(const Aggregate& aggregate, Vector input, const std::string& label) {
  if (label.empty() || !gotext::valid_utf8(label)) {
    return make_error(ErrorCode::InvalidArgument, "invalid label name " + gotext::quote(label));
  }
  std::unordered_map<std::string, std::size_t> index;
  Vector out;
  for (const Sample& sample : input) {
    LabelPairs labels = group_labels(sample.labels, aggregate);
    // Prometheus names the value as strconv.FormatFloat(v, 'f', -1, 64) writes it.
    set_label(labels, label, gotext::format_float(sample.value, 'f', -1));
    auto [it, added] = index.emplace(label_key(labels), out.size());
    if (added) out.push_back(Sample{.labels = std::move(labels)});
    out[it->second].value += 1;
  }
  return Value{std::move(out)};
}

Result<std::int64_t> k_of(const std::optional<Value>& param) {
  double k = param ? std::get<Scalar>(*param).value : 0;
  if (std::isnan(k)) return make_error(ErrorCode::InvalidArgument, "Parameter value is NaN");
  if (k >= 9.2e18) return std::numeric_limits<std::int64_t>::max();
  if (k < 1) return 0;
  return static_cast<std::int64_t>(k);
}

double finish(const Group& group, AggregateOp op, const std::optional<Value>& param) {
  switch (op) {
    case AggregateOp::Sum:
      return group.sum.value();
    case AggregateOp::Avg:
      return group.incremental ? group.mean.value() : group.sum.value() / group.count;
    case AggregateOp::Count:
      return group.count;
    case AggregateOp::Group:
      return 1;
    case AggregateOp::Stdvar:
      return group.welford_m2 / group.count;
    case AggregateOp::Stddev:
      return std::sqrt(group.welford_m2 / group.count);
    case AggregateOp::Quantile: {
      std::vector<double> values;
      for (const Sample& s : group.members) values.push_back(s.value);
      return quantile(param ? std::get<Scalar>(*param).value : 0, std::move(values));
    }
    default:
      return group.value;  // min, max
  }
}

}  // namespace

Result<Value> apply_aggregate(const Aggregate& aggregate, Vector input,
                              const std::optional<Value>& param) {
  if (aggregate.op == AggregateOp::CountValues) {
    return count_values(aggregate, std::move(input), std::get<String>(*param).value);
  }
  if (aggregate.op == AggregateOp::Limitk || aggregate.op == AggregateOp::LimitRatio) {
    return make_error(ErrorCode::InvalidArgument,
                      std::string(to_string(aggregate.op)) + " is experimental and not supported");
  }
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Group> groups;
  for (const Sample& sample : input) {
    LabelPairs labels = group_labels(sample.labels, aggregate);
    auto [it, added] = index.emplace(label_key(labels), groups.size());
    if (added) groups.push_back(Group{.labels = std::move(labels)});
    accumulate(groups[it->second], aggregate.op, sample, added);
  }
  Vector out;
  const bool top = aggregate.op == AggregateOp::Topk;
  if (top || aggregate.op == AggregateOp::Bottomk) {
    auto k = k_of(param);
    if (!k) return tl::unexpected(k.error());
    for (Group& group : groups) {
      for (Sample& sample : select_k(std::move(group.members), *k, top)) {
        out.push_back(std::move(sample));
      }
    }
    return Value{std::move(out)};
  }
  for (Group& group : groups) {
    out.push_back(Sample{.labels = std::move(group.labels),
                         .value = finish(group, aggregate.op, param),
                         .drop_name = group.drop_name});
  }
  return Value{std::move(out)};
}

}  // namespace vitals::promql::detail
