// TLS probes: connect, then drive OpenSSL's client handshake from NetLoop watches; verify the
// chain against the system's trust store (OpenSSL's default paths, so SSL_CERT_FILE and
// SSL_CERT_DIR apply) and the host name, and report the earliest certificate expiry.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "agent/net/peer_certs.h"
#include "agent/net/tcp_connect.h"
#include "agent/probe/probe_run.h"
#include "agent/probe/probers.h"

namespace vitals::detail {
namespace {

// One client context shared by every live TLS prober: loading the trust store is the costly
// part. It is rebuilt once all probers are gone, so a reload picks up a changed store.
std::shared_ptr<SSL_CTX> client_context() {
  static std::mutex mu;
  static std::weak_ptr<SSL_CTX> cache;
  std::lock_guard lock(mu);
  if (auto ctx = cache.lock()) return ctx;
  SSL_CTX* raw = SSL_CTX_new(TLS_client_method());
  if (raw == nullptr) return nullptr;
  SSL_CTX_set_default_verify_paths(raw);
  // The handshake goes on whatever the verification says; the prober reads the result after,
  // so an expired certificate is told apart from an untrusted one.
  SSL_CTX_set_verify(raw, SSL_VERIFY_NONE, nullptr);
  std::shared_ptr<SSL_CTX> ctx(raw, SSL_CTX_free);
  cache = ctx;
  return ctx;
}

bool is_ip(const std::string& host) {
  unsigned char buffer[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

std::string handshake_error(int ssl_error) {
  if (unsigned long e = ERR_get_error(); e != 0) {
    char text[256];
    ERR_error_string_n(e, text, sizeof text);
    return std::string("TLS handshake: ") + text;
  }
  if (ssl_error == SSL_ERROR_SYSCALL && errno != 0) {
    return std::string("TLS handshake: ") + std::strerror(errno);
  }
  return "TLS handshake: connection closed by the peer";
}

class TlsProber final : public Prober {
 public:
  TlsProber(const TlsProbe& config, NetLoop& loop)
      : config_(config),
        loop_(loop),
        context_(client_context()),
        connect_(loop, config.address),
        run_(loop) {
    if (config_.server_name.empty()) {
      if (auto hp = split_host_port(config_.address)) config_.server_name = hp->host;
    }
  }
  ~TlsProber() override { cancel(); }

  void start(SteadyTime deadline, Done done) override {
    run_.begin(deadline, std::move(done), [this] {
      PhaseTimings phases = current_phases();
      connect_.cancel();
      close_connection();
      run_.time_out(phases);
    });
    connect_.start([this](TcpConnect::Outcome outcome) { on_connected(std::move(outcome)); });
  }

  void cancel() override {
    connect_.cancel();
    close_connection();
    run_.cancel();
  }

 private:
  void on_connected(TcpConnect::Outcome outcome) {
    if (outcome.fd < 0)
      return run_.fail(failure_reason_of(outcome.failure), outcome.error, connect_.phases());
    fd_ = outcome.fd;
    handshake_start_ = loop_.events().clock().now();
    if (!context_ || !(ssl_ = SSL_new(context_.get()))) {
      return fail(FailureReason::Tls, "cannot create a TLS session");
    }
    SSL_set_fd(ssl_, fd_);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
    // Validity is judged at the agent's (injected) time, like min_days_left.
    X509_VERIFY_PARAM_set_time(
        param, std::chrono::system_clock::to_time_t(loop_.events().clock().wall_now()));
    if (is_ip(config_.server_name)) {
      X509_VERIFY_PARAM_set1_ip_asc(param, config_.server_name.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl_, config_.server_name.c_str());
      SSL_set1_host(ssl_, config_.server_name.c_str());
    }
    watch_ = loop_.watch(fd_, POLLOUT, [this](short) { step(); });
    step();
  }

  void step() {
    ERR_clear_error();
    int rc = SSL_connect(ssl_);
    if (rc == 1) return handshake_done();
    int error = SSL_get_error(ssl_, rc);
    if (error == SSL_ERROR_WANT_READ) return loop_.update_watch(watch_, POLLIN);
    if (error == SSL_ERROR_WANT_WRITE) return loop_.update_watch(watch_, POLLOUT);
    fail(FailureReason::Tls, handshake_error(error));
  }

  void handshake_done() {
    handshake_done_ = true;
    ProbeResult result = judge();
    close_connection();
    run_.finish(std::move(result));
  }

  // An expired (or not yet valid) certificate and one too close to expiry are Certificate
  // failures; any other verification failure (untrusted, wrong host) is Tls.
  ProbeResult judge() const {
    ProbeResult result{.phases = current_phases(), .cert_expiry = earliest_not_after(ssl_)};
    auto failed = [&](FailureReason reason, std::string error) {
      result.reason = reason;
      result.error = std::move(error);
      return result;
    };
    long verify = SSL_get_verify_result(ssl_);
    std::string verify_text = X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_CERT_HAS_EXPIRED || verify == X509_V_ERR_CERT_NOT_YET_VALID) {
      return failed(FailureReason::Certificate, "certificate verify failed: " + verify_text);
    }
    if (verify != X509_V_OK) {
      return failed(FailureReason::Tls,
                    "certificate verify failed for " + config_.server_name + ": " + verify_text);
    }
    if (!result.cert_expiry) return failed(FailureReason::Tls, "the server sent no certificate");
    double days = to_days(*result.cert_expiry - loop_.events().clock().wall_now());
    if (days < config_.min_days_left) {
      char text[128];
      std::snprintf(text, sizeof text, "certificate expires in %.1f days, under min_days_left %d",
                    days, config_.min_days_left);
      return failed(FailureReason::Certificate, text);
    }
    result.success = true;
    return result;
  }

  static double to_days(WallTime::duration d) {
    return std::chrono::duration<double, std::ratio<86400>>(d).count();
  }

  PhaseTimings current_phases() const {
    PhaseTimings phases = connect_.phases();
    if (fd_ >= 0) phases.tls = loop_.events().clock().now() - handshake_start_;
    return phases;
  }

  void fail(FailureReason reason, std::string error) {
    PhaseTimings phases = current_phases();
    close_connection();
    run_.fail(reason, std::move(error), phases);
  }

  void close_connection() {
    if (ssl_ != nullptr) {
      // One non-blocking close_notify, as a polite client sends; its outcome does not matter.
      if (handshake_done_) SSL_shutdown(ssl_);
      SSL_free(ssl_);
      ERR_clear_error();
    }
    ssl_ = nullptr;
    handshake_done_ = false;
    if (watch_ != 0) loop_.unwatch(watch_);
    watch_ = 0;
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  TlsProbe config_;
  NetLoop& loop_;
  std::shared_ptr<SSL_CTX> context_;
  TcpConnect connect_;
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  bool handshake_done_ = false;
  NetLoop::WatchId watch_ = 0;
  SteadyTime handshake_start_{};
  ProbeRun run_;
};

}  // namespace

std::unique_ptr<Prober> make_tls_prober(const TlsProbe& config, NetLoop& loop) {
  return std::make_unique<TlsProber>(config, loop);
}

}  // namespace vitals::detail
