#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "agent/store/sample_window.h"
#include "tests/support/fake_clock.h"
#include "tests/support/temp_dir.h"
#include "tests/support/why.h"
#include "vitals/common/sqlite/db.h"

using vitals::testing::why;

namespace vitals {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::TempDir;

constexpr std::int64_t kStartMs = 1'767'225'600'000;  // FakeClock's wall start

WindowOptions manual() {
  return WindowOptions{.maintenance_interval = Duration::zero()};
}

std::unique_ptr<SampleWindow> open_window(const std::string& path, const Clock& clock,
                                          WindowOptions options = manual()) {
  auto window = SampleWindow::open(path, clock, options);
  REQUIRE_MESSAGE(window, why(window));
  return std::move(*window);
}

LabelMatcher matcher(std::string name, MatchOp op, std::string value) {
  auto made = LabelMatcher::make(std::move(name), op, std::move(value));
  REQUIRE_MESSAGE(made, why(made));
  return std::move(*made);
}

SeriesRef series(SampleWindow& window, LabelPairs labels) {
  auto ref = window.get_or_create(std::move(labels));
  REQUIRE_MESSAGE(ref, why(ref));
  return *ref;
}

struct Written {
  LabelPairs labels;
  std::vector<SamplePoint> samples;
};

// 10 minutes of samples for five series at different intervals (1 s makes completed chunks),
// ending at the clock's now, with a NaN, a stale marker and a counter reset among them.
std::map<SeriesRef, Written> write_ten_minutes(SampleWindow& window) {
  std::map<SeriesRef, Written> written;
  for (int s = 0; s < 5; ++s) {
    LabelPairs labels = {{"__name__", "requests_total"}, {"instance", "i" + std::to_string(s)}};
    SeriesRef ref = series(window, labels);
    const std::int64_t step = s == 0 ? 1000 : 15'000 + s * 7;
    std::vector<SamplePoint> samples;
    for (std::int64_t t = kStartMs - 600'000; t <= kStartMs; t += step) {
      double value = static_cast<double>((t - kStartMs) / 1000 % 97) + s;
      if (t == kStartMs - 300'000) value = std::nan("");
      if (t == kStartMs - 240'000) value = stale_nan();
      samples.push_back({t, value});
      REQUIRE(window.append(ref, t, value) == AppendStatus::Appended);
    }
    written[ref] = Written{labels, samples};
  }
  return written;
}

void check_same(const std::vector<SamplePoint>& got, const std::vector<SamplePoint>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].t_ms == want[i].t_ms);
    CHECK(std::bit_cast<std::uint64_t>(got[i].value) ==
          std::bit_cast<std::uint64_t>(want[i].value));
  }
}

TEST_CASE("a reopened window reads back exactly the samples written before it closed") {
  TempDir dir;
  FakeClock clock;
  std::map<SeriesRef, Written> written;
  {
    auto window = open_window(dir.file("window.db"), clock);
    written = write_ten_minutes(*window);
  }
  auto window = open_window(dir.file("window.db"), clock);
  CHECK(window->metrics().series == written.size());
  for (const auto& [old_ref, series] : written) {
    INFO(series.labels[1].value);
    SeriesRef ref = window->select({matcher("instance", MatchOp::Equal, series.labels[1].value)})
                        .at(0);  // refs are per process: find it again by its labels
    CHECK(window->labels(ref) == series.labels);
    check_same(window->samples(ref, kStartMs - 3'600'000, kStartMs), series.samples);
  }
  CHECK(window->label_values("instance") == std::vector<std::string>{"i0", "i1", "i2", "i3", "i4"});
}

TEST_CASE("a reopened series goes on after its last stored sample, and new series join it") {
  TempDir dir;
  FakeClock clock;
  std::map<SeriesRef, Written> written;
  {
    auto window = open_window(dir.file("window.db"), clock);
    written = write_ten_minutes(*window);
  }
  const LabelPairs labels = written.begin()->second.labels;  // the 1 s series
  auto window = open_window(dir.file("window.db"), clock);
  SeriesRef ref = series(*window, labels);
  CHECK(window->append(ref, kStartMs - 1000, 1) == AppendStatus::OutOfOrder);
  CHECK(window->append(ref, kStartMs + 1000, 1) == AppendStatus::Appended);
  SeriesRef fresh = series(*window, {{"__name__", "new"}});
  for (SeriesRef restored : window->select({matcher("__name__", MatchOp::Regex, ".+")})) {
    CHECK((restored == fresh) == (window->labels(restored)[0].value == "new"));
  }
  window.reset();

  window = open_window(dir.file("window.db"), clock);
  CHECK(window->samples(series(*window, labels), kStartMs, kStartMs + 1000).size() == 2);
  // Never had a sample: not kept.
  CHECK(window->select({matcher("__name__", MatchOp::Equal, "new")}).empty());
}

