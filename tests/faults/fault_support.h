// What the fault suite shares (docs/faults.md): each fault's figures, written to one file that
// scripts/faults prints as a table, and a watcher that keeps asking the agent for /metrics and
// its status page while a fault is on, since the agent must keep serving both throughout.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/agent_fixture.h"

namespace vitals::testing {

// One row of the fault table.
struct FaultFigure {
  std::string fault;           // what was done to the agent
  bool survived = false;       // still running and serving at the end, nothing corrupted
  std::string lost;            // what data the fault cost: "none", "3 history rows"
  std::string time_to_report;  // from the fault starting to the agent saying so; "-" if n/a
  std::string reported_by;     // where it said so: a metric, a log line, a state
};

// Appends `figure` as a tab-separated line to FAULT_FIGURES_FILE. One write with O_APPEND, so
// fault tests running side by side never interleave their lines.
inline void record_figure(const FaultFigure& figure) {
  std::string line = figure.fault + "\t" + (figure.survived ? "yes" : "NO") + "\t" + figure.lost +
                     "\t" + figure.time_to_report + "\t" + figure.reported_by + "\n";
  int fd = ::open(FAULT_FIGURES_FILE, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  REQUIRE_MESSAGE(fd >= 0, "cannot open " << FAULT_FIGURES_FILE);
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  ::close(fd);
  CHECK(written);
  MESSAGE(line);
}

inline double seconds_since(SteadyTime start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// "1.23 s".
inline std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", seconds);
  return text;
}

// Reads the agent's output that came so far without waiting, so a child that logs while the
// test only polls its API never blocks on a full pipe.
inline void drain_output(Process& process) {
  (void)process.wait_for_line_where([](std::string_view) { return false; }, Duration::zero());
}

// The value of `name` with exactly `labels`; -1 when absent, so a check that it rose fails.
inline double metric_value(const std::vector<Sample>& samples, const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) {
  return sample_value(samples, name, labels).value_or(-1);
}

// Reads the agent's /metrics until `done(samples)` holds or `timeout` passes, reading its log
// meanwhile; returns the last samples.
template <class Done>
std::vector<Sample> wait_for_metrics(Agent& agent, Done done, Duration timeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Sample> samples = get_metrics(agent.port);
  while (!done(samples) && std::chrono::steady_clock::now() < deadline) {
    drain_output(agent.process);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    samples = get_metrics(agent.port);
  }
  return samples;
}

// Asks GET /metrics and GET / of the agent every `every` from its own thread until destroyed or
// stopped, counting the answers that were not a 200 in time and keeping the slowest.
class ServingWatch {
 public:
  explicit ServingWatch(int port, Duration every = std::chrono::milliseconds(250))
      : port_(port), every_(every), thread_([this] { run(); }) {}
  ~ServingWatch() { stop(); }
  ServingWatch(const ServingWatch&) = delete;
  ServingWatch& operator=(const ServingWatch&) = delete;

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int requests() const { return requests_; }
  int failures() const { return failures_; }
  double slowest_seconds() const { return slowest_; }
  // The first failure, for a failing check's message.
  std::string first_failure() const {
    std::lock_guard lock(mutex_);
    return first_failure_;
  }
  std::string summary() const {
    return std::to_string(requests_.load()) + " requests to /metrics and /, " +
           std::to_string(failures_.load()) + " failed, slowest " + format_seconds(slowest_);
  }

 private:
  void run() {
    while (!stopping_) {
      for (const char* path : {"/metrics", "/"}) ask(path);
      std::this_thread::sleep_for(every_);
    }
  }
  void ask(const std::string& path) {
    auto reply = http_get(port_, path);
    ++requests_;
    if (reply && reply->status == 200) {
      slowest_ = std::max(slowest_.load(), std::chrono::duration<double>(reply->elapsed).count());
      return;
    }
    ++failures_;
    std::lock_guard lock(mutex_);
    if (first_failure_.empty()) {
      first_failure_ =
          "GET " + path + ": " + (reply ? std::to_string(reply->status) : to_string(reply.error()));
    }
  }

  int port_;
  Duration every_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> failures_{0};
  std::atomic<double> slowest_{0};
  mutable std::mutex mutex_;
  std::string first_failure_;
  std::thread thread_;  // last: starts once the members it reads exist
};

}  // namespace vitals::testing
