// TCP probes: connect without blocking, optionally send a line and read until the reply
// matches, the way the blackbox exporter's tcp prober does query/response.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/net/tcp_connect.h"
#include "agent/probe/pattern.h"
#include "agent/probe/probe_run.h"
#include "agent/probe/probers.h"

namespace vitals::detail {
namespace {

// A reply this long without a match will not match: a banner or status line is short.
constexpr std::size_t kMaxReply = 64 * 1024;

class TcpProber final : public Prober {
 public:
  TcpProber(const TcpProbe& config, NetLoop& loop)
      : config_(config),
        loop_(loop),
        expect_(config.expect_regex),
        connect_(loop, config.address),
        run_(loop) {}
  ~TcpProber() override { cancel(); }

  void start(SteadyTime deadline, Done done) override {
    run_.begin(deadline, std::move(done), [this] { on_deadline(); });
    connect_.start([this](TcpConnect::Outcome outcome) { on_connected(std::move(outcome)); });
  }

  void cancel() override {
    connect_.cancel();
    close_socket();
    run_.cancel();
  }

 private:
  void on_connected(TcpConnect::Outcome outcome) {
    if (outcome.fd < 0)
      return run_.fail(failure_reason_of(outcome.failure), outcome.error, connect_.phases());
    if (!expect_.error().empty()) {
      ::close(outcome.fd);
      return run_.fail(FailureReason::Expectation, expect_.error(), connect_.phases());
    }
    fd_ = outcome.fd;
    exchange_start_ = loop_.events().clock().now();
    unsent_ = config_.send;
    received_.clear();
    if (unsent_.empty() && expect_.empty()) return succeed();
    watch_ = loop_.watch(fd_, unsent_.empty() ? POLLIN : POLLOUT, [this](short revents) {
      if (revents & POLLOUT) on_writable();
      if ((revents & POLLIN) && fd_ >= 0) on_readable();
    });
  }

  void on_writable() {
    ssize_t n = ::send(fd_, unsent_.data(), unsent_.size(), MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n < 0) return fail(FailureReason::Connect, std::string("send: ") + std::strerror(errno));
    unsent_.erase(0, static_cast<std::size_t>(n));
    if (!unsent_.empty()) return;
    if (expect_.empty()) return succeed();
    loop_.update_watch(watch_, POLLIN);
  }

  void on_readable() {
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
      std::string why = n == 0 ? "connection closed" : std::string(std::strerror(errno));
      return fail(FailureReason::Expectation, why + " before the reply matched " + wanted());
    }
    received_.append(buffer, static_cast<std::size_t>(n));
    if (expect_.search(received_)) return succeed();
    if (received_.size() > kMaxReply) {
      fail(FailureReason::Expectation, "no match for " + wanted() + " in the first 64KiB");
    }
  }

  // Connected and reading, the target answered wrongly or not at all: that is the reply
  // failing expect_regex, not a slow network.
  void on_deadline() {
    bool reading = fd_ >= 0 && unsent_.empty() && !expect_.empty();
    if (reading) return fail(FailureReason::Expectation, "no match for " + wanted() + " in time");
    PhaseTimings phases = current_phases();
    connect_.cancel();
    close_socket();
    run_.time_out(phases);
  }

  std::string wanted() const {
    return "/" + expect_.text() + "/ (received " + quote_excerpt(received_) + ")";
  }

  PhaseTimings current_phases() const {
    PhaseTimings phases = connect_.phases();
    if (fd_ >= 0) phases.processing = loop_.events().clock().now() - exchange_start_;
    return phases;
  }

  void succeed() {
    PhaseTimings phases = current_phases();
    close_socket();
    run_.finish(ProbeResult{.success = true, .phases = phases});
  }

  void fail(FailureReason reason, std::string error) {
    PhaseTimings phases = current_phases();
    close_socket();
    run_.fail(reason, std::move(error), phases);
  }

  void close_socket() {
    if (watch_ != 0) loop_.unwatch(watch_);
    watch_ = 0;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  const TcpProbe config_;
  NetLoop& loop_;
  const Pattern expect_;
  TcpConnect connect_;
  int fd_ = -1;
  NetLoop::WatchId watch_ = 0;
  SteadyTime exchange_start_{};
  std::string unsent_{};
  std::string received_{};
  ProbeRun run_;
};

}  // namespace

std::unique_ptr<Prober> make_tcp_prober(const TcpProbe& config, NetLoop& loop) {
  return std::make_unique<TcpProber>(config, loop);
}

}  // namespace vitals::detail
