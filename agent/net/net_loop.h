// The agent's one network thread: libcurl multi transfers, file-descriptor watches (TCP, TLS
// and DNS probes) and the EventLoop's timers, all driven by a single curl_multi_poll. No
// request gets a thread of its own.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "vitals/common/clock.h"
#include "vitals/common/event_loop.h"

namespace vitals {

// Where a request's time went, as libcurl and the blackbox exporter split it.
struct PhaseTimings {
  Duration resolve{0};
  Duration connect{0};
  Duration tls{0};
  Duration processing{0};  // request sent → first response byte
  Duration transfer{0};    // first byte → last byte
};

struct HttpRequest {
  std::string url{};
  std::string method = "GET";
  std::map<std::string, std::string> headers{};
  std::string body{};
  Duration timeout = std::chrono::seconds(10);
  bool follow_redirects = false;
  bool tls_verify = true;
  std::size_t max_body_bytes = 0;  // 0: unbounded; larger bodies fail the transfer
  bool accept_gzip = false;        // ask for and transparently decode gzip
  bool keep_body = true;           // false: read the body and drop it (a probe checking status)
};

struct HttpResponse {
  // Set when no HTTP response arrived (or the body was cut off): libcurl's text.
  std::optional<std::string> transport_error{};
  // What kind of failure transport_error is, for probe_failure_reason.
  enum class Failure {
    None,
    Resolve,
    Connect,
    Tls,
    Timeout,
    TooLarge,
    Other
  } failure = Failure::None;
  long status = 0;
  std::map<std::string, std::string> headers{};  // names in lower case; the last value wins
  std::string body{};
  PhaseTimings timings{};
  Duration total{0};
  // The earliest notAfter of the peer's certificate chain, for https.
  std::optional<WallTime> earliest_cert_expiry{};
};

// Lives on its own thread (run()); every method except post-ing work through events() and
// stop() must be called on that thread, i.e. from a callback.
class NetLoop {
 public:
  using TransferId = std::uint64_t;
  using WatchId = std::uint64_t;
  using HttpCallback = std::function<void(HttpResponse)>;
  using FdCallback = std::function<void(short revents)>;

  explicit NetLoop(const Clock& clock);
  ~NetLoop();
  NetLoop(const NetLoop&) = delete;
  NetLoop& operator=(const NetLoop&) = delete;

  // Timers and cross-thread posts; posting wakes curl_multi_poll.
  EventLoop& events() { return events_; }

  // Starts a transfer; `done` runs exactly once on the loop thread (also on timeout).
  TransferId fetch(HttpRequest request, HttpCallback done);
  // Drops a transfer without calling its callback.
  void cancel(TransferId id);
  std::size_t transfers_in_flight() const;

  // Calls `ready(revents)` on the loop thread whenever `fd` has any of `events` (POLLIN,
  // POLLOUT). Errors and hang-ups arrive as the events watched for: the callback's next read,
  // write or SO_ERROR says what happened. The watch stays until unwatch(); the caller owns and
  // closes the fd (unwatch first).
  WatchId watch(int fd, short events, FdCallback ready);
  void update_watch(WatchId id, short events);
  void unwatch(WatchId id);

  // Runs until stop(). The thread that calls it is the loop thread; SIGPIPE is blocked on it,
  // so a write to a vanished peer fails with EPIPE instead of killing the process.
  void run();
  // Thread-safe. run() returns after its current turn (at once if stop() came first); transfers
  // and watches still open stay until the NetLoop is destroyed, without callbacks.
  void stop();
  // For tests: runs on the caller's thread until `done()` or `limit` of real time passes.
  bool run_until(const std::function<bool()>& done, std::chrono::milliseconds limit);

 private:
  struct Impl;
  EventLoop events_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vitals
