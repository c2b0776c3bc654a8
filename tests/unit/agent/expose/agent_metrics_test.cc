#include "agent/expose/agent_metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "tests/unit/agent/expose/sample_snapshot.h"

namespace {

using std::chrono::milliseconds;
using vitals::testing::count_lines;
using vitals::testing::value_of;

}  // namespace

TEST_CASE("scrapes and probes are counted by target and result, durations in histograms") {
  vitals::AgentMetrics metrics;
  metrics.scrape_finished("card-service", true, 0.02);
  metrics.scrape_finished("card-service", true, 0.03);
  metrics.scrape_finished("card-service", false, 2);
  metrics.probe_finished("card-api", false, 0.5);
  std::string text = metrics.render();
  CHECK(value_of(text, R"(vitals_scrapes_total{result="success",service="card-service"})") == 2);
  CHECK(value_of(text, R"(vitals_scrapes_total{result="failure",service="card-service"})") == 1);
  CHECK(value_of(text, R"(vitals_probes_total{probe="card-api",result="failure"})") == 1);
  CHECK(value_of(text, R"(vitals_probes_total{probe="card-api",result="success"})") == 0);
  CHECK(value_of(text, "vitals_scrape_duration_seconds_count") == 3);
  CHECK(value_of(text, "vitals_scrape_duration_seconds_sum") == doctest::Approx(2.05));
  CHECK(value_of(text, R"(vitals_scrape_duration_seconds_bucket{le="0.025"})") == 1);
  CHECK(value_of(text, R"(vitals_scrape_duration_seconds_bucket{le="+Inf"})") == 3);
  CHECK(value_of(text, "vitals_probe_run_duration_seconds_count") == 1);
}

TEST_CASE("configured targets start at zero and removed ones go") {
  vitals::AgentMetrics metrics;
  metrics.set_targets({"card-service", "feed-service"}, {"feed-service"}, {"card-api"});
  metrics.scrape_finished("feed-service", true, 0.1);
  metrics.metrics_scrape_finished("feed-service", false);
  std::string text = metrics.render();
  CHECK(value_of(text, R"(vitals_scrapes_total{result="success",service="card-service"})") == 0);
  CHECK(value_of(text, R"(vitals_scrapes_total{result="failure",service="card-service"})") == 0);
  CHECK(value_of(text, R"(vitals_scrapes_total{result="success",service="feed-service"})") == 1);
  CHECK(value_of(text, R"(vitals_probes_total{probe="card-api",result="success"})") == 0);
  // Metrics scrapes are counted apart, for the services with a metrics_url only.
  CHECK(value_of(text,
                 R"(vitals_metrics_scrapes_total{result="failure",service="feed-service"})") == 1);
  CHECK(value_of(text,
                 R"(vitals_metrics_scrapes_total{result="success",service="feed-service"})") == 0);
  CHECK(count_lines(
            text, R"(vitals_metrics_scrapes_total{result="success",service="card-service"})") == 0);

  metrics.set_targets({"feed-service"}, {}, {});
  text = metrics.render();
  CHECK(count_lines(text, R"(vitals_scrapes_total{result="success",service="card-service"})") == 0);
  CHECK(count_lines(text, "vitals_probes_total{") == 0);
  CHECK(count_lines(text, "vitals_metrics_scrapes_total{") == 0);
  // A kept target keeps its count.
  CHECK(value_of(text, R"(vitals_scrapes_total{result="success",service="feed-service"})") == 1);
}

TEST_CASE("scheduler totals are mirrored as counters and its gauges set") {
  vitals::AgentMetrics metrics;
  CHECK(value_of(metrics.render(), "vitals_scheduler_runs_skipped_total") == 0);
  metrics.set_scheduler({.runs_started = 40,
                         .runs_skipped = 3,
                         .runs_written_off = 2,
                         .in_flight = 5,
                         .queued = 7,
                         .worst_lateness = milliseconds(1)},
                        milliseconds(250));
  std::string text = metrics.render();
  CHECK(value_of(text, "vitals_scheduler_runs_started_total") == 40);
  CHECK(value_of(text, "vitals_scheduler_runs_skipped_total") == 3);
  CHECK(value_of(text, "vitals_scheduler_runs_written_off_total") == 2);
  CHECK(value_of(text, "vitals_scheduler_in_flight") == 5);
  CHECK(value_of(text, "vitals_scheduler_queued") == 7);
  CHECK(value_of(text, "vitals_scheduler_lateness_seconds") == 0.25);
  CHECK(count_lines(text, "# TYPE vitals_scheduler_runs_skipped_total counter") == 1);

  metrics.set_scheduler({.runs_skipped = 9}, milliseconds(0));
  text = metrics.render();
  CHECK(value_of(text, "vitals_scheduler_runs_skipped_total") == 9);
  CHECK(value_of(text, "vitals_scheduler_lateness_seconds") == 0);
}

