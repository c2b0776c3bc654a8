// The sample window's costs at scale, printed as a table: creating series, appending a scrape
// round's samples (refs cached, as the scraper does), compressed and index bytes per series,
// resident memory, select and read costs, and appends while two readers run. Times are the
// process's CPU time (the appending thread's beside readers), so a busy machine changes them
// little.
//
// Usage: window-bench [--series N] [--rounds R] [--db PATH]
//   N series (100,000) with Prometheus-like labels, R rounds (240: 1 h at 15 s) of one sample
//   each; --db backs the window with SQLite (completed chunks go to disk as they are made).
#include <time.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "agent/store/sample_window.h"

namespace {

using namespace vitals;

struct Args {
  std::size_t series = 100'000;
  int rounds = 240;
  std::string db{};
};

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--series") == 0) args.series = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) args.rounds = std::stoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--db") == 0) args.db = argv[i + 1];
  }
  return args;
}

// A fixed wall clock: the bench's samples sit just before it, all within retention.
class FixedClock final : public vitals::Clock {
 public:
  SteadyTime now() const override { return SteadyTime{}; }
  WallTime wall_now() const override { return WallTime(std::chrono::hours(490'000)); }
};

// CPU time, not wall time: the figures should not depend on what else the machine runs. The
// process's, so the SQLite writer thread counts; the thread's where readers run beside.
struct CpuTime {
  double seconds = 0;
  clockid_t clock = CLOCK_PROCESS_CPUTIME_ID;
};

CpuTime cpu_now(clockid_t clock = CLOCK_PROCESS_CPUTIME_ID) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return CpuTime{static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9, clock};
}

double seconds_since(CpuTime start) {
  return cpu_now(start.clock).seconds - start.seconds;
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return 0;
}

// 100 metric names per target, as a scraped service with 100 series would have.
LabelPairs labels_of(std::size_t i) {
  return {{"__name__", "app_metric_" + std::to_string(i % 100) + "_total"},
          {"instance", "host-" + std::to_string(i / 100) + ":9100"},
          {"job", "service-" + std::to_string(i / 100 % 20)},
          {"service", "svc-" + std::to_string(i / 100 % 20)}};
}

LabelMatcher matcher(std::string name, MatchOp op, std::string value) {
  return *LabelMatcher::make(std::move(name), op, std::move(value));
}

void row(const char* what, double value, const char* unit) {
  std::printf("| %-44s | %14.2f | %-10s |\n", what, value, unit);
}

// One sample for every series at t: counters growing by 0..3 per round.
void append_round(SampleWindow& window, const std::vector<SeriesRef>& refs,
                  std::vector<double>& values, std::int64_t t, std::mt19937& random) {
  for (std::size_t i = 0; i < refs.size(); ++i) {
    values[i] += static_cast<double>(random() % 4);
    window.append(refs[i], t, values[i]);
  }
}

template <class F>
double micros_per_call(int calls, F f) {
  auto start = cpu_now();
  for (int i = 0; i < calls; ++i) f();
  return seconds_since(start) * 1e6 / calls;
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  FixedClock clock;
  WindowOptions options{.maintenance_interval = Duration::zero()};
  const long rss_before = rss_kib();
  std::unique_ptr<SampleWindow> window;
  if (args.db.empty()) {
    window = SampleWindow::create(clock, options);
  } else {
    auto opened = SampleWindow::open(args.db, clock, options);
    if (!opened) return std::fprintf(stderr, "%s\n", to_string(opened.error()).c_str()), 1;
    window = std::move(*opened);
  }
  const std::int64_t now_ms = 490'000LL * 3'600'000;
  const std::int64_t start_ms = now_ms - args.rounds * 15'000LL;
  std::printf("window-bench: %zu series x %d rounds at 15 s%s\n\n", args.series, args.rounds,
              args.db.empty() ? "" : ", backed by SQLite");
  std::printf("| %-44s | %14s | %-10s |\n|---|---:|---|\n", "measure", "value", "unit");

  auto start = cpu_now();
  std::vector<SeriesRef> refs;
  refs.reserve(args.series);
  for (std::size_t i = 0; i < args.series; ++i)
    refs.push_back(*window->get_or_create(labels_of(i)));
  row("get_or_create, new series", seconds_since(start) * 1e9 / args.series, "ns/series");
  start = cpu_now();
  for (std::size_t i = 0; i < args.series; ++i) window->get_or_create(labels_of(i));
  row("get_or_create, existing series", seconds_since(start) * 1e9 / args.series, "ns/series");

  std::mt19937 random(1);
  std::vector<double> values(args.series, 1000);
  start = cpu_now();
  for (int round = 0; round < args.rounds; ++round) {
    append_round(*window, refs, values, start_ms + round * 15'000LL, random);
  }
  const double append_s = seconds_since(start);
  const double samples = static_cast<double>(args.series) * args.rounds;
  row("append (refs cached)", append_s * 1e9 / samples, "ns/sample");
  if (!args.db.empty()) {
    start = cpu_now();
    window->persist_heads();
    (void)window->flush();
    row("persist open chunks + flush", seconds_since(start), "s");
  }

  WindowMetrics m = window->metrics();
  row("chunk bytes per sample", static_cast<double>(m.chunk_bytes) / samples, "B/sample");
  row("chunk bytes per series", static_cast<double>(m.chunk_bytes) / args.series, "B/series");
  row("index bytes per series (approximate)", static_cast<double>(m.index_bytes) / args.series,
      "B/series");
  row("resident memory growth per series",
      static_cast<double>(rss_kib() - rss_before) * 1024 / args.series, "B/series");

  const std::vector<LabelMatcher> one_name = {
      matcher("__name__", MatchOp::Equal, "app_metric_7_total")};
  const std::vector<LabelMatcher> regex = {
      matcher("__name__", MatchOp::Equal, "app_metric_7_total"),
      matcher("instance", MatchOp::Regex, "host-1.*")};
  window->select(one_name);  // builds the index snapshot once
  row("select one __name__ (1% of series)", micros_per_call(200, [&] { window->select(one_name); }),
      "us");
  row("select one __name__, instance=~\"host-1.*\"",
      micros_per_call(50, [&] { window->select(regex); }), "us");
  std::size_t pick = 0;
  row("samples() of one series, whole window",
      micros_per_call(20'000,
                      [&] { window->samples(refs[pick++ % refs.size()], start_ms, now_ms); }),
      "us");

  // Appends again, now with two readers selecting and reading all the while.
  std::atomic<bool> reading{true};
  auto reader = [&] {
    while (reading) {
      for (SeriesRef ref : window->select(one_name)) window->samples(ref, now_ms - 300'000, now_ms);
    }
  };
  std::thread reader_a(reader);
  std::thread reader_b(reader);
  const int extra = std::max(1, args.rounds / 8);
  start = cpu_now(CLOCK_THREAD_CPUTIME_ID);
  for (int round = 0; round < extra; ++round) {
    append_round(*window, refs, values, now_ms + round * 15'000LL, random);
  }
  const double busy_s = seconds_since(start);
  reading = false;
  reader_a.join();
  reader_b.join();
  row("append while 2 readers run (thread CPU)",
      busy_s * 1e9 / (static_cast<double>(args.series) * extra), "ns/sample");
  return 0;
}
