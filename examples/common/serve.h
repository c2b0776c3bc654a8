// What both example services do around their own work: log status changes, and serve the health
// routes plus their own on 127.0.0.1 until SIGTERM.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "examples/common/fault_switchboard.h"
#include "examples/common/flags.h"
#include "vitals/checkers/health_registry.h"
#include "vitals/common/error.h"

namespace httplib {
class Server;
}

namespace vitals::examples {

// Prints each status change of the whole service and of each of `checks` to stdout, one line
// each ("check database: healthy -> unhealthy (…)"). Call it before adding the checks, so not
// even their first run's change slips by.
void log_status_changes(HealthRegistry& registry, const std::vector<std::string>& checks);

// Serves the health routes, GET /ping ("pong"), the fault routes and whatever `mount` adds on
// 127.0.0.1:flags.port, prints "listening on port N" once serving, and returns after SIGTERM or
// SIGINT and the drain grace, with every fault cleared (a lock released, a hung checker let go) and
// "stopped" printed. Unavailable when the port cannot be bound.
Result<void> serve(HealthRegistry& registry, const ServiceFlags& flags, FaultSwitchboard& faults,
                   std::function<void(httplib::Server&)> mount = {});

// Prints "<program>: <what>: <error>" to stderr and returns the exit code for it, 1.
int report_failure(std::string_view program, std::string_view what, const Error& error);

}  // namespace vitals::examples