TEST_CASE("chunks past retention are neither loaded nor kept on disk") {
  TempDir dir;
  FakeClock clock;
  {
    auto window = open_window(dir.file("window.db"), clock);
    write_ten_minutes(*window);
  }
  clock.advance(65min);  // the newest sample is now 65 minutes old
  auto window = open_window(dir.file("window.db"), clock);
  CHECK(window->metrics().series == 0);
  CHECK(window->label_names().empty());
  window.reset();
  auto db = sqlite::Db::open(dir.file("window.db"));
  REQUIRE_MESSAGE(db, why(db));
  auto rows = db->prepare("SELECT (SELECT count(*) FROM chunks) + (SELECT count(*) FROM series)");
  REQUIRE_MESSAGE(rows, why(rows));
  REQUIRE(rows->step().value() == sqlite::Step::Row);
  CHECK(rows->column_int64(0) == 0);
}

TEST_CASE("retention on disk drops chunks that ended before the cutoff, not one straddling it") {
  TempDir dir;
  FakeClock clock;
  auto window = open_window(dir.file("window.db"), clock);
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  // 600 samples a second apart: four completed chunks of 120, ending at -481 s, -361 s, -241 s
  // and -121 s, and an open head (not persisted here).
  for (int i = 0; i < 600; ++i) window->append(ref, kStartMs - 600'000 + i * 1000, i);
  clock.advance(55min + 30s);  // the 1 h cutoff is now kStartMs - 270 s, inside a chunk
  window->apply_retention();
  REQUIRE(window->flush().has_value());
  auto db = sqlite::Db::open(dir.file("window.db"));
  REQUIRE_MESSAGE(db, why(db));
  auto rows = db->prepare("SELECT min(min_t), count(*) FROM chunks");
  REQUIRE_MESSAGE(rows, why(rows));
  REQUIRE(rows->step().value() == sqlite::Step::Row);
  CHECK(rows->column_int64(0) == kStartMs - 360'000);  // its max_t is after the cutoff: kept
  CHECK(rows->column_int64(1) == 2);
  // Retention reads chunks by min_t, the index an open head's rewrite leaves alone.
  auto plan = db->prepare("EXPLAIN QUERY PLAN DELETE FROM chunks WHERE min_t < 1 AND max_t < 1");
  REQUIRE_MESSAGE(plan, why(plan));
  REQUIRE(plan->step().value() == sqlite::Step::Row);
  CHECK(plan->column_text(3).find("chunks_by_min_t") != std::string::npos);
}

TEST_CASE("completed chunks reach the disk on flush, before any open chunk is persisted") {
  TempDir dir;
  FakeClock clock;
  auto window = open_window(dir.file("window.db"), clock);
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  for (int i = 0; i < 250; ++i) window->append(ref, kStartMs - 250'000 + i * 1000, i);
  auto flushed = window->flush();
  REQUIRE_MESSAGE(flushed, why(flushed));
  auto db = sqlite::Db::open(dir.file("window.db"));
  REQUIRE_MESSAGE(db, why(db));
  auto rows = db->prepare("SELECT count(*), sum(samples) FROM chunks");
  REQUIRE_MESSAGE(rows, why(rows));
  REQUIRE(rows->step().value() == sqlite::Step::Row);
  CHECK(rows->column_int64(0) == 2);
  CHECK(rows->column_int64(1) == 240);
  CHECK(window->metrics().store.chunks_written == 2);
}

TEST_CASE("the open chunk is persisted when it changed, replacing its earlier copy") {
  TempDir dir;
  FakeClock clock;
  auto window = open_window(dir.file("window.db"), clock);
  SeriesRef ref = series(*window, {{"__name__", "x"}});
  window->append(ref, kStartMs - 2000, 1);
  window->persist_heads();
  window->append(ref, kStartMs - 1000, 2);
  window->persist_heads();
  window->persist_heads();  // unchanged: nothing queued
  REQUIRE(window->flush().has_value());
  CHECK(window->metrics().store.chunks_written == 2);
  auto db = sqlite::Db::open(dir.file("window.db"));
  REQUIRE_MESSAGE(db, why(db));
  auto rows = db->prepare("SELECT count(*), max(samples) FROM chunks");
  REQUIRE_MESSAGE(rows, why(rows));
  REQUIRE(rows->step().value() == sqlite::Step::Row);
  CHECK(rows->column_int64(0) == 1);
  CHECK(rows->column_int64(1) == 2);
}

TEST_CASE("a missing directory is an error naming it") {
  FakeClock clock;
  auto window = SampleWindow::open("/nonexistent-vitals-dir/window.db", clock, manual());
  REQUIRE(!window);
  CHECK(window.error().message.find("/nonexistent-vitals-dir") != std::string::npos);
}

}  // namespace
}  // namespace vitals
