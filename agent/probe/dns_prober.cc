// DNS probes: one query of the configured type to the configured server through c-ares, on the
// NetLoop; every answer must match expect_regex.
#include <arpa/nameser.h>

#include "agent/net/ares_channel.h"
#include "agent/probe/dns_answer.h"
#include "agent/probe/pattern.h"
#include "agent/probe/probe_run.h"
#include "agent/probe/probers.h"

namespace vitals::detail {
namespace {

int wire_type(DnsRecordType type) {
  switch (type) {
    case DnsRecordType::A:
      return ns_t_a;
    case DnsRecordType::Aaaa:
      return ns_t_aaaa;
    case DnsRecordType::Cname:
      return ns_t_cname;
    case DnsRecordType::Mx:
      return ns_t_mx;
    case DnsRecordType::Txt:
      return ns_t_txt;
    case DnsRecordType::Ns:
      return ns_t_ns;
    case DnsRecordType::Srv:
      return ns_t_srv;
    case DnsRecordType::Ptr:
      return ns_t_ptr;
  }
  return ns_t_a;
}

// c-ares tries twice, the second try waiting twice as long: a third of the probe's timeout for
// the first try ends both about when the probe's deadline does.
Duration first_try_timeout(Duration probe_timeout) {
  if (probe_timeout <= Duration{0}) return std::chrono::seconds(1);
  return probe_timeout / 3;
}

class DnsProber final : public Prober {
 public:
  DnsProber(const DnsProbe& config, Duration timeout, NetLoop& loop)
      : config_(config), expect_(config.expect_regex), run_(loop) {
    auto channel = AresChannel::create(loop, config.server, first_try_timeout(timeout));
    if (channel) {
      channel_ = std::move(*channel);
    } else {
      setup_error_ = channel.error().message;
    }
  }
  ~DnsProber() override { cancel(); }

  void start(SteadyTime deadline, Done done) override {
    run_.begin(deadline, std::move(done), [this] {
      if (channel_) channel_->cancel_all();
      run_.time_out(PhaseTimings{.resolve = run_.elapsed()});
    });
    if (!channel_) return run_.fail(FailureReason::Resolve, setup_error_);
    channel_->query(config_.name, wire_type(config_.record),
                    [this](int status, const unsigned char* answer, int length) {
                      run_.finish(judge(status, answer, length));
                    });
  }

  void cancel() override {
    if (channel_) channel_->cancel_all();
    run_.cancel();
  }

 private:
  ProbeResult judge(int status, const unsigned char* answer, int length) const {
    ProbeResult result{.phases = PhaseTimings{.resolve = run_.elapsed()}};
    auto failed = [&](FailureReason reason, std::string error) {
      result.reason = reason;
      result.error = std::move(error);
      return result;
    };
    std::string what = std::string(to_string(config_.record)) + " " + config_.name;
    if (status == ARES_ETIMEOUT)
      return failed(FailureReason::Timeout, what + ": no answer in time");
    if (status != ARES_SUCCESS)
      return failed(FailureReason::Resolve, what + ": " + ares_strerror(status));
    auto answers = answers_of_type(answer, length, wire_type(config_.record));
    if (!answers) return failed(FailureReason::Resolve, what + ": " + answers.error().message);
    if (answers->empty()) return failed(FailureReason::Resolve, what + ": no such record");
    if (!expect_.error().empty()) return failed(FailureReason::Expectation, expect_.error());
    for (const std::string& a : *answers) {
      if (!expect_.search(a)) {
        return failed(FailureReason::Expectation, what + ": answer " + quote_excerpt(a) +
                                                      " does not match /" + expect_.text() + "/");
      }
    }
    result.success = true;
    return result;
  }

  const DnsProbe config_;
  const Pattern expect_;
  std::unique_ptr<AresChannel> channel_{};
  std::string setup_error_{};
  ProbeRun run_;
};

}  // namespace

std::unique_ptr<Prober> make_dns_prober(const DnsProbe& config, Duration timeout, NetLoop& loop) {
  return std::make_unique<DnsProber>(config, timeout, loop);
}

}  // namespace vitals::detail
