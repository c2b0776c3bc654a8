// The --web.listen-address value taken apart, and whether it keeps the server on this machine:
// the agent refuses anything else without an admin token. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "vitals/common/error.h"

namespace vitals::detail {

struct ListenAddress {
  std::string host{};  // what to bind: brackets removed; "" (every interface) becomes 0.0.0.0
  int port = 0;        // 0: any free port
  bool loopback = false;
};

// "host:port", "[ipv6]:port" or ":port" (every interface, as in Go and Prometheus).
// InvalidArgument naming the text when it is none of those or the port is not 0-65535.
Result<ListenAddress> parse_listen_address(std::string_view text);

// 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) and "localhost". Any other name is not loopback:
// what it resolves to can change.
bool is_loopback_host(std::string_view host);

}  // namespace vitals::detail
