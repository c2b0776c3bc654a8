// A process for the history durability test: records a numbered state change about every
// millisecond and prints the last number it queued every 100 ms, until it is killed.
//   history-writer <db path> <target>         prints "ready", then "enqueued <n>" lines
//   history-writer --bench <db path> <count>  records <count> changes as fast as it can
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "agent/store/history_store.h"

namespace {

using namespace std::chrono_literals;
using vitals::HistoryStore;
using vitals::StateChange;

StateChange numbered(const std::string& target, long n) {
  return StateChange{.target = target,
                     .kind = "probe",
                     .at = vitals::real_clock().wall_now(),
                     .status = n % 2 == 0 ? "up" : "down",
                     .metadata = {{"n", std::to_string(n)}}};
}

std::unique_ptr<HistoryStore> open_or_exit(const std::string& path) {
  auto store = HistoryStore::open(path, vitals::real_clock(), std::chrono::hours(24 * 30));
  if (!store) {
    std::fprintf(stderr, "history-writer: %s\n", vitals::to_string(store.error()).c_str());
    std::exit(1);
  }
  return std::move(*store);
}

// Paced by sleep_until: this process is the workload, not a test waiting for a result.
[[noreturn]] void record_until_killed(HistoryStore& store, const std::string& target) {
  std::printf("ready\n");
  std::fflush(stdout);
  auto next = std::chrono::steady_clock::now();
  auto next_print = next + 100ms;
  for (long n = 1;; ++n) {
    store.record_change(numbered(target, n));
    next += 1ms;
    if (next >= next_print) {
      std::printf("enqueued %ld\n", n);
      std::fflush(stdout);
      next_print += 100ms;
    }
    std::this_thread::sleep_until(next);
  }
}

int bench(const std::string& path, long count) {
  auto store = open_or_exit(path);
  auto start = std::chrono::steady_clock::now();
  for (long n = 1; n <= count; ++n) store->record_change(numbered("bench", n));
  auto queued = std::chrono::steady_clock::now();
  if (auto flushed = store->flush(); !flushed) {
    std::fprintf(stderr, "history-writer: %s\n", vitals::to_string(flushed.error()).c_str());
    return 1;
  }
  auto done = std::chrono::steady_clock::now();
  double record_s = std::chrono::duration<double>(queued - start).count();
  double total_s = std::chrono::duration<double>(done - start).count();
  auto metrics = store->metrics();
  std::printf(
      "%ld changes: queued in %.3f s (%.0f/s), flushed in %.3f s (%.0f/s), %llu rows in"
      " %llu batches, last batch %.1f ms, %llu dropped\n",
      count, record_s, count / record_s, total_s, count / total_s,
      static_cast<unsigned long long>(metrics.rows_written),
      static_cast<unsigned long long>(metrics.batches),
      std::chrono::duration<double, std::milli>(metrics.last_batch_latency).count(),
      static_cast<unsigned long long>(metrics.dropped));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--bench") return bench(argv[2], std::atol(argv[3]));
  if (argc != 3) {
    std::fprintf(stderr, "usage: history-writer <db path> <target> | --bench <db path> <count>\n");
    return 2;
  }
  auto store = open_or_exit(argv[1]);
  record_until_killed(*store, argv[2]);
}
