#include "agent/probe/probers.h"

namespace vitals {

std::unique_ptr<Prober> make_prober(const ProbeConfig& config, NetLoop& loop) {
  struct Make {
    const ProbeConfig& config;
    NetLoop& loop;
    std::unique_ptr<Prober> operator()(const HttpProbe& p) {
      return detail::make_http_prober(p, loop);
    }
    std::unique_ptr<Prober> operator()(const TcpProbe& p) {
      return detail::make_tcp_prober(p, loop);
    }
    std::unique_ptr<Prober> operator()(const TlsProbe& p) {
      return detail::make_tls_prober(p, loop);
    }
    std::unique_ptr<Prober> operator()(const DnsProbe& p) {
      return detail::make_dns_prober(p, config.timeout, loop);
    }
  };
  return std::visit(Make{config, loop}, config.kind);
}

}  // namespace vitals
