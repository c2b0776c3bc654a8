#include "agent/store/sample_window.h"

#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "tests/support/fake_clock.h"
#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;

constexpr std::int64_t kStartMs = 1'767'225'600'000;  // FakeClock's wall start

WindowOptions manual(WindowOptions options = {}) {
  options.maintenance_interval = Duration::zero();  // the test applies retention itself
  return options;
}

SeriesRef series(SampleWindow& window, LabelPairs labels) {
  auto ref = window.get_or_create(std::move(labels));
  REQUIRE_MESSAGE(ref, why(ref));
  return *ref;
}

LabelMatcher matcher(std::string name, MatchOp op, std::string value) {
  auto made = LabelMatcher::make(std::move(name), op, std::move(value));
  REQUIRE_MESSAGE(made, why(made));
  return std::move(*made);
}

std::vector<std::int64_t> times(const std::vector<SamplePoint>& samples) {
  std::vector<std::int64_t> out;
  for (const SamplePoint& sample : samples) out.push_back(sample.t_ms);
  return out;
}

TEST_CASE("a label set names one series whatever the order of its labels") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef up = series(*window, {{"__name__", "up"}, {"job", "api"}});
  CHECK(series(*window, {{"job", "api"}, {"__name__", "up"}, {"zone", ""}}) == up);
  CHECK(series(*window, {{"__name__", "up"}, {"job", "db"}}) != up);
  CHECK(window->labels(up) == LabelPairs{{"__name__", "up"}, {"job", "api"}});
  CHECK(!window->get_or_create({{"job", "a"}, {"job", "b"}}));
  CHECK(window->labels(12345).empty());
  CHECK(window->append(12345, kStartMs, 1) == AppendStatus::NotFound);
}

