// HTTP(S) probes through the NetLoop's libcurl multi handle: status, body and latency checks on
// top of libcurl's transport result.
#include <algorithm>
#include <optional>

#include "agent/probe/pattern.h"
#include "agent/probe/probe_run.h"
#include "agent/probe/probers.h"
#include "vitals/common/duration.h"

namespace vitals::detail {
namespace {

// Bodies are kept only to match expect_body_regex, and never more than this.
constexpr std::size_t kMaxCheckedBody = 16 * 1024 * 1024;

std::string expected_statuses(const std::vector<int>& expected) {
  if (expected.empty()) return "2xx";
  std::string out;
  for (int status : expected) out += (out.empty() ? "" : ", ") + std::to_string(status);
  return out;
}

class HttpProber final : public Prober {
 public:
  HttpProber(const HttpProbe& config, NetLoop& loop)
      : config_(config), loop_(loop), body_(config.expect_body_regex), run_(loop) {}
  ~HttpProber() override { cancel(); }

  void start(SteadyTime deadline, Done done) override {
    run_.begin(deadline, std::move(done), [this] {
      drop_transfer();
      run_.time_out();
    });
    auto left =
        std::max<Duration>(deadline - loop_.events().clock().now(), std::chrono::milliseconds(1));
    transfer_ = loop_.fetch(request(left), [this](HttpResponse response) {
      transfer_.reset();
      run_.finish(judge(response));
    });
  }

  void cancel() override {
    drop_transfer();
    run_.cancel();
  }

 private:
  HttpRequest request(Duration timeout) const {
    return HttpRequest{
        .url = config_.url,
        .method = config_.method,
        .headers = config_.headers,
        .body = config_.body,
        .timeout = timeout,
        .follow_redirects = config_.follow_redirects,
        .tls_verify = config_.tls_verify,
        .max_body_bytes = body_.empty() ? 0 : kMaxCheckedBody,
        .keep_body = !body_.empty(),
    };
  }

  void drop_transfer() {
    if (transfer_) loop_.cancel(*transfer_);
    transfer_.reset();
  }

  bool status_ok(long status) const {
    const auto& expected = config_.expect_status;
    if (expected.empty()) return status >= 200 && status <= 299;
    return std::find(expected.begin(), expected.end(), status) != expected.end();
  }

  // Transport first, then status, body and latency: the first problem found is the reason.
  ProbeResult judge(const HttpResponse& r) const {
    ProbeResult result{.phases = r.timings, .cert_expiry = r.earliest_cert_expiry};
    if (r.status != 0) result.http_status = static_cast<int>(r.status);
    auto failed = [&](FailureReason reason, std::string error) {
      result.reason = reason;
      result.error = std::move(error);
      return result;
    };
    if (r.transport_error) return failed(failure_reason_of(r.failure), *r.transport_error);
    if (!status_ok(r.status)) {
      return failed(FailureReason::Status, "status " + std::to_string(r.status) + ", expected " +
                                               expected_statuses(config_.expect_status));
    }
    if (!body_.error().empty()) return failed(FailureReason::Body, body_.error());
    if (!body_.search(r.body)) {
      return failed(FailureReason::Body,
                    "body does not match /" + body_.text() + "/: " + quote_excerpt(r.body));
    }
    if (config_.max_latency && r.total > *config_.max_latency) {
      return failed(FailureReason::Expectation, "took " + format_duration(r.total) +
                                                    ", over max_latency " +
                                                    format_duration(*config_.max_latency));
    }
    result.success = true;
    return result;
  }

  const HttpProbe config_;
  NetLoop& loop_;
  const Pattern body_;
  std::optional<NetLoop::TransferId> transfer_{};
  ProbeRun run_;
};

}  // namespace

std::unique_ptr<Prober> make_http_prober(const HttpProbe& config, NetLoop& loop) {
  return std::make_unique<HttpProber>(config, loop);
}

}  // namespace vitals::detail
