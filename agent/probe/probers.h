// The concrete probers, one per kind and file, as make_prober builds them. Internal to the
// probe library; every prober lives on the network loop's thread.
#pragma once

#include <memory>

#include "agent/probe/prober.h"

namespace vitals::detail {

std::unique_ptr<Prober> make_http_prober(const HttpProbe& config, NetLoop& loop);
std::unique_ptr<Prober> make_tcp_prober(const TcpProbe& config, NetLoop& loop);
std::unique_ptr<Prober> make_tls_prober(const TlsProbe& config, NetLoop& loop);
// `timeout` (the probe's) sets how long c-ares waits for each try.
std::unique_ptr<Prober> make_dns_prober(const DnsProbe& config, Duration timeout, NetLoop& loop);

}  // namespace vitals::detail