TEST_CASE("out-of-order and duplicate samples are rejected and counted, exact repeats not") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  CHECK(window->append(ref, kStartMs, 1.0) == AppendStatus::Appended);
  CHECK(window->append(ref, kStartMs + 15'000, 2.0) == AppendStatus::Appended);
  CHECK(window->append(ref, kStartMs + 5'000, 9.0) == AppendStatus::OutOfOrder);
  CHECK(window->append(ref, kStartMs + 15'000, 3.0) == AppendStatus::Duplicate);
  // Prometheus accepts the same time with the same value bits silently, without storing it.
  CHECK(window->append(ref, kStartMs + 15'000, 2.0) == AppendStatus::Unchanged);
  CHECK(window->append(ref, kStartMs + 30'000, 3.0) == AppendStatus::Appended);
  auto metrics = window->metrics();
  CHECK(metrics.samples_appended == 3);
  CHECK(metrics.out_of_order == 1);
  CHECK(metrics.duplicates == 1);
  CHECK(window->samples(ref, kStartMs, kStartMs + 60'000).size() == 3);
}

TEST_CASE("a stale marker is stored and read back as the stale NaN, and the series goes on") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  window->append(ref, kStartMs, 1.0);
  window->append(ref, kStartMs + 15'000, std::nan(""));
  CHECK(window->mark_stale(ref, kStartMs + 30'000) == AppendStatus::Appended);
  CHECK(window->mark_stale(ref, kStartMs + 30'000) == AppendStatus::Unchanged);
  window->append(ref, kStartMs + 45'000, 2.0);
  auto samples = window->samples(ref, kStartMs, kStartMs + 45'000);
  REQUIRE(samples.size() == 4);
  CHECK(std::isnan(samples[1].value));
  CHECK(!is_stale_nan(samples[1].value));
  CHECK(is_stale_nan(samples[2].value));
  CHECK(samples[3].value == 2.0);
  // A stale marker after a normal NaN at the same time is a different value: a duplicate.
  CHECK(window->append(ref, kStartMs + 45'000, std::nan("")) == AppendStatus::Duplicate);
}

TEST_CASE("samples come back from completed and open chunks within the asked range") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  for (int i = 0; i < 300; ++i) window->append(ref, kStartMs + i * 1000, i);
  CHECK(window->metrics().chunks == 3);  // 120 + 120 + the open 60
  auto all = window->samples(ref, kStartMs, kStartMs + 299'000);
  REQUIRE(all.size() == 300);
  for (int i = 0; i < 300; ++i) CHECK(all[static_cast<std::size_t>(i)].value == i);
  CHECK(times(window->samples(ref, kStartMs + 118'500, kStartMs + 121'000)) ==
        std::vector<std::int64_t>{kStartMs + 119'000, kStartMs + 120'000, kStartMs + 121'000});
  CHECK(window->samples(ref, kStartMs + 10, kStartMs).empty());
}

TEST_CASE("a chunk also ends at a multiple of the chunk range") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual({.chunk_range = 1min}));
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  // kStartMs is a whole minute: 10 samples at 15 s span three minute-aligned chunks.
  for (int i = 0; i < 10; ++i) window->append(ref, kStartMs + i * 15'000, 1);
  CHECK(window->metrics().chunks == 3);
  CHECK(window->samples(ref, kStartMs, kStartMs + 135'000).size() == 10);
}

TEST_CASE("select, label names and label values read the postings index") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef a = series(*window, {{"__name__", "up"}, {"job", "api"}, {"instance", "a"}});
  SeriesRef b = series(*window, {{"__name__", "up"}, {"job", "api"}, {"instance", "b"}});
  SeriesRef c = series(*window, {{"__name__", "up"}, {"job", "db"}, {"instance", "a"}});
  CHECK(window->select({matcher("__name__", MatchOp::Equal, "up")}) ==
        std::vector<SeriesRef>{a, b, c});
  CHECK(window->select({matcher("job", MatchOp::Equal, "api"),
                        matcher("instance", MatchOp::NotEqual, "a")}) == std::vector<SeriesRef>{b});
  CHECK(window->select({matcher("instance", MatchOp::Regex, "a"),
                        matcher("job", MatchOp::NotRegex, "db")}) == std::vector<SeriesRef>{a});
  CHECK(window->label_names() == std::vector<std::string>{"__name__", "instance", "job"});
  CHECK(window->label_values("job") == std::vector<std::string>{"api", "db"});
  // A series made after a select is in the next one.
  SeriesRef d = series(*window, {{"__name__", "up"}, {"job", "cache"}});
  CHECK(window->select({matcher("job", MatchOp::Equal, "cache")}) == std::vector<SeriesRef>{d});
  CHECK(window->label_values("job") == std::vector<std::string>{"api", "cache", "db"});
}

TEST_CASE("retention drops chunks that ended before now minus retention, then idle series") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual({.samples_per_chunk = 4}));
  SeriesRef old = series(*window, {{"__name__", "old"}, {"job", "x"}});
  SeriesRef live = series(*window, {{"__name__", "live"}, {"job", "x"}});
  // `old`: two chunks of 4 samples, the first ending 61 min ago, the second 59 min ago.
  for (std::int64_t minutes : {64, 63, 62, 61}) window->append(old, kStartMs - minutes * 60'000, 1);
  for (std::int64_t seconds : {3645, 3630, 3615, 3540}) {
    window->append(old, kStartMs - seconds * 1000, 2);
  }
  window->append(live, kStartMs - 30 * 60'000, 1);
  window->append(live, kStartMs - 10 * 60'000, 2);
  CHECK(window->apply_retention() == 1);
  CHECK(window->samples(old, 0, kStartMs).size() == 4);
  CHECK(window->samples(live, 0, kStartMs).size() == 2);

  clock.advance(2min);  // `old` ended 61 min ago now; nothing written since
  CHECK(window->apply_retention() == 1);
  CHECK(window->samples(old, 0, kStartMs).empty());
  CHECK(window->labels(old).empty());  // no samples and idle for the retention: removed
  CHECK(window->select({matcher("__name__", MatchOp::Equal, "old")}).empty());
  CHECK(window->label_values("__name__") == std::vector<std::string>{"live"});
  CHECK(window->append(old, kStartMs + 120'000, 1) == AppendStatus::NotFound);
  // The same labels again make a new series in the freed slot, under a new ref: the old ref
  // still names nothing.
  SeriesRef again = series(*window, {{"__name__", "old"}, {"job", "x"}});
  CHECK(again != old);
  CHECK(window->labels(old).empty());
  CHECK(window->append(old, kStartMs + 150'000, 1) == AppendStatus::NotFound);
  CHECK(window->append(again, kStartMs + 150'000, 1) == AppendStatus::Appended);
  CHECK(window->metrics().series == 2);
}

TEST_CASE("a series created but never written is removed after one retention period") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef ref = series(*window, {{"__name__", "quiet"}});
  clock.advance(59min);
  window->apply_retention();
  CHECK(!window->labels(ref).empty());
  clock.advance(2min);
  window->apply_retention();
  CHECK(window->labels(ref).empty());
}

// 1 h of 15 s samples (240, two full chunks), measured in compressed chunk bytes.
double bytes_per_sample(const std::vector<double>& values) {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  for (std::size_t i = 0; i < values.size(); ++i) {
    window->append(ref, kStartMs + static_cast<std::int64_t>(i) * 15'000, values[i]);
  }
  auto metrics = window->metrics();
  REQUIRE(metrics.samples_appended == values.size());
  return static_cast<double>(metrics.chunk_bytes) / static_cast<double>(values.size());
}

TEST_CASE("a steadily scraped series costs under 2 bytes a sample in its chunks") {
  std::mt19937 random(7);
  std::vector<double> counter;       // requests: 0 to 3 more every 15 s
  std::vector<double> fast_counter;  // 0 to 200 more every 15 s
  std::vector<double> gauge(240, 42.5);
  double count = 1000;
  double fast = 1e6;
  for (int i = 0; i < 240; ++i) {
    counter.push_back(count += static_cast<double>(random() % 4));
    fast_counter.push_back(fast += static_cast<double>(random() % 201));
  }
  double counter_cost = bytes_per_sample(counter);
  double fast_cost = bytes_per_sample(fast_counter);
  double gauge_cost = bytes_per_sample(gauge);
  MESSAGE("bytes/sample: slow counter " << counter_cost << ", busy counter " << fast_cost
                                        << ", constant gauge " << gauge_cost);
  CHECK(counter_cost < 2.0);
  CHECK(gauge_cost < 0.5);
}

TEST_CASE("metrics count series, chunks and bytes") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, manual());
  SeriesRef a = series(*window, {{"__name__", "a"}});
  series(*window, {{"__name__", "b"}});
  for (int i = 0; i < 130; ++i) window->append(a, kStartMs + i * 15'000, i);
  auto metrics = window->metrics();
  CHECK(metrics.series == 2);
  CHECK(metrics.chunks == 2);
  CHECK(metrics.chunk_bytes > 0);
  CHECK(metrics.index_bytes > 0);
  CHECK(metrics.bytes == metrics.chunk_bytes + metrics.index_bytes);
}

}  // namespace
}  // namespace vitals