TEST_CASE("history writer metrics and loop lag are exported") {
  vitals::AgentMetrics metrics;
  metrics.set_loop_lag(0.004);
  metrics.set_history({.rows_written = 120,
                       .batches = 6,
                       .last_batch_latency = milliseconds(3),
                       .queue_depth = 11,
                       .write_errors = 1,
                       .dropped = 2,
                       .retention_deleted = 30});
  std::string text = metrics.render();
  CHECK(value_of(text, "vitals_loop_lag_seconds") == 0.004);
  CHECK(value_of(text, "vitals_history_rows_written_total") == 120);
  CHECK(value_of(text, "vitals_history_batches_total") == 6);
  CHECK(value_of(text, "vitals_history_write_latency_seconds") == 0.003);
  CHECK(value_of(text, "vitals_history_queue_depth") == 11);
  CHECK(value_of(text, "vitals_history_write_errors_total") == 1);
  CHECK(value_of(text, "vitals_history_dropped_total") == 2);
  CHECK(value_of(text, "vitals_history_retention_deleted_total") == 30);
}

TEST_CASE("a failed reload clears the success flag but keeps the last success time") {
  vitals::AgentMetrics metrics;
  CHECK(value_of(metrics.render(), "vitals_config_last_reload_successful") == 0);
  metrics.config_reloaded(true, vitals::WallTime(std::chrono::seconds(1767225600)));
  std::string text = metrics.render();
  CHECK(value_of(text, "vitals_config_last_reload_successful") == 1);
  CHECK(value_of(text, "vitals_config_last_reload_success_timestamp_seconds") == 1767225600);
  metrics.config_reloaded(false, vitals::WallTime(std::chrono::seconds(1767229999)));
  text = metrics.render();
  CHECK(value_of(text, "vitals_config_last_reload_successful") == 0);
  CHECK(value_of(text, "vitals_config_last_reload_success_timestamp_seconds") == 1767225600);
}

TEST_CASE("build info carries the version and the process series come along") {
  vitals::AgentMetrics metrics("1.2.3");
  std::string text = metrics.render();
  CHECK(value_of(text, R"(vitals_build_info{version="1.2.3"})") == 1);
  CHECK_FALSE(vitals::agent_version().empty());
  for (const char* family : {"process_cpu_seconds_total", "process_resident_memory_bytes",
                             "process_virtual_memory_bytes", "process_open_fds", "process_max_fds",
                             "process_start_time_seconds"}) {
    CAPTURE(family);
    CHECK(count_lines(text, std::string("# TYPE ") + family + " ") == 1);
  }
}

TEST_CASE("reports from one thread and renders from another do not lose counts") {
  vitals::AgentMetrics metrics;
  constexpr int kRuns = 2000;
  std::thread reporter([&] {
    for (int i = 0; i < kRuns; ++i) {
      metrics.probe_finished("card-api", i % 2 == 0, 0.01);
      metrics.set_history({.rows_written = static_cast<std::uint64_t>(i)});
    }
  });
  for (int i = 0; i < 50; ++i) CHECK_FALSE(metrics.render().empty());
  reporter.join();
  std::string text = metrics.render();
  CHECK(value_of(text, R"(vitals_probes_total{probe="card-api",result="success"})") == kRuns / 2);
  CHECK(value_of(text, R"(vitals_probes_total{probe="card-api",result="failure"})") == kRuns / 2);
  CHECK(value_of(text, "vitals_probe_run_duration_seconds_count") == kRuns);
}
