// One appender and two readers on one window; the appender writes a fixed number of rounds and
// the readers read throughout (and at least kReads times). Every read must be consistent with
// what the appender writes. Meant to run under ThreadSanitizer too.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "agent/store/sample_window.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"

using vitals::testing::why;

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

constexpr std::int64_t kStartMs = 1'767'225'600'000;
constexpr std::int64_t kStepMs = 1000;
constexpr int kSeries = 40;
constexpr int kRounds = 400;  // 400 samples a series: three completed chunks and an open one
constexpr int kReads = 50;    // at least; readers go on until the appender is done

// What the appender writes at t to the series labelled idx.
double value_at(int idx, std::int64_t t) {
  return static_cast<double>(idx * 100'000 + (t - kStartMs) / kStepMs);
}

LabelMatcher matcher(std::string name, MatchOp op, std::string value) {
  auto made = LabelMatcher::make(std::move(name), op, std::move(value));
  REQUIRE_MESSAGE(made, why(made));
  return std::move(*made);
}

// Series i is created in round i, then written every round: each round appends one sample
// (t = kStartMs + round * step) to every series created so far.
void append_all(SampleWindow& window, std::atomic<int>& failures) {
  std::vector<SeriesRef> refs;
  for (int round = 0; round < kRounds; ++round) {
    if (round < kSeries) {
      auto ref = window.get_or_create({{"__name__", "work"}, {"idx", std::to_string(round)}});
      if (!ref) ++failures;
      refs.push_back(ref ? *ref : 0);
    }
    const std::int64_t t = kStartMs + round * kStepMs;
    for (std::size_t i = 0; i < refs.size(); ++i) {
      if (window.append(refs[i], t, value_at(static_cast<int>(i), t)) != AppendStatus::Appended) {
        ++failures;
      }
    }
  }
}

// A series' samples must run without gaps from its first round, each with its value.
bool consistent(const SampleWindow& window, SeriesRef ref, std::string& problem) {
  LabelPairs labels = window.labels(ref);
  if (labels.size() != 2 || labels[0].value != "work" || labels[1].name != "idx") {
    problem = "labels of a selected series";
    return false;
  }
  const int idx = std::stoi(labels[1].value);
  auto samples = window.samples(ref, kStartMs, kStartMs + kRounds * kStepMs);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::int64_t want_t = kStartMs + (idx + static_cast<std::int64_t>(i)) * kStepMs;
    if (samples[i].t_ms != want_t || samples[i].value != value_at(idx, want_t)) {
      problem = "sample " + std::to_string(i) + " of idx " + labels[1].value;
      return false;
    }
  }
  return true;
}

void read_all(const SampleWindow& window, const std::atomic<bool>& appending,
              std::atomic<int>& failures, std::string& problem) {
  const std::vector<LabelMatcher> all = {matcher("__name__", MatchOp::Equal, "work")};
  const std::vector<LabelMatcher> tens = {matcher("__name__", MatchOp::Equal, "work"),
                                          matcher("idx", MatchOp::Regex, "1.")};
  std::size_t seen = 0;
  for (int read = 0; (read < kReads || appending) && failures == 0; ++read) {
    auto refs = window.select(all);
    if (refs.size() < seen) problem = "fewer series than before";
    seen = refs.size();
    for (SeriesRef ref : refs) {
      if (!consistent(window, ref, problem)) break;
    }
    for (SeriesRef ref : window.select(tens)) {
      if (window.labels(ref)[1].value.size() != 2) problem = "regex selected a wrong series";
    }
    if (window.label_values("idx").size() < seen) problem = "label values behind select";
    window.metrics();
    if (!problem.empty()) ++failures;
  }
}

void hammer(SampleWindow& window) {
  std::atomic<int> failures{0};
  std::atomic<bool> appending{true};
  std::string problem_a;
  std::string problem_b;
  std::thread reader_a([&] { read_all(window, appending, failures, problem_a); });
  std::thread reader_b([&] { read_all(window, appending, failures, problem_b); });
  std::thread appender([&] {
    append_all(window, failures);
    appending = false;
  });
  appender.join();
  reader_a.join();
  reader_b.join();
  CHECK_MESSAGE(problem_a.empty(), problem_a);
  CHECK_MESSAGE(problem_b.empty(), problem_b);
  CHECK(failures == 0);
  auto metrics = window.metrics();
  CHECK(metrics.series == kSeries);
  // Series i gets kRounds - i samples.
  CHECK(metrics.samples_appended == kSeries * kRounds - kSeries * (kSeries - 1) / 2);
}

TEST_CASE("readers see consistent series and samples while one thread appends") {
  FakeClock clock;
  auto window = SampleWindow::create(clock, WindowOptions{.maintenance_interval = 0s});
  hammer(*window);
}

TEST_CASE("reads stay consistent while open chunks are persisted and retention runs") {
  TempDir dir;
  FakeClock clock;
  // The maintenance thread persists and applies retention every millisecond beside the others.
  auto window =
      SampleWindow::open(dir.file("window.db"), clock, WindowOptions{.maintenance_interval = 1ms});
  REQUIRE_MESSAGE(window, why(window));
  hammer(**window);
  auto flushed = (*window)->flush();
  CHECK_MESSAGE(flushed, why(flushed));
}

}  // namespace
}  // namespace vitals
