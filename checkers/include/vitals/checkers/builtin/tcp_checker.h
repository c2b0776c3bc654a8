// A checker for a TCP dependency of a service (a database port, a broker, a cache): it proves
// something accepts connections there by opening one and closing it at once.
#pragma once

#include <string>
#include <string_view>

#include "vitals/checkers/check.h"
#include "vitals/common/error.h"

namespace vitals {

// Each run resolves `host` (a name or a numeric address) and connects to its addresses in turn
// until one accepts, all within the run's remaining time. Metadata: `address` that accepted
// ("127.0.0.1:5432", "[::1]:5432") and `connect_ms`. Fails with
// "connect 127.0.0.1:1234: Connection refused", "connect …: timeout after 2s" or
// "resolve db.internal: …".
Checker tcp_checker(std::string host, int port);

// The same from "host:port" or "[v6 address]:port". InvalidArgument when `address` is not in
// that form or the port is not 1-65535.
Result<Checker> tcp_checker(std::string_view address);

}  // namespace vitals
