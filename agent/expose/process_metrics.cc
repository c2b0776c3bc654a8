#include "agent/expose/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace vitals {
namespace {

Result<std::string> read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in || !text) return make_error(ErrorCode::Unavailable, std::string("cannot read ") + path);
  return text.str();
}

// /proc/self/stat after the command name, which sits in parentheses and may itself hold spaces
// or parentheses, hence the last ')'. Field numbers are proc(5)'s: utime 14, stime 15,
// starttime 22, vsize 23, rss 24.
Result<void> parse_stat(const std::string& stat, double boot_time, ProcessStats& out) {
  auto close = stat.rfind(')');
  if (close == std::string::npos) return make_error(ErrorCode::Unavailable, "bad /proc/self/stat");
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  double utime = 0, stime = 0, starttime = 0, vsize = 0, rss = 0;
  for (int number = 3; fields >> field && number <= 24; ++number) {
    if (number == 14) utime = std::stod(field);
    if (number == 15) stime = std::stod(field);
    if (number == 22) starttime = std::stod(field);
    if (number == 23) vsize = std::stod(field);
    if (number == 24) rss = std::stod(field);
  }
  if (rss <= 0) return make_error(ErrorCode::Unavailable, "bad /proc/self/stat: no rss");
  double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.cpu_seconds = (utime + stime) / ticks;
  out.start_time_seconds = boot_time + starttime / ticks;
  out.virtual_memory_bytes = vsize;
  out.resident_memory_bytes = rss * static_cast<double>(sysconf(_SC_PAGESIZE));
  return {};
}

Result<double> boot_time() {
  auto text = read_text("/proc/stat");
  if (!text) return tl::unexpected(text.error());
  auto at = text->find("\nbtime ");
  if (at == std::string::npos) return make_error(ErrorCode::Unavailable, "no btime in /proc/stat");
  return std::stod(text->substr(at + 7));
}

Result<double> open_fds() {
  std::error_code error;
  std::filesystem::directory_iterator it("/proc/self/fd", error), end;
  double count = 0;
  for (; !error && it != end; it.increment(error)) ++count;
  if (error) return make_error(ErrorCode::Unavailable, "cannot list /proc/self/fd");
  return count;
}

prometheus::MetricFamily family(const char* name, prometheus::MetricType type, const char* help,
                                double value) {
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  return prometheus::MetricFamily{name, help, type, {metric}};
}

}  // namespace

Result<ProcessStats> read_process_stats() {
  ProcessStats stats;
  auto boot = boot_time();
  if (!boot) return tl::unexpected(boot.error());
  auto stat = read_text("/proc/self/stat");
  if (!stat) return tl::unexpected(stat.error());
  // std::stod throws on a malformed field; /proc never writes one, but a crash is no answer.
  try {
    if (auto parsed = parse_stat(*stat, *boot, stats); !parsed) {
      return tl::unexpected(parsed.error());
    }
  } catch (const std::exception&) {
    return make_error(ErrorCode::Unavailable, "bad /proc/self/stat");
  }
  auto fds = open_fds();
  if (!fds) return tl::unexpected(fds.error());
  stats.open_fds = *fds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return make_error(ErrorCode::Unavailable, "getrlimit(RLIMIT_NOFILE) failed");
  }
  stats.max_fds = static_cast<double>(limit.rlim_cur);
  return stats;
}

std::vector<prometheus::MetricFamily> ProcessMetrics::Collect() const {
  auto stats = read_process_stats();
  if (!stats) return {};
  using prometheus::MetricType;
  return {
      family("process_cpu_seconds_total", MetricType::Counter,
             "Total user and system CPU time spent in seconds.", stats->cpu_seconds),
      family("process_open_fds", MetricType::Gauge, "Number of open file descriptors.",
             stats->open_fds),
      family("process_max_fds", MetricType::Gauge, "Maximum number of open file descriptors.",
             stats->max_fds),
      family("process_virtual_memory_bytes", MetricType::Gauge, "Virtual memory size in bytes.",
             stats->virtual_memory_bytes),
      family("process_resident_memory_bytes", MetricType::Gauge, "Resident memory size in bytes.",
             stats->resident_memory_bytes),
      family("process_start_time_seconds", MetricType::Gauge,
             "Start time of the process since unix epoch in seconds.", stats->start_time_seconds),
  };
}

}  // namespace vitals
