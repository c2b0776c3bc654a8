// histogram_quantile over classic histograms: the `le` buckets of each series group, sorted,
// merged where bounds repeat, made monotonic, and interpolated linearly within the bucket the
// rank falls in, as Prometheus' BucketQuantile does.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <unordered_map>

#include "alerts/promql/functions_internal.h"

namespace vitals::promql::detail {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kSmallDeltaTolerance = 1e-12;

struct Bucket {
  double upper_bound = 0;
  double count = 0;
};

// Prometheus' almost.Equal: relative difference under epsilon, NaNs equal.
bool almost_equal(double a, double b, double epsilon) {
  constexpr double kMinNormal = 2.2250738585072014e-308;
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

std::vector<Bucket> coalesce(const std::vector<Bucket>& buckets) {
  std::vector<Bucket> out;
  for (const Bucket& bucket : buckets) {
    if (!out.empty() && out.back().upper_bound == bucket.upper_bound) {
      out.back().count += bucket.count;
    } else {
      out.push_back(bucket);
    }
  }
  return out;
}

void make_monotonic(std::vector<Bucket>& buckets) {
  double previous = buckets[0].count;
  for (std::size_t i = 1; i < buckets.size(); ++i) {
    const double current = buckets[i].count;
    if (current == previous) continue;
    if (almost_equal(previous, current, kSmallDeltaTolerance) || current < previous) {
      buckets[i].count = previous;
      continue;
    }
    previous = current;
  }
}

double bucket_quantile(double q, std::vector<Bucket> buckets) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -std::numeric_limits<double>::infinity();
  if (q > 1) return std::numeric_limits<double>::infinity();
  std::stable_sort(buckets.begin(), buckets.end(),
                   [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
  if (!std::isinf(buckets.back().upper_bound) || buckets.back().upper_bound < 0) return kNaN;
  buckets = coalesce(buckets);
  make_monotonic(buckets);
  if (buckets.size() < 2) return kNaN;
  const double observations = buckets.back().count;
  if (observations == 0) return kNaN;
  double rank = q * observations;
  std::size_t b = 0;
  while (b < buckets.size() - 1 && buckets[b].count < rank) ++b;
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].upper_bound;
  if (b == 0 && buckets[0].upper_bound <= 0) return buckets[0].upper_bound;
  double start = 0;
  const double end = buckets[b].upper_bound;
  double count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].upper_bound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}

// Go's strconv.ParseFloat for bucket bounds: the whole text must be a number.
std::optional<double> parse_bound(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Result<Value> histogram_quantile(const CallArgs& args) {
  auto q = args.scalar(0);
  if (!q) return tl::unexpected(q.error());
  auto input = args.vector(1);
  if (!input) return tl::unexpected(input.error());
  struct Group {
    LabelPairs labels{};
    std::vector<Bucket> buckets{};
  };
  std::unordered_map<std::string, std::size_t> index;
  std::vector<Group> groups;
  for (Sample& sample : *input) {
    const std::string* le = find_label(sample.labels, "le");
    auto bound = le ? parse_bound(*le) : std::nullopt;
    if (!bound) continue;
    LabelPairs labels = sample.labels;
    drop_label(labels, "le");
    auto [it, added] = index.emplace(label_key(labels), groups.size());
    if (added) groups.push_back(Group{.labels = std::move(labels)});
    groups[it->second].buckets.push_back({*bound, sample.value});
  }
  Vector out;
  for (Group& group : groups) {
    out.push_back(Sample{.labels = std::move(group.labels),
                         .value = bucket_quantile(*q, std::move(group.buckets)),
                         .drop_name = true});
  }
  return Value{std::move(out)};
}

}  // namespace vitals::promql::detail
